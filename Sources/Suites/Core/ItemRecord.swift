import Formats

/// A scored item, as the journal stores it (one JSON line each) and as aggregation reads it back: whether it was
/// right, a sentence saying why, and the suite's own fields (the output, how it was parsed, the truth, its split).
/// Aggregation reads only records, so a resumed or merged run aggregates exactly as an uninterrupted one.
public struct ItemRecord: Equatable, Sendable {
    public var id: String
    public var group: String
    /// nil for items without a right answer.
    public var correct: Bool?
    public var reason: String
    public var fields: JSONObject

    public init(id: String, group: String, correct: Bool?, reason: String, fields: JSONObject) {
        self.id = id; self.group = group; self.correct = correct; self.reason = reason; self.fields = fields
    }

    public var jsonValue: JSONValue {
        .object(JSONObject([("id", .string(id)), ("group", .string(group)), ("correct", correct.map(JSONValue.bool) ?? .null),
                            ("reason", .string(reason)), ("fields", .object(fields))]))
    }

    public init(_ c: JSONCursor) throws {
        let correct = try c.field("correct")
        self.init(id: try c.string("id"), group: try c.string("group"),
                  correct: correct.value == .null ? nil : try correct.asBool(), reason: try c.string("reason"),
                  fields: try c.field("fields").asObject())
    }

    /// A suite field as a string (aggregation helpers; missing or non-string fields read as "").
    public func string(_ key: String) -> String {
        if case .string(let s)? = fields[key] { return s }
        return ""
    }

    public func bool(_ key: String) -> Bool {
        if case .bool(let b)? = fields[key] { return b }
        return false
    }
}
