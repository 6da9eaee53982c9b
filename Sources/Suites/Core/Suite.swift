import Formats
import Models

/// A benchmark in one folder (the lmms-eval task-folder shape, as a type): where its data comes from and how a
/// record is read, what it asks of a model, how one item is scored, which metrics aggregate the scored items and
/// in which direction each is better, and the rule set (with every default) it scores by.
public protocol Suite: Sendable {
    /// The registry id (`pope`, `mmbench`, `geneval`).
    var id: String { get }
    var ruleSet: RuleSet { get }
    /// What the suite's items need from a model when the harness runs one (outputs made elsewhere need none).
    var capability: ModelCapability { get }
    /// The items, in the suite's own order of their stable ids.
    var items: [SuiteItem] { get }
    /// Scores one item's output; a malformed output is a record with its reason, an impossible one an error.
    func score(_ item: SuiteItem, output: ItemOutput) throws -> ItemRecord

    // Aggregation reads records only — never the suite's data — so merge, compare and gate can recompute metrics
    // from report files alone (on bootstrap resamples too).

    /// Every metric `aggregate` reports for these records, in report order (POPE: one block per split present).
    static func metrics(for records: [ItemRecord]) -> [MetricDefinition]
    /// Point values of every metric over these records (any subset of the items, in any order).
    static func aggregate(_ records: [ItemRecord]) -> [MetricValue]
    /// For a metric that is the fraction of correct records among some of them (an accuracy), those records, so
    /// paired comparisons can use McNemar's test; nil for any other metric (F1, means of task means).
    static func proportionRecords(metric: String, in records: [ItemRecord]) -> [ItemRecord]?
    /// Whether the metrics are recomputed from per-item records (true for every suite scored item by item). False for
    /// set-level metrics (FID, KID): compare and gate then take the values the report states, without a paired test.
    static var pairedItems: Bool { get }
}

/// What a suite is built from: its data and the choices a user can make about its rules.
public struct SuiteOptions: Sendable {
    /// The suite's data: a file or a folder (each suite says which forms it reads).
    public var data: String?
    /// Where images named by the data live (POPE's COCO folder); default: beside the data.
    public var images: String?
    /// An answer rule (POPE: `official`, `vlmevalkit`, `exact`).
    public var parser: String?
    /// Images per prompt for generation suites.
    public var samplesPerPrompt: Int?

    public init(data: String? = nil, images: String? = nil, parser: String? = nil, samplesPerPrompt: Int? = nil) {
        self.data = data; self.images = images; self.parser = parser; self.samplesPerPrompt = samplesPerPrompt
    }
}

extension Suite {
    public static func proportionRecords(metric: String, in records: [ItemRecord]) -> [ItemRecord]? { nil }
    public static var pairedItems: Bool { true }

    /// The item with this id, or an error naming the suite.
    public func item(id: String) throws -> SuiteItem {
        guard let item = items.first(where: { $0.id == id }) else {
            throw SuiteError.invalid(path: self.id, reason: "no item with id '\(id)'")
        }
        return item
    }
}
