import Foundation

/// Which part of a run this process does: shard `index` of `count`, 1-based (`--shard 2/3`). Items are dealt by
/// whole work groups (`SuiteItem.workKey`: every question about one image — so no image is encoded, and no image
/// prefix computed, in two shards — or one GenEval prompt), in the suite's order of first appearance: work group g
/// (0-based) goes to shard (g mod count) + 1. The rule is recorded in the run so that merge can check it.
public struct ShardSpec: Equatable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let whole = ShardSpec(index: 1, count: 1)
    public static let rule = "whole work groups (the items about one image; a GenEval prompt) in first-seen order, work group g (0-based) to shard (g mod n) + 1"

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    public var description: String { "\(index)/\(count)" }
    public var isWhole: Bool { count == 1 }

    /// `i/n` with 1 ≤ i ≤ n.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else {
            throw HarnessError.usage("--shard takes i/n with 1 ≤ i ≤ n (1-based, e.g. 2/3), not '\(text)'")
        }
        self.init(index: i, count: n)
    }

    /// From a cluster engine's environment: Slurm array jobs (i = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN + 1,
    /// n = SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (i = JOB_COMPLETION_INDEX + 1, n from `count` or
    /// $JANUS_EVAL_SHARD_COUNT). nil when neither is set.
    public static func fromEnvironment(_ env: [String: String], count: Int? = nil) throws -> ShardSpec? {
        if let id = env["SLURM_ARRAY_TASK_ID"], !id.isEmpty {
            guard let task = Int(id), let n = env["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init), n >= 1 else {
                throw HarnessError.usage("SLURM_ARRAY_TASK_ID is set (\(id)) but SLURM_ARRAY_TASK_COUNT is not a count")
            }
            let minimum = env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
            let i = task - minimum + 1
            guard (1...n).contains(i) else {
                throw HarnessError.usage("Slurm array task \(task) (min \(minimum), count \(n)) gives shard \(i) of \(n); use a contiguous --array range")
            }
            return ShardSpec(index: i, count: n)
        }
        if let index = env["JOB_COMPLETION_INDEX"], !index.isEmpty {
            guard let k = Int(index), k >= 0 else { throw HarnessError.usage("JOB_COMPLETION_INDEX is '\(index)', not an index") }
            guard let n = count ?? env["JANUS_EVAL_SHARD_COUNT"].flatMap(Int.init), n >= 1 else {
                throw HarnessError.usage("JOB_COMPLETION_INDEX is set: give the shard count with --shard-count or $JANUS_EVAL_SHARD_COUNT")
            }
            guard k < n else { throw HarnessError.usage("JOB_COMPLETION_INDEX \(k) is not below the shard count \(n)") }
            return ShardSpec(index: k + 1, count: n)
        }
        return nil
    }

    /// Group keys in first-seen order, and whether group g belongs to this shard.
    public func owns(groupIndex g: Int) -> Bool { g % count + 1 == index }
}
