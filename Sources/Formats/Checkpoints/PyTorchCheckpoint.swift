import Tensors

/// A PyTorch checkpoint (`torch.save` of a state dict), in either layout:
/// - zip (torch ≥ 1.6): `<prefix>/data.pkl` plus one stored entry per storage, `<prefix>/data/<key>`;
/// - legacy: magic-number, protocol and sys-info pickles, the object pickle, the storage-key list, then each
///   storage as an 8-byte little-endian element count followed by its bytes (pytorch-fid's weights).
/// The pickle is read by `PickleReader` (nothing executed); storages are memory-mapped from the file, and a
/// contiguous tensor is a zero-copy view. Nested dicts are flattened with "." (e.g. {"model": {...}}).
public final class PyTorchCheckpoint: CheckpointReader, @unchecked Sendable {
    public let path: String
    public private(set) var tensorNames: [String] = []
    public private(set) var notes: [String] = []
    public var sourceDescription: String { path }
    /// "zip" or "legacy".
    public let layout: String

    private let file: MappedFile
    private var references: [String: TensorReference] = [:]
    /// storage key → (byte offset in the file, byte count)
    private var storages: [String: (offset: Int, bytes: Int)] = [:]

    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    public convenience init(path: String) throws {
        try self.init(file: try MappedFile(path: path))
    }

    /// A checkpoint already opened (or held in memory); its `path` names it in messages.
    public init(file: MappedFile) throws {
        self.path = file.path
        self.file = file
        if file.size >= 4 && file.loadLE(UInt32.self, at: 0) == 0x0403_4b50 {
            layout = "zip"
            try readZip()
        } else {
            layout = "legacy"
            try readLegacy()
        }
    }

    static func dtype(forStorage name: String) -> DType? {
        switch name {
        case "FloatStorage": return .f32
        case "DoubleStorage": return .f64
        case "HalfStorage": return .f16
        case "BFloat16Storage": return .bf16
        case "LongStorage": return .i64
        case "IntStorage": return .i32
        case "ShortStorage": return .i16
        case "CharStorage": return .i8
        case "ByteStorage": return .u8
        case "BoolStorage": return .bool
        default: return nil
        }
    }

    private func malformed(_ detail: String) -> CheckpointError { .malformed(file: path, detail: detail) }

    /// Decodes the persistent id tuple both layouts use: ('storage', <StorageType>, key, location, numel[, view]).
    private func storageReference(_ pid: PickleValue) throws -> PickleValue {
        guard case .tuple(let t) = pid, t.count >= 5, case .string("storage") = t[0],
              case .global(_, let typeName) = t[1], case .string(let key) = t[2] else {
            throw malformed("unexpected persistent id \(pid)")
        }
        guard Self.dtype(forStorage: typeName) != nil else { throw malformed("unknown storage type \(typeName)") }
        var count: Int?
        if case .int(let n) = t[4] { count = n }
        var reference = StorageReference(key: key, dtypeName: typeName, elementCount: count)
        if t.count >= 6, case .tuple(let view) = t[5], view.count == 3, case .string(let viewKey) = view[0],
           case .int(let offset) = view[1], case .int(let viewCount) = view[2] {
            reference.view = (viewKey, offset, viewCount)
        }
        return .storage(reference)
    }

    private func readZip() throws {
        let zip = try ZipArchive(file: file)
        guard let pickleEntry = zip.entries.first(where: { $0.name.hasSuffix("/data.pkl") || $0.name == "data.pkl" }) else {
            throw malformed("zip checkpoint without a data.pkl entry (entries: \(zip.entries.prefix(5).map(\.name).joined(separator: ", ")))")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if let order = zip.entry(named: prefix + "byteorder") {
            let text = String(decoding: try zip.data(order), as: UTF8.self)
            guard text == "little" else {
                throw CheckpointError.unsupported(file: path, detail: "byte order '\(text)'; only little-endian checkpoints are read")
            }
        }
        let pickleBytes = try zip.data(pickleEntry)
        let root = try pickleBytes.withUnsafeBytes { raw -> PickleValue in
            var reader = PickleReader(bytes: raw, file: path + " (" + pickleEntry.name + ")",
                                      persistentLoad: { try self.storageReference($0) })
            return try reader.load()
        }
        try collect(root)
        for reference in references.values where storages[reference.storage.key] == nil {
            let name = prefix + "data/" + reference.storage.key
            guard let entry = zip.entry(named: name) else {
                throw malformed("zip checkpoint is missing storage entry '\(name)' (truncated or damaged archive)")
            }
            let bytes = try zip.storedBytes(entry)
            storages[reference.storage.key] = (bytes.baseAddress! - file.base, bytes.count)
        }
        try validateTensors()
    }

    private func readLegacy() throws {
        let all = file.bytes(0, file.size)!
        var reader = PickleReader(bytes: all, file: path)
        let magic: PickleValue
        do { magic = try reader.load() } catch {
            throw malformed("not a PyTorch checkpoint: neither a zip archive nor a legacy torch.save file (\(error))")
        }
        guard case .bigInt(let m) = magic, m == Self.legacyMagic else {
            throw malformed("not a PyTorch checkpoint: the legacy magic number is missing (found \(magic))")
        }
        guard case .int(1001) = try reader.load() else { throw malformed("legacy checkpoint with an unknown protocol version") }
        if case .dict(let info) = try reader.load() {
            for (k, v) in info.pairs {
                if case .string("little_endian") = k, case .bool(false) = v {
                    throw CheckpointError.unsupported(file: path, detail: "big-endian legacy checkpoint")
                }
            }
        }
        var main = PickleReader(bytes: all, file: path, start: reader.offset,
                                persistentLoad: { try self.storageReference($0) })
        var storageTypes: [String: String] = [:]
        let root = try main.load()
        try collect(root)
        for r in references.values { storageTypes[r.storage.key] = r.storage.dtypeName }
        var keysReader = PickleReader(bytes: all, file: path, start: main.offset)
        guard case .list(let keys) = try keysReader.load() else { throw malformed("legacy checkpoint without its storage key list") }
        var offset = keysReader.offset
        for keyValue in keys.items {
            guard case .string(let key) = keyValue else { throw malformed("storage key \(keyValue) is not a string") }
            guard offset + 8 <= file.size else { throw malformed("truncated: storage '\(key)' header lies past the end of the file") }
            let count = file.loadLE(UInt64.self, at: offset)
            guard let dtype = storageTypes[key].flatMap(Self.dtype(forStorage:)) else {
                throw malformed("storage '\(key)' is listed but no tensor uses it")
            }
            let (bytes, overflow) = Int(clamping: count).multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow, count <= UInt64(Int.max), bytes <= file.size - offset - 8 else {
                throw malformed("truncated: storage '\(key)' (\(count) elements) runs past the end of the file")
            }
            storages[key] = (offset + 8, bytes)
            offset += 8 + bytes
        }
        try validateTensors()
    }

    /// Entries the state-dict walk visits at most (shared sub-dicts are visited once per path, so a small hostile
    /// pickle could otherwise expand exponentially; checked before walking), and the notes kept.
    public static let maxEntries = 1_000_000
    static let maxNotes = 100

    /// Walks the unpickled object: tensors by (flattened) name; anything else noted, never run.
    private func collect(_ root: PickleValue) throws {
        var visited = 0, skipped = 0
        func note(_ text: @autoclosure () -> String) {
            if notes.count < Self.maxNotes { notes.append(text()) } else { skipped += 1 }
        }
        func walk(_ value: PickleValue, _ prefix: String) throws {
            visited += 1
            guard visited <= Self.maxEntries else {
                throw malformed("the state dict expands to more than \(Self.maxEntries) entries (shared sub-dicts nested into each other?)")
            }
            switch value {
            case .tensor(let t):
                if references.updateValue(t, forKey: prefix) == nil { tensorNames.append(prefix) }
            case .dict(let d):
                for (k, v) in d.pairs {
                    let key: String
                    switch k {
                    case .string(let s): key = s
                    case .int(let i): key = String(i)
                    default: note("skipped an entry with key \(k) under '\(prefix)'"); continue
                    }
                    try walk(v, prefix.isEmpty ? key : prefix + "." + key)
                }
            default:
                note("'\(prefix.isEmpty ? "(root)" : prefix)' is not a tensor (\(value)); kept out of the tensor list")
            }
        }
        guard case .dict(let top) = root else { throw malformed("the checkpoint holds \(root), not a state dict") }
        guard top.expandedCount <= Self.maxEntries else {
            throw malformed("the state dict expands to \(top.expandedCount >= Int.max / 2 ? "astronomically many" : String(top.expandedCount)) entries, more than the \(Self.maxEntries) read (sub-dicts shared into each other?)")
        }
        try walk(root, "")
        if skipped > 0 { notes.append("… and \(skipped) more notes") }
    }

    private func validateTensors() throws {
        for name in tensorNames {
            let r = references[name]!
            guard let region = storages[r.storage.key] else { throw malformed("tensor '\(name)' refers to missing storage '\(r.storage.key)'") }
            let size = Self.dtype(forStorage: r.storage.dtypeName)!.byteSize
            let extent = Self.extent(shape: r.shape, strides: r.strides, offset: r.storageOffset)
            guard let extent, extent <= region.bytes / size else {
                throw malformed("tensor '\(name)' (shape \(r.shape), stride \(r.strides), offset \(r.storageOffset)) reaches past its storage '\(r.storage.key)' of \(region.bytes / size) elements")
            }
        }
    }

    /// The number of storage elements a strided view needs (one past its last element), nil on overflow.
    static func extent(shape: [Int], strides: [Int], offset: Int) -> Int? {
        guard shape.count == strides.count else { return nil }
        if shape.contains(0) { return offset }
        var last = offset
        for (d, s) in zip(shape, strides) {
            let (step, o1) = (d - 1).multipliedReportingOverflow(by: s)
            let (sum, o2) = last.addingReportingOverflow(step)
            guard !o1, !o2 else { return nil }
            last = sum
        }
        let (end, o) = last.addingReportingOverflow(1)
        return o ? nil : end
    }

    public func info(named name: String) -> TensorInfo? {
        guard let r = references[name] else { return nil }
        return TensorInfo(name: name, dtype: Self.dtype(forStorage: r.storage.dtypeName)!, shape: r.shape, file: path)
    }

    public func tensor(named name: String) throws -> Tensor {
        guard let r = references[name], let region = storages[r.storage.key] else {
            throw CheckpointError.missingTensor(file: path, name: name)
        }
        let dtype = Self.dtype(forStorage: r.storage.dtypeName)!
        let start = region.offset + r.storageOffset * dtype.byteSize
        if Self.isContiguous(shape: r.shape, strides: r.strides) {
            return file.tensor(shape: r.shape, dtype: dtype, offset: start)
        }
        // A strided view (a transposed weight, a slice): gather it into a contiguous copy. An overlapping view
        // (stride 0) may name more elements than its storage holds; past 16 Mi elements that is refused.
        let size = dtype.byteSize
        let (n, overflow) = r.shape.reduce((1, false)) { acc, d in
            let (m, o) = acc.0.multipliedReportingOverflow(by: d); return (m, acc.1 || o)
        }
        guard !overflow, n <= max(region.bytes / size, 1 << 24) else {
            throw malformed("tensor '\(name)' (shape \(r.shape), stride \(r.strides)) names more elements than its storage '\(r.storage.key)' holds (\(region.bytes / size)); an overlapping view that large is not read")
        }
        let out = Tensor(zeros: r.shape, dtype: dtype)
        var index = [Int](repeating: 0, count: r.shape.count)
        for i in 0..<n {
            var source = 0
            for (k, v) in index.enumerated() { source += v * r.strides[k] }
            (out.rawPointer + i * size).copyMemory(from: file.base + start + source * size, byteCount: size)
            var k = r.shape.count - 1
            while k >= 0 { index[k] += 1; if index[k] < r.shape[k] { break }; index[k] = 0; k -= 1 }
        }
        return out
    }

    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for (d, s) in zip(shape, strides).reversed() where d != 1 {
            if s != expected { return false }
            expected *= d
        }
        return true
    }
}
