import ArgumentParser

@main
struct JanusEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "janus-eval",
        abstract: "Evaluate DeepSeek's Janus models (Janus-1.3B, JanusFlow-1.3B, Janus-Pro-1B/7B) on CPU.",
        discussion: """
            Models run inside the harness on its own CPU inference cores and load the official checkpoints unchanged. Suites: geneval, pope, mmbench, fid.

            Examples:
              janus-eval inspect path/to/Janus-Pro-7B --summary
              janus-eval run geneval --model pro-7b
              janus-eval fid generated.npz reference.npz
            """,
        version: JanusEvalVersion.string,
        subcommands: [
            RunCommand.self, CompareCommand.self, GateCommand.self, MergeCommand.self,
            GenerateCommand.self, AskCommand.self, FidCommand.self, FidStatsCommand.self,
            TokenizeCommand.self, InspectCommand.self, ModelsCommand.self, SuitesCommand.self,
        ])
}

/// The harness version recorded in every report.
enum JanusEvalVersion {
    static let string = "0.1.0"
}
