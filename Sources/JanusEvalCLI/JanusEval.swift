import ArgumentParser
import Harness
import Tensors
#if canImport(Glibc)
import Glibc
#endif

@main
struct JanusEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "janus-eval",
        abstract: "Evaluate DeepSeek's Janus models (Janus-1.3B, JanusFlow-1.3B, Janus-Pro-1B/7B) on CPU.",
        discussion: """
            Models run inside the harness on its own CPU inference cores and load the official checkpoints unchanged. Suites: geneval, pope, mmbench, fid.

            Examples:
              janus-eval run pope --model demo --data suites/demo/pope
              janus-eval run geneval --model pro-7b --detections detections.jsonl
              janus-eval gate --baseline reports/baselines/demo-pope --candidate reports/pope-demo-1a2b3c4d
              janus-eval inspect path/to/Janus-Pro-7B --summary
            """,
        version: HarnessVersion.string,
        subcommands: [
            RunCommand.self, CompareCommand.self, GateCommand.self, MergeCommand.self,
            GenerateCommand.self, AskCommand.self, FidCommand.self, FidStatsCommand.self,
            TokenizeCommand.self, InspectCommand.self, ModelsCommand.self, SuitesCommand.self,
        ])

    /// Environment variables are checked like the options they stand for, before any command runs.
    static func main() {
        OpenBLASCoreChoice.reexecIfSlowCore()
        do { _ = try ThreadSetting.resolve(option: nil); _ = try MemoryBudget.available() } catch {
            FileStandardError.write("Error: \(error)\n")
            Glibc.exit(64)
        }
        main(nil)
    }
}
