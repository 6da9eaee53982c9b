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

    /// A short text for messages: at most a few levels and a few hundred characters, however deep or shared the
    /// value is (a memo can make a small file describe an exponentially large tree).
    public var description: String {
        var out = ""
        describe(into: &out, depth: 0)
        return out
    }

    static let describedDepth = 4
    static let describedLength = 300

    private func describe(into out: inout String, depth: Int) {
        guard out.utf8.count < Self.describedLength else { return }
        func items<S: Sequence>(_ values: S, count: Int, open: String, close: String, _ each: (S.Element, inout String) -> Void) {
            out += open
            guard depth < Self.describedDepth else { out += count == 0 ? close : "…" + close; return }
            var n = 0
            for v in values {
                if n > 0 { out += ", " }
                if n == 8 || out.utf8.count >= Self.describedLength { out += "…"; break }
                each(v, &out)
                n += 1
            }
            out += close
        }
        switch self {
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .bigInt(let b): out += "<\(b.count)-byte int>"
        case .float(let d): out += String(d)
        case .string(let s): out += "'" + (s.count > 80 ? String(s.prefix(80)) + "…" : s) + "'"
        case .bytes(let b): out += "<\(b.count) bytes>"
        case .tuple(let t):
            items(t, count: t.count, open: "(", close: t.count == 1 ? ",)" : ")") { v, o in v.describe(into: &o, depth: depth + 1) }
        case .list(let l):
            items(l.items, count: l.items.count, open: "[", close: "]") { v, o in v.describe(into: &o, depth: depth + 1) }
        case .dict(let d):
            items(d.pairs, count: d.pairs.count, open: "{", close: "}") { p, o in
                p.0.describe(into: &o, depth: depth + 1); o += ": "; p.1.describe(into: &o, depth: depth + 1)
            }
        case .global(let m, let n): out += "\(m).\(n)"
        case .storage(let s): out += "<storage \(s.key) \(s.dtypeName)>"
        case .tensor(let t): out += "<tensor \(t.shape.prefix(8))>"
        }
    }
}

/// A list being unpickled: it grows (APPEND) until it becomes an item of another container, then it is sealed.
public final class PickleList {
    public internal(set) var items: [PickleValue] = []
    /// Nesting depth: 1 for a list of leaves.
    public internal(set) var depth = 1
    var sealed = false
}

/// A dict being unpickled (pairs in file order), sealed like `PickleList`.
public final class PickleDict {
    public internal(set) var pairs: [(PickleValue, PickleValue)] = []
    public internal(set) var depth = 1
    /// How many entries walking it (into nested dicts, once per path) visits, itself included; saturating. Shared
    /// sub-dicts make this exponential in the file size, so readers check it before walking.
    public internal(set) var expandedCount = 1
    var sealed = false

    func append(_ newPairs: [(PickleValue, PickleValue)]) {
        pairs += newPairs
        for (_, v) in newPairs {
            let add: Int
            if case .dict(let d) = v { add = d.expandedCount } else { add = 1 }
            expandedCount = expandedCount > Int.max / 4 || add > Int.max / 4 ? Int.max / 2 : expandedCount + add
        }
    }
}

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
