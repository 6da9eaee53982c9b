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
    /// Every metric `aggregate` reports, in report order.
    var metrics: [MetricDefinition] { get }
    /// Scores one item's output; a malformed output is a record with its reason, an impossible one an error.
    func score(_ item: SuiteItem, output: ItemOutput) throws -> ItemRecord
    /// Point values of every metric over these records (any subset of the items, in any order: resampling for
    /// confidence intervals and paired tests calls it on bootstrap samples).
    func aggregate(_ records: [ItemRecord]) -> [MetricValue]
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
    /// The item with this id, or an error naming the suite.
    public func item(id: String) throws -> SuiteItem {
        guard let item = items.first(where: { $0.id == id }) else {
            throw SuiteError.invalid(path: self.id, reason: "no item with id '\(id)'")
        }
        return item
    }
}
