import Formats

/// The rules a suite scores by, as data with a version: reports name it, and two runs with different rule sets are
/// never compared silently. `settings` holds every default the rules use (thresholds, parser, template), so a
/// report echoes them.
public struct RuleSet: Equatable, Sendable {
    /// Stable id with a version, e.g. `pope-official-1`, `geneval-af4902f-1`.
    public var id: String
    /// The reference implementation the rules reproduce.
    public var reference: String
    public var settings: JSONObject

    public init(id: String, reference: String, settings: JSONObject = JSONObject()) {
        self.id = id; self.reference = reference; self.settings = settings
    }

    public var jsonValue: JSONValue {
        .object(JSONObject([("id", .string(id)), ("reference", .string(reference)), ("settings", .object(settings))]))
    }
}
