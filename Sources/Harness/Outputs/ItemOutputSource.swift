import Formats
import Suites

/// Where a run's outputs come from: the model inside the harness, or files made elsewhere. A source answers for
/// the pending items of one group at a time (the items of a group share work: one generation per GenEval prompt,
/// one image per POPE question group), item by item: an item that fails carries its reason and the rest go on.
public protocol ItemOutputSource: AnyObject {
    /// What the run's configuration records about the source (model, precision, digests of files), and a short
    /// name for the default run folder.
    var configuration: JSONObject { get }
    var name: String { get }
    func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>]
}
