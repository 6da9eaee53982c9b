import ArgumentParser

struct TokenizeCommand: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize a JSON array of strings read from stdin with a tokenizer.json.",
        discussion: """
            Example:
              echo '[\"Hello\"]' | janus-eval tokenize --tokenizer tokenizer.json --bos

            Not built yet: arrives with step 2 (understanding core).
            """)
    static let arrivesIn = "step 2 (understanding core)"

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var rest: [String] = []
}
