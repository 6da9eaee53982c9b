import Formats
import Models
import Suites

/// Where a run's outputs come from: the model inside the harness, or files made elsewhere. A source answers for
/// the pending items of one work group at a time (items that share work: one generation per GenEval prompt, every
/// question about one image), item by item: an item that fails carries its reason and the rest go on.
public protocol ItemOutputSource: AnyObject {
    /// What the run's configuration records about the source (model, precision, digests of files), and a short
    /// name for the default run folder.
    var configuration: JSONObject { get }
    var name: String { get }
    func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>]
    /// Work groups the runner hands over per call (`outputs(forGroups:)`): several GenEval prompts generated as one
    /// batch. 1 for sources that gain nothing from it.
    var groupsPerCall: Int { get }
    /// The outputs of several work groups at once, in the order given (default: one `outputs(for:)` call each).
    func outputs(forGroups groups: [(items: [SuiteItem], group: String, groupIndex: Int)]) -> [[String: Result<ItemOutput, any Error>]]
    var prefixCacheStatistics: PrefixCacheStatistics? { get }
    /// What the source spent this process (generation, detection), for run.timings; nil when it has nothing to say.
    var timings: JSONObject? { get }
}

extension ItemOutputSource {
    /// What the source's prompt-prefix cache did (nil: the source has none).
    public var prefixCacheStatistics: PrefixCacheStatistics? { nil }
    public var timings: JSONObject? { nil }
    public var groupsPerCall: Int { 1 }
    public func outputs(forGroups groups: [(items: [SuiteItem], group: String, groupIndex: Int)]) -> [[String: Result<ItemOutput, any Error>]] {
        groups.map { outputs(for: $0.items, group: $0.group, groupIndex: $0.groupIndex) }
    }
}
