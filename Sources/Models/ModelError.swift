/// Errors from building a model out of a checkpoint folder. Each description names the file, the key and
/// what was expected, so that a user can act on it.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// A config file could not be decoded (`detail` comes from the decoder and names the field).
    case invalidConfig(file: String, detail: String)
    /// A non-standard vision / VQ name without the sizes that describe it.
    case unknownComponent(file: String, field: String, name: String, missing: [String])
    /// A command asked a model for something its family cannot do (answer questions, draw images, embed images).
    case missingCapability(family: String, capability: String, detail: String)
    /// No registered family reads this config.json.
    case unknownFamily(file: String, detail: String, known: [String])
    case weightsNotFound(model: String, searched: [String], expectedFiles: [String], download: String)
    case unknownModel(name: String, known: [String])
    /// The prompt plus what is to be generated does not fit the model's positions (or asks for no tokens).
    case tooLong(promptTokens: Int, newTokens: Int, limit: Int)

    public var description: String {
        switch self {
        case let .invalidConfig(file, detail):
            return "\(file): \(detail)"
        case let .unknownComponent(file, field, name, missing):
            return "\(file): \(field) names '\(name)', which janus-eval does not know; a non-standard component must "
                + "give its sizes in params (missing: \(missing.joined(separator: ", ")))"
        case let .missingCapability(family, capability, detail):
            return "the \(family) family has no \(capability) capability: \(detail)"
        case let .unknownFamily(file, detail, known):
            return "\(file): no model family reads this checkpoint (\(detail)); known families: \(known.joined(separator: ", "))"
        case let .weightsNotFound(model, searched, expectedFiles, download):
            return "weights for \(model) not found. Looked in:\n"
                + searched.map { "  - \($0)" }.joined(separator: "\n")
                + "\nExpected files: \(expectedFiles.joined(separator: ", "))\nTo download them: \(download)"
        case let .tooLong(promptTokens, newTokens, limit):
            if newTokens < 1 { return "at least one new token must be allowed (asked for \(newTokens))" }
            return "the prompt has \(promptTokens) tokens and \(newTokens) more were asked for: \(promptTokens + newTokens) positions, but the model has \(limit) (max_position_embeddings); shorten the prompt or ask for fewer tokens"
        case let .unknownModel(name, known):
            return "unknown model '\(name)'; known models: \(known.joined(separator: ", ")) (or pass --weights DIR)"
        }
    }
}
