/// A parsed JSON file, with typed access whose errors name the file and the field path.
public struct JSONDocument: Sendable {
    public let file: String
    public let root: JSONValue

    public init(file: String, root: JSONValue) {
        self.file = file
        self.root = root
    }

    /// A cursor at the root.
    public var cursor: JSONCursor { JSONCursor(file: file, path: "", value: root) }
}

/// A position inside a JSON document. Accessors throw `JSONError`s naming "file: field a.b[2].c".
public struct JSONCursor: Sendable {
    public let file: String
    public let path: String
    public let value: JSONValue

    public init(file: String, path: String, value: JSONValue) {
        self.file = file
        self.path = path
        self.value = value
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
    private var shownPath: String { path.isEmpty ? "(root)" : path }

    private func typeError(_ expected: String) -> JSONError {
        .wrongType(file: file, path: shownPath, expected: expected, found: value.kindDescription)
    }

    // MARK: this value as a type

    public func asObject() throws -> JSONObject {
        guard case .object(let o) = value else { throw typeError("an object") }
        return o
    }
    public func asArray() throws -> [JSONCursor] {
        guard case .array(let a) = value else { throw typeError("an array") }
        return a.enumerated().map { JSONCursor(file: file, path: path + "[\($0.offset)]", value: $0.element) }
    }
    public func asString() throws -> String {
        guard case .string(let s) = value else { throw typeError("a string") }
        return s
    }
    /// Integers; a float with an integral value (2048.0) is accepted, as Python's json would compare it equal.
    public func asInt() throws -> Int {
        switch value {
        case .int(let i): return Int(i)
        case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
        default: throw typeError("an integer")
        }
    }
    public func asDouble() throws -> Double {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw typeError("a number")
        }
    }
    public func asBool() throws -> Bool {
        guard case .bool(let b) = value else { throw typeError("a boolean") }
        return b
    }
    public var isNull: Bool { value == .null }

    // MARK: fields

    /// The field `key` of this object, or nil when absent.
    public func optional(_ key: String) throws -> JSONCursor? {
        let object = try asObject()
        return object[key].map { JSONCursor(file: file, path: childPath(key), value: $0) }
    }
    /// The field `key`; missing is an error.
    public func field(_ key: String) throws -> JSONCursor {
        guard let c = try optional(key) else { throw JSONError.missingField(file: file, path: childPath(key)) }
        return c
    }
    public func object(_ key: String) throws -> JSONCursor {
        let c = try field(key)
        _ = try c.asObject()
        return c
    }
    public func string(_ key: String) throws -> String { try field(key).asString() }
    public func int(_ key: String) throws -> Int { try field(key).asInt() }
    public func double(_ key: String) throws -> Double { try field(key).asDouble() }
    public func bool(_ key: String) throws -> Bool { try field(key).asBool() }
    public func array(_ key: String) throws -> [JSONCursor] { try field(key).asArray() }

    public func string(_ key: String, default fallback: String) throws -> String {
        guard let c = try optional(key), !c.isNull else { return fallback }
        return try c.asString()
    }
    public func int(_ key: String, default fallback: Int) throws -> Int {
        guard let c = try optional(key), !c.isNull else { return fallback }
        return try c.asInt()
    }
    public func double(_ key: String, default fallback: Double) throws -> Double {
        guard let c = try optional(key), !c.isNull else { return fallback }
        return try c.asDouble()
    }
    public func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let c = try optional(key), !c.isNull else { return fallback }
        return try c.asBool()
    }

    /// The (key, cursor) pairs of this object, in file order.
    public func entries() throws -> [(key: String, value: JSONCursor)] {
        try asObject().entries.map { ($0.key, JSONCursor(file: file, path: childPath($0.key), value: $0.value)) }
    }
}
