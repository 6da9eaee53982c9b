import Tensors

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON header mapping names to
/// {dtype, shape, data_offsets}, then the data. The whole file is memory-mapped; tensors are views.
///
/// The header is validated before any tensor is handed out: its length fits the file (and a 100 MB cap),
/// it is well-formed JSON, every dtype is known, offsets are in range, ordered, non-overlapping, and
/// dtype × shape equals the byte length.
public final class SafetensorsFile: CheckpointReader, @unchecked Sendable {
    public let path: String
    public let metadata: [String: String]
    public private(set) var tensorNames: [String] = []
    public var notes: [String] { [] }
    public var sourceDescription: String { path }
    private let file: MappedFile
    private let dataStart: Int
    private var entries: [String: (info: TensorInfo, offset: Int)] = [:]

    static let maxHeaderBytes = 100_000_000

    public convenience init(path: String) throws {
        try self.init(file: try MappedFile(path: path))
    }

    /// A safetensors file already opened (or held in memory); its `path` names it in messages.
    public init(file: MappedFile) throws {
        let path = file.path
        self.path = path
        self.file = file
        guard file.size >= 8 else {
            throw CheckpointError.malformed(file: path, detail: "file is \(file.size) bytes, too short for the 8-byte safetensors header length")
        }
        let headerLength = file.loadLE(UInt64.self, at: 0)
        guard headerLength <= UInt64(Self.maxHeaderBytes) else {
            throw CheckpointError.malformed(file: path, detail: "header length \(headerLength) is larger than the \(Self.maxHeaderBytes)-byte limit (not a safetensors file?)")
        }
        guard Int(headerLength) <= file.size - 8 else {
            throw CheckpointError.malformed(file: path, detail: "header length \(headerLength) runs past the end of the file (\(file.size) bytes): the file is truncated or not safetensors")
        }
        dataStart = 8 + Int(headerLength)
        let header: JSONDocument
        do {
            header = try JSONReader.parse(file.bytes(8, Int(headerLength))!, file: path + " (header)")
        } catch let error as JSONError {
            throw CheckpointError.malformed(file: path, detail: "header is not valid JSON: \(error)")
        }
        let dataLength = file.size - dataStart
        var meta: [String: String] = [:]
        var spans: [(Int, Int, String)] = []
        do {
            for (name, entry) in try header.cursor.entries() {
                if name == "__metadata__" {
                    for (k, v) in try entry.entries() { meta[k] = try v.asString() }
                    continue
                }
                let dtypeName = try entry.string("dtype")
                guard let dtype = DType(rawValue: dtypeName) else {
                    throw CheckpointError.unsupported(file: path, detail: "tensor '\(name)' has dtype \(dtypeName); known: \(DType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let shape = try entry.array("shape").map { try $0.asInt() }
                guard shape.allSatisfy({ $0 >= 0 }) else {
                    throw CheckpointError.malformed(file: path, detail: "tensor '\(name)' has a negative dimension in shape \(shape)")
                }
                let offsets = try entry.array("data_offsets").map { try $0.asInt() }
                guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                    throw CheckpointError.malformed(file: path, detail: "tensor '\(name)' has data_offsets \(offsets), expected [begin, end] with 0 ≤ begin ≤ end")
                }
                guard offsets[1] <= dataLength else {
                    throw CheckpointError.malformed(file: path, detail: "tensor '\(name)' data_offsets \(offsets) are out of range: the data section has \(dataLength) bytes")
                }
                let (count, overflow) = shape.reduce((1, false)) { acc, d in
                    let (m, o) = acc.0.multipliedReportingOverflow(by: d); return (m, acc.1 || o)
                }
                let expected = count.multipliedReportingOverflow(by: dtype.byteSize)
                guard !overflow, !expected.overflow, expected.partialValue == offsets[1] - offsets[0] else {
                    throw CheckpointError.malformed(file: path, detail: "tensor '\(name)': dtype \(dtypeName) × shape \(shape) needs \(overflow ? "too many" : String(expected.partialValue)) bytes but data_offsets \(offsets) span \(offsets[1] - offsets[0])")
                }
                entries[name] = (TensorInfo(name: name, dtype: dtype, shape: shape, file: path), dataStart + offsets[0])
                tensorNames.append(name)
                spans.append((offsets[0], offsets[1], name))
            }
        } catch let error as JSONError {
            throw CheckpointError.malformed(file: path, detail: "header: \(error)")
        }
        spans.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        for i in spans.indices.dropFirst() where spans[i].0 < spans[i - 1].1 {
            throw CheckpointError.malformed(file: path, detail: "tensors '\(spans[i - 1].2)' and '\(spans[i].2)' overlap (bytes \(spans[i - 1].0)..<\(spans[i - 1].1) and \(spans[i].0)..<\(spans[i].1))")
        }
        metadata = meta
    }

    public func info(named name: String) -> TensorInfo? { entries[name]?.info }

    public func tensor(named name: String) throws -> Tensor {
        guard let entry = entries[name] else { throw CheckpointError.missingTensor(file: path, name: name) }
        return file.tensor(shape: entry.info.shape, dtype: entry.info.dtype, offset: entry.offset)
    }
}
