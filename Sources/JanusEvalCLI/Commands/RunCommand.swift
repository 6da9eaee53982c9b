import ArgumentParser

struct RunCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a suite: generate or answer, score, and write reports/<run-id>/.",
        discussion: """
            Examples:
              janus-eval run geneval --model pro-7b
              janus-eval run pope --model janus-1.3b --data DIR
              janus-eval run geneval --images DIR   # score images generated elsewhere

            Not built yet: arrives with step 6 (harness and reports).
            """)
    static let arrivesIn = "step 6 (harness and reports)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
