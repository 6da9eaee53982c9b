import ArgumentParser

@main
struct JanusEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "janus-eval",
        abstract: "Evaluate DeepSeek's Janus models (Janus-1.3B, JanusFlow-1.3B, Janus-Pro-1B/7B) on CPU.",
        version: JanusEvalVersion.string,
        subcommands: [])
}

enum JanusEvalVersion {
    static let string = "0.1.0"
}
