import ArgumentParser

struct InspectCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors of a checkpoint file or model folder.",
        discussion: """
            Example:
              janus-eval inspect model.safetensors --summary

            Not built yet: arrives with step 1 (foundation).
            """)
    static let arrivesIn = "step 1 (foundation)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
