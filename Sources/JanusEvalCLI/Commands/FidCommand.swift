import ArgumentParser

struct FidCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "fid",
        abstract: "Fréchet Inception Distance between two statistics files or image sets.",
        discussion: """
            Example:
              janus-eval fid generated.npz reference.npz --json

            Not built yet: arrives with step 4 (suite logic).
            """)
    static let arrivesIn = "step 4 (suite logic)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
