/// One registered suite: its id, what it measures, where its data comes from, and how to build it.
public struct SuiteEntry: Sendable {
    public var id: String
    public var summary: String
    /// Where the published data is and which forms `--data` takes.
    public var dataSources: String
    /// The rule sets it scores by (their ids, and which option picks which).
    public var ruleSets: String
    public var type: any Suite.Type
    public var make: @Sendable (SuiteOptions) throws -> any Suite

    public init(id: String, summary: String, dataSources: String, ruleSets: String, type: any Suite.Type,
                make: @escaping @Sendable (SuiteOptions) throws -> any Suite) {
        self.id = id; self.summary = summary; self.dataSources = dataSources; self.ruleSets = ruleSets; self.type = type
        self.make = make
    }
}

/// Every suite, one line each. A new suite is its folder plus a line here.
public enum SuiteRegistry {
    public static let all: [SuiteEntry] = [
        GenEvalSuite.entry,
        POPESuite.entry,
        MMBenchSuite.entry,
        FIDSuite.entry,
    ]

    public static var ids: [String] { all.map(\.id) }

    public static func entry(_ id: String) throws -> SuiteEntry {
        guard let entry = all.first(where: { $0.id == id.lowercased() }) else {
            throw SuiteError.invalid(path: id, reason: "unknown suite; known suites: \(ids.joined(separator: ", "))")
        }
        return entry
    }

    public static func make(_ id: String, options: SuiteOptions) throws -> any Suite {
        try entry(id).make(options)
    }
}
