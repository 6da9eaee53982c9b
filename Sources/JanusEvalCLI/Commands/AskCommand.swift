import ArgumentParser

struct AskCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask a Janus model a question about an image.",
        discussion: """
            Example:
              janus-eval ask --model pro-1b --image cat.png \"What is this?\"

            Not built yet: arrives with step 2 (understanding core).
            """)
    static let arrivesIn = "step 2 (understanding core)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
