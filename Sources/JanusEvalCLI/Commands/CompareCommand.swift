import ArgumentParser

struct CompareCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs side by side, with paired significance tests.",
        discussion: """
            Example:
              janus-eval compare reports/A reports/B

            Not built yet: arrives with step 6 (harness and reports).
            """)
    static let arrivesIn = "step 6 (harness and reports)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
