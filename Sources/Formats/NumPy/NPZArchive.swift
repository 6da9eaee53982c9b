import CZlib
import Foundation

/// `.npz` archives: a zip of `<name>.npy` entries, stored or deflated (as `np.savez` / `np.savez_compressed`
/// write them). pytorch-fid's statistics files hold `mu` and `sigma`. Reading goes through `ZipArchive`;
/// writing produces a stored zip numpy reads.
public enum NPZArchive {
    public static func read(file path: String) throws -> [String: NPYArray] {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch {
            throw NumPyError(file: path, detail: "not a readable .npz archive (\(error))")
        }
        return try read(file)
    }

    /// An archive already opened (or held in memory); its `path` names it in messages.
    public static func read(_ file: MappedFile) throws -> [String: NPYArray] {
        let path = file.path
        let zip: ZipArchive
        do { zip = try ZipArchive(file: file) } catch {
            throw NumPyError(file: path, detail: "not a readable .npz archive (\(error))")
        }
        var arrays: [String: NPYArray] = [:]
        for entry in zip.entries where entry.name.hasSuffix(".npy") {
            let bytes: [UInt8]
            do { bytes = try zip.data(entry) } catch { throw NumPyError(file: "\(path) [\(entry.name)]", detail: "\(error)") }
            arrays[String(entry.name.dropLast(4))] = try NPYFile.decode(bytes, file: "\(path) [\(entry.name)]")
        }
        return arrays
    }

    /// Writes a stored (uncompressed) archive; entry order is the order given.
    public static func write(_ arrays: [(name: String, array: NPYArray)], to path: String) throws {
        var out: [UInt8] = [], central: [UInt8] = []
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
        for (name, array) in arrays {
            let data = NPYFile.encode(array)
            guard data.count < 0xFFFF_FFFF else { throw NumPyError(file: path, detail: "entry \(name) is too large for a non-ZIP64 archive") }
            let crc = data.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, UInt32($0.count))) }
            let fileName = Array((name + ".npy").utf8)
            let offset = out.count
            // Local header: version 20, no flags, stored, DOS time/date 0 (1980-01-01) for reproducible bytes.
            out += le32(0x0403_4b50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
            out += le32(crc) + le32(data.count) + le32(data.count) + le16(fileName.count) + le16(0) + fileName + data
            central += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
            central += le32(crc) + le32(data.count) + le32(data.count) + le16(fileName.count) + le16(0) + le16(0)
            central += le16(0) + le16(0) + le32(0) + le32(offset) + fileName
        }
        let cdOffset = out.count
        out += central
        out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(arrays.count) + le16(arrays.count) + le32(central.count) + le32(cdOffset) + le16(0)
        do { try Data(out).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw NumPyError(file: path, detail: "cannot write: \(FileProblem.writeReason(path, error: error))")
        }
    }
}
