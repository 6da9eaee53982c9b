import ArgumentParser

struct MergeCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the journals of sharded runs into one report.",
        discussion: """
            Example:
              janus-eval merge reports/run-shard-*/ -o reports/run

            Not built yet: arrives with step 6 (harness and reports).
            """)
    static let arrivesIn = "step 6 (harness and reports)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
