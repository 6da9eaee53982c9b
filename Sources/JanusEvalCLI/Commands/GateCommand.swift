import ArgumentParser

struct GateCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Exit 1 when a candidate run regresses significantly against a baseline.",
        discussion: """
            Example:
              janus-eval gate --baseline reports/base.json --candidate reports/new.json

            Not built yet: arrives with step 6 (harness and reports).
            """)
    static let arrivesIn = "step 6 (harness and reports)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
