import ArgumentParser

struct SuitesCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "suites",
        abstract: "List the bundled suites.",
        discussion: """
            Example:
              janus-eval suites

            Not built yet: arrives with step 6 (harness and reports).
            """)
    static let arrivesIn = "step 6 (harness and reports)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
