import ArgumentParser

struct ModelsCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the known models and where their weights were found.",
        discussion: """
            Example:
              janus-eval models

            Not built yet: arrives with step 2 (understanding core).
            """)
    static let arrivesIn = "step 2 (understanding core)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
