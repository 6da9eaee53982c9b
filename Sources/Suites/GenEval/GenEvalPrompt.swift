import Formats

/// One GenEval prompt record (a line of evaluation_metadata.jsonl).
public struct GenEvalPrompt: Equatable, Hashable, Sendable {
    public struct Requirement: Equatable, Hashable, Sendable {
        public var className: String
        public var count: Int
        public var color: String?
        /// (relation, index of the include group it is relative to)
        public var position: Position?

        public init(className: String, count: Int, color: String? = nil, position: Position? = nil) {
            self.className = className; self.count = count; self.color = color; self.position = position
        }
    }

    public struct Position: Equatable, Hashable, Sendable {
        public var relation: String
        public var targetGroup: Int
        public init(relation: String, targetGroup: Int) { self.relation = relation; self.targetGroup = targetGroup }
    }

    public var tag: String
    public var include: [Requirement]
    public var exclude: [Requirement]
    public var prompt: String

    public init(tag: String, include: [Requirement], exclude: [Requirement] = [], prompt: String) {
        self.tag = tag; self.include = include; self.exclude = exclude; self.prompt = prompt
    }

    /// As `json.dumps` of the recipe's dict writes it: keys tag, include, [exclude], prompt; requirement keys
    /// class, count, [color], [position].
    public var jsonValue: JSONValue {
        func requirement(_ r: Requirement) -> JSONValue {
            var o: [(String, JSONValue)] = [("class", .string(r.className)), ("count", .int(Int64(r.count)))]
            if let c = r.color { o.append(("color", .string(c))) }
            if let p = r.position { o.append(("position", .array([.string(p.relation), .int(Int64(p.targetGroup))]))) }
            return .object(JSONObject(o))
        }
        var o: [(String, JSONValue)] = [("tag", .string(tag)), ("include", .array(include.map(requirement)))]
        if !exclude.isEmpty { o.append(("exclude", .array(exclude.map(requirement)))) }
        o.append(("prompt", .string(prompt)))
        return .object(JSONObject(o))
    }

    /// The record as one Python-`json.dumps` line.
    public var jsonLine: String { JSONWriter(style: .pythonDumps).string(jsonValue) }

    /// Reads a record; errors name the file and field.
    public init(_ c: JSONCursor) throws {
        func requirements(_ key: String) throws -> [Requirement] {
            guard let list = try c.optional(key) else { return [] }
            return try list.asArray().map { r in
                var position: Position?
                if let p = try r.optional("position") {
                    let parts = try p.asArray()
                    guard parts.count == 2 else {
                        throw JSONError.invalidValue(file: c.file, path: p.path, message: "expected [relation, group index]")
                    }
                    position = Position(relation: try parts[0].asString(), targetGroup: try parts[1].asInt())
                }
                return Requirement(className: try r.string("class"), count: try r.int("count"),
                                   color: try r.optional("color").map { try $0.asString() }, position: position)
            }
        }
        self.init(tag: try c.string("tag"), include: try requirements("include"), exclude: try requirements("exclude"),
                  prompt: try c.string("prompt"))
    }
}
