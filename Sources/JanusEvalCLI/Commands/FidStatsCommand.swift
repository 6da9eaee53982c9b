import ArgumentParser

struct FidStatsCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "fid-stats",
        abstract: "Compute pytorch-fid compatible Inception statistics for an image folder.",
        discussion: """
            Example:
              janus-eval fid-stats images/ -o ref.npz

            Not built yet: arrives with step 5 (scorers).
            """)
    static let arrivesIn = "step 5 (scorers)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
