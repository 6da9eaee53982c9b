import ArgumentParser
import Harness

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shard folders of one run into one run folder.",
        discussion: """
            The merged report equals the single-process run's (the same metrics, the same items). Refused: shards of
            different recorded configurations, a shard missing or given twice, overlapping or missing items.

            Example:
              janus-eval merge runs/pope/shard-* --out runs/pope/merged
            """)

    @Argument(help: "Shard run folders.") var folders: [String]
    @Option(help: "The merged run folder.") var out: String

    func run() throws {
        do {
            let outcome = try ShardMerge.merge(folders, into: out)
            print("merged \(outcome.shards) shard(s), \(outcome.items) item(s) into \(outcome.folder)\nreport: \(outcome.folder)/report.html")
        } catch {
            FileStandardError.write("janus-eval merge: \(error)\n")
            throw ExitCode(error is HarnessError ? 2 : 1)
        }
    }
}
