/// The inert values the restricted unpickler produces. Nothing here can run code: a "global" is only a
/// name, and the only calls made are the few tensor-loading reconstructors, interpreted by us.
public indirect enum PickleValue: CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(module: String, name: String)
    /// A storage reference from a persistent id: which record, its element type, its element count.
    case storage(StorageReference)
    case tensor(TensorReference)

    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .bigInt(let b): return "<\(b.count)-byte int>"
        case .float(let d): return String(d)
        case .string(let s): return "'\(s)'"
        case .bytes(let b): return "<\(b.count) bytes>"
        case .tuple(let t): return "(" + t.map(\.description).joined(separator: ", ") + (t.count == 1 ? ",)" : ")")
        case .list(let l): return "[" + l.items.prefix(8).map(\.description).joined(separator: ", ") + (l.items.count > 8 ? ", …]" : "]")
        case .dict(let d): return "{" + d.pairs.prefix(8).map { "\($0.0): \($0.1)" }.joined(separator: ", ") + (d.pairs.count > 8 ? ", …}" : "}")
        case .global(let m, let n): return "\(m).\(n)"
        case .storage(let s): return "<storage \(s.key) \(s.dtypeName)>"
        case .tensor(let t): return "<tensor \(t.shape)>"
        }
    }
}

public final class PickleList { public var items: [PickleValue] = [] }
public final class PickleDict { public var pairs: [(PickleValue, PickleValue)] = [] }

public struct StorageReference: Equatable {
    public var key: String
    /// The typed-storage class name (FloatStorage, BFloat16Storage, …).
    public var dtypeName: String
    /// Element count when the persistent id gives it (legacy and zip layouts both do).
    public var elementCount: Int?
    /// Legacy layout: a view into another storage (view key, element offset, element count).
    public var view: (key: String, offset: Int, count: Int)?

    public static func == (a: StorageReference, b: StorageReference) -> Bool {
        a.key == b.key && a.dtypeName == b.dtypeName && a.elementCount == b.elementCount
    }
}

public struct TensorReference {
    public var storage: StorageReference
    /// In elements of the storage's type.
    public var storageOffset: Int
    public var shape: [Int]
    public var strides: [Int]
}
