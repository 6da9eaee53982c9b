import Foundation
import Formats
import Testing
import TestSupport

@Suite struct PNGCodecTests {
    struct Expected: Decodable { let pillow_mode: String; let width: Int; let height: Int; let rgb: [UInt8] }
    static let expected: [String: Expected] = try! JSONDecoder().decode(
        [String: Expected].self, from: Data(contentsOf: FixturePaths.url("codecs/png/expected.json")))

    /// Every colour type and bit depth decodes to the RGB bytes Pillow's convert("RGB") gives.
    @Test(arguments: expected.keys.sorted())
    func matchesPillowConvertRGB(name: String) throws {
        let want = try #require(Self.expected[name])
        let image = try PNGCodec.read(file: FixturePaths.path("codecs/png/\(name)"))
        #expect(image.width == want.width && image.height == want.height)
        let differing = zip(image.pixels, want.rgb).filter { $0 != $1 }.count
        #expect(image.pixels == want.rgb, "\(name) (Pillow mode \(want.pillow_mode)): \(differing) bytes differ")
    }

    @Test func writeThenReadRoundTrips() throws {
        var rng = TestRandom(seed: 7)
        let image = RGBImage(width: 13, height: 4, pixels: (0..<13 * 4 * 3).map { _ in UInt8(rng.next() & 0xFF) })
        let path = FixturePaths.temporaryDirectory().appendingPathComponent("x.png").path
        try PNGCodec.write(image, to: path)
        #expect(try PNGCodec.read(file: path) == image)
        #expect(try PNGCodec.encode(image) == PNGCodec.encode(image))   // deterministic bytes
    }

    private func damaged(_ transform: (inout [UInt8]) -> Void) throws -> String {
        var bytes = [UInt8](try Data(contentsOf: FixturePaths.url("codecs/png/rgb8.png")))
        transform(&bytes)
        let path = FixturePaths.temporaryDirectory().appendingPathComponent("damaged.png").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do { _ = try PNGCodec.read(file: path); return "no error" } catch { return "\(error)" }
    }

    /// Byte offset of a chunk's data.
    private func chunk(_ type: String, in bytes: [UInt8]) -> (data: Int, length: Int)? {
        var o = 8
        while o + 8 <= bytes.count {
            let length = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            if String(decoding: bytes[o + 4..<o + 8], as: UTF8.self) == type { return (o + 8, length) }
            o += 12 + length
        }
        return nil
    }

    @Test func truncatedInsideIDAT() throws {
        let text = try damaged { b in
            let idat = chunk("IDAT", in: b)!
            b = Array(b.prefix(idat.data + idat.length / 2))
        }
        #expect(text.contains("damaged.png") && text.contains("cannot decode PNG") && text.contains("truncated"), "\(text)")
    }

    @Test func badCRC() throws {
        let text = try damaged { b in
            let ihdr = chunk("IHDR", in: b)!
            b[ihdr.data + ihdr.length] ^= 0xFF     // the stored CRC no longer matches the chunk
        }
        #expect(text.contains("damaged.png") && text.contains("CRC"), "\(text)")
    }

    @Test func badSignatureZeroSizeAndMissingFile() throws {
        #expect(try damaged { $0[1] = 0x51 }.contains("not a PNG file (bad signature)"))
        let zero = try damaged { b in
            let ihdr = chunk("IHDR", in: b)!
            for i in 0..<4 { b[ihdr.data + i] = 0 }     // width 0 (the CRC check fires first or the size check)
        }
        #expect(zero.contains("damaged.png") && zero.contains("cannot decode PNG"), "\(zero)")
        #expect(throws: ImageError(file: "/nonexistent.png", detail: "no such file")) { try PNGCodec.read(file: "/nonexistent.png") }
        #expect(throws: ImageError.self) { try PNGCodec.decode(Data()) }
    }

    @Test func hugeDimensionsAreRefusedBeforeAllocating() throws {
        // A valid IHDR claiming 100000 × 100000 (CRC recomputed by hand is awkward; libpng's own limit or ours fires).
        let text = try damaged { b in
            let ihdr = chunk("IHDR", in: b)!
            let big: [UInt8] = [0x00, 0x01, 0x86, 0xA0]
            for i in 0..<4 { b[ihdr.data + i] = big[i]; b[ihdr.data + 4 + i] = big[i] }
            let crc = PNGCodecTests.crc32(Array(b[ihdr.data - 4..<ihdr.data + ihdr.length]))
            for i in 0..<4 { b[ihdr.data + ihdr.length + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
        }
        #expect(text.contains("more than the limit"), "\(text)")
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}
