import ArgumentParser

struct GenerateCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate images from a prompt with a Janus model.",
        discussion: """
            Example:
              janus-eval generate --model pro-1b --seed 1 --out out/ \"a red bench\"

            Not built yet: arrives with step 3 (text-to-image).
            """)
    static let arrivesIn = "step 3 (text-to-image)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
