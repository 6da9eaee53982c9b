import CZlib
import Tensors

/// A read-only ZIP archive over a memory-mapped file (PyTorch's checkpoint container, NumPy's .npz).
/// Supports ZIP64 (Janus-Pro-7B's shards are 10 GB), stored entries as zero-copy views and deflated
/// entries inflated with zlib. Every offset is checked against the file before use.
public final class ZipArchive: @unchecked Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var method: UInt16
        public var compressedSize: Int
        public var uncompressedSize: Int
        /// Offset of the entry's data (after its local header).
        public var dataOffset: Int
    }

    public let path: String
    public let file: MappedFile
    public private(set) var entries: [Entry] = []
    private var byName: [String: Int] = [:]

    public convenience init(path: String) throws {
        try self.init(file: try MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        self.file = file
        self.path = file.path
        try readCentralDirectory()
    }

    private func malformed(_ detail: String) -> CheckpointError { .malformed(file: path, detail: "zip: " + detail) }

    private func u16(_ o: Int) -> Int { Int(file.loadLE(UInt16.self, at: o)) }
    private func u32(_ o: Int) -> Int { Int(file.loadLE(UInt32.self, at: o)) }
    private func u64(_ o: Int) throws -> Int {
        let v = file.loadLE(UInt64.self, at: o)
        guard v <= UInt64(Int.max) else { throw malformed("64-bit field at byte \(o) is out of range") }
        return Int(v)
    }

    private func readCentralDirectory() throws {
        let size = file.size
        guard size >= 22 else { throw malformed("file is \(size) bytes, too short to be a zip archive (truncated?)") }
        // The end-of-central-directory record sits in the last 22 + 65535 bytes.
        var eocd = -1
        var p = size - 22
        let lowest = max(0, size - 22 - 65535)
        while p >= lowest {
            if file.loadLE(UInt32.self, at: p) == 0x0605_4b50 { eocd = p; break }
            p -= 1
        }
        guard eocd >= 0 else { throw malformed("no end-of-central-directory record: the file is truncated or not a zip archive") }
        var count = u16(eocd + 10)
        var cdSize = u32(eocd + 12)
        var cdOffset = u32(eocd + 16)
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the EOCD points at the ZIP64 end record.
            let locator = eocd - 20
            guard locator >= 0, file.loadLE(UInt32.self, at: locator) == 0x0706_4b50 else {
                throw malformed("ZIP64 sizes without a ZIP64 locator")
            }
            let record = try u64(locator + 8)
            guard record >= 0, record <= size - 56, file.loadLE(UInt32.self, at: record) == 0x0606_4b50 else {
                throw malformed("ZIP64 end record offset \(record) is invalid")
            }
            count = try u64(record + 32)
            cdSize = try u64(record + 40)
            cdOffset = try u64(record + 48)
        }
        guard cdOffset <= size, cdSize <= size - cdOffset else {
            throw malformed("central directory (offset \(cdOffset), \(cdSize) bytes) lies outside the \(size)-byte file: truncated?")
        }
        var o = cdOffset
        let end = cdOffset + cdSize
        for i in 0..<count {
            guard o + 46 <= end, file.loadLE(UInt32.self, at: o) == 0x0201_4b50 else {
                throw malformed("central directory entry \(i) at byte \(o) is damaged")
            }
            let method = UInt16(u16(o + 10))
            var compressed = u32(o + 20)
            var uncompressed = u32(o + 24)
            let nameLength = u16(o + 28), extraLength = u16(o + 30), commentLength = u16(o + 32)
            var localOffset = u32(o + 42)
            guard o + 46 + nameLength + extraLength + commentLength <= end else {
                throw malformed("central directory entry \(i) runs past the directory")
            }
            let name = String(decoding: file.bytes(o + 46, nameLength)!, as: UTF8.self)
            // ZIP64 extra field: the 64-bit values appear in order for the fields that are 0xFFFFFFFF.
            var e = o + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(e), length = u16(e + 2)
                guard e + 4 + length <= extraEnd else { throw malformed("entry '\(name)': extra field runs past its record") }
                if id == 0x0001 {
                    var f = e + 4
                    if uncompressed == 0xFFFF_FFFF, f + 8 <= e + 4 + length { uncompressed = try u64(f); f += 8 }
                    if compressed == 0xFFFF_FFFF, f + 8 <= e + 4 + length { compressed = try u64(f); f += 8 }
                    if localOffset == 0xFFFF_FFFF, f + 8 <= e + 4 + length { localOffset = try u64(f); f += 8 }
                }
                e += 4 + length
            }
            guard localOffset >= 0, localOffset <= size - 30, file.loadLE(UInt32.self, at: localOffset) == 0x0403_4b50 else {
                throw malformed("entry '\(name)': local header at byte \(localOffset) is missing or damaged (truncated file?)")
            }
            let dataOffset = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28)
            guard dataOffset <= size, compressed <= size - dataOffset else {
                throw malformed("entry '\(name)': its \(compressed) bytes at offset \(dataOffset) run past the end of the \(size)-byte file (truncated?)")
            }
            byName[name] = entries.count
            entries.append(Entry(name: name, method: method, compressedSize: compressed, uncompressedSize: uncompressed,
                                 dataOffset: dataOffset))
            o += 46 + nameLength + extraLength + commentLength
        }
    }

    public func entry(named name: String) -> Entry? { byName[name].map { entries[$0] } }

    /// A stored entry's bytes, in place (no copy).
    public func storedBytes(_ entry: Entry) throws -> UnsafeRawBufferPointer {
        guard entry.method == 0 else {
            throw CheckpointError.unsupported(file: path, detail: "zip entry '\(entry.name)' is compressed (method \(entry.method)); only stored entries can be memory-mapped")
        }
        guard entry.compressedSize == entry.uncompressedSize else {
            throw malformed("stored entry '\(entry.name)' has different compressed and uncompressed sizes")
        }
        return file.bytes(entry.dataOffset, entry.compressedSize)!
    }

    /// The entry's bytes: stored ones copied out, deflated ones inflated.
    public func data(_ entry: Entry) throws -> [UInt8] {
        switch entry.method {
        case 0: return Array(try storedBytes(entry))
        case 8: return try inflate(entry)
        default:
            throw CheckpointError.unsupported(file: path, detail: "zip entry '\(entry.name)' uses compression method \(entry.method); only stored (0) and deflate (8) are read")
        }
    }

    /// Deflate expands at most 1032:1; an entry claiming more than that is a decompression bomb (or damaged),
    /// refused before its output is allocated.
    static let maxDeflateRatio = 1032

    private func inflate(_ entry: Entry) throws -> [UInt8] {
        let (bound, overflow) = entry.compressedSize.multipliedReportingOverflow(by: Self.maxDeflateRatio)
        guard entry.uncompressedSize <= 1 << 34, overflow || entry.uncompressedSize <= bound + 64 else {
            throw malformed("entry '\(entry.name)' claims \(entry.uncompressedSize) bytes from \(entry.compressedSize) compressed bytes (more than deflate can expand to: a decompression bomb or a damaged archive)")
        }
        var output = [UInt8](repeating: 0, count: entry.uncompressedSize)
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw malformed("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let input = file.bytes(entry.dataOffset, entry.compressedSize)!
        var status: Int32 = Z_OK
        var produced = 0
        output.withUnsafeMutableBytes { out in
            // zlib counts in 32 bits: feed and drain in chunks below 4 GiB.
            var consumed = 0
            let chunk = Int(UInt32.max >> 1)
            repeat {
                let inCount = min(chunk, input.count - consumed), outCount = min(chunk, out.count - produced)
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.advanced(by: consumed).assumingMemoryBound(to: UInt8.self))
                stream.avail_in = UInt32(inCount)
                stream.next_out = out.baseAddress?.advanced(by: produced).assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(outCount)
                status = CZlib.inflate(&stream, Z_NO_FLUSH)
                consumed += inCount - Int(stream.avail_in)
                produced += outCount - Int(stream.avail_out)
            } while status == Z_OK && (stream.avail_out == 0 || stream.avail_in == 0) && consumed < input.count && produced < out.count
        }
        guard status == Z_STREAM_END, produced == entry.uncompressedSize else {
            throw malformed("entry '\(entry.name)' does not inflate to its stated \(entry.uncompressedSize) bytes (corrupt data, zlib status \(status))")
        }
        return output
    }
}
