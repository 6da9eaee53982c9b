import Foundation
import Formats
import Testing
import TestSupport

@Suite struct NumPyTests {
    struct Expected: Decodable { let dtype: String; let shape: [Int]; let values: [Double] }
    nonisolated(unsafe) static let expectedJSON = try! JSONSerialization.jsonObject(with: Data(contentsOf: FixturePaths.url("numpy/expected.json"))) as! [String: Any]
    static func expected(_ name: String) -> Expected {
        try! JSONDecoder().decode(Expected.self, from: JSONSerialization.data(withJSONObject: expectedJSON[name]!))
    }

    @Test(arguments: ["f64_c", "f32_c", "f64_fortran", "i64", "u8", "bool", "scalar", "vector"])
    func readsNumpyWrittenFiles(name: String) throws {
        let want = Self.expected(name)
        let array = try NPYFile.read(file: FixturePaths.path("numpy/\(name).npy"))
        #expect(array.shape == want.shape)
        #expect(array.fortranOrder == (name == "f64_fortran"))
        #expect(array.doubles() == want.values)
    }

    /// Our writer produces the bytes np.save produces (same header, padding and data), so numpy reads ours.
    @Test(arguments: ["f64_c", "f32_c", "vector", "scalar"])
    func writerMatchesNumpyByteForByte(name: String) throws {
        let numpy = [UInt8](try Data(contentsOf: FixturePaths.url("numpy/\(name).npy")))
        let array = try NPYFile.decode(numpy, file: name)
        #expect(NPYFile.encode(array) == numpy)
    }

    @Test func readsStoredAndDeflatedArchives() throws {
        for file in ["stored.npz", "deflated.npz"] {
            let arrays = try NPZArchive.read(file: FixturePaths.path("numpy/\(file)"))
            #expect(arrays["a"]?.doubles() == Self.expected("f64_c").values, "\(file)")
            #expect(arrays["b"]?.doubles() == Self.expected("f32_c").values, "\(file)")
        }
        let deflated = try NPZArchive.read(file: FixturePaths.path("numpy/deflated.npz"))
        #expect(deflated["f"]?.doubles() == Self.expected("f64_fortran").values)
    }

    @Test func pytorchFIDStatisticsLoadAndRoundTrip() throws {
        let arrays = try NPZArchive.read(file: FixturePaths.path("numpy/fid_stats.npz"))
        // json-c parses doubles exactly (strtod); Foundation's parser on Linux can be off in the last bit.
        let stats = try JSONReader.parse(file: FixturePaths.path("numpy/expected.json")).cursor.object("fid_stats")
        #expect(arrays["mu"]?.doubles() == (try stats.array("mu").map { try $0.asDouble() }))
        #expect(arrays["sigma"]?.shape == [8, 8])
        #expect(arrays["sigma"]?.doubles() == (try stats.array("sigma").map { try $0.asDouble() }))
        let path = FixturePaths.temporaryDirectory().appendingPathComponent("ours.npz").path
        try NPZArchive.write([("mu", arrays["mu"]!), ("sigma", arrays["sigma"]!)], to: path)
        let back = try NPZArchive.read(file: path)
        #expect(back["mu"] == arrays["mu"] && back["sigma"] == arrays["sigma"])
    }

    private func message(_ bytes: [UInt8]) -> String {
        do { _ = try NPYFile.decode(bytes, file: "bad.npy"); return "no error" } catch { return "\(error)" }
    }

    @Test func malformedFilesAreClearErrors() throws {
        let good = [UInt8](try Data(contentsOf: FixturePaths.url("numpy/f64_c.npy")))
        #expect(message(Array(good.dropLast(8))).contains("header says [3, 4] of f8 = 96 bytes, but the file holds 88 bytes"))
        #expect(message(good + [0]).contains("but the file holds 97 bytes"))
        var magic = good; magic[1] = 0x58
        #expect(message(magic) == "bad.npy: not a .npy file (bad magic)")
        #expect(message(Array(good.prefix(30))).contains("runs past the end"))
        var lying = good
        let header = String(decoding: good[10..<good.count - 96], as: UTF8.self).replacingOccurrences(of: "(3, 4)", with: "(9, 4)")
        lying = Array(good[0..<10]) + Array(header.utf8) + Array(good.suffix(96))
        #expect(message(lying).contains("[9, 4] of f8 = 288 bytes"))
        var bigEndian = good
        let be = String(decoding: good[10..<good.count - 96], as: UTF8.self).replacingOccurrences(of: "<f8", with: ">f8")
        bigEndian = Array(good[0..<10]) + Array(be.utf8) + Array(good.suffix(96))
        #expect(message(bigEndian).contains("big-endian"))
        let notZip = FixturePaths.temporaryDirectory().appendingPathComponent("x.npz")
        try Data(good).write(to: notZip)
        #expect(throws: NumPyError.self) { try NPZArchive.read(file: notZip.path) }
    }
}
