/// Errors from building a model out of a checkpoint folder. Each description names the file, the key and
/// what was expected, so that a user can act on it.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// A config file could not be decoded (`detail` comes from the decoder and names the field).
    case invalidConfig(file: String, detail: String)
    /// A non-standard vision / VQ name without the sizes that describe it.
    case unknownComponent(file: String, field: String, name: String, missing: [String])
    /// Strict loading: tensors the model needs but the checkpoint lacks, and tensors nobody uses.
    case tensorMismatch(checkpoint: String, missing: [String], unused: [String])
    case wrongShape(checkpoint: String, tensor: String, expected: [Int], found: [Int])
    case weightsNotFound(model: String, searched: [String], expectedFiles: [String], download: String)
    case unknownModel(name: String, known: [String])

    public var description: String {
        switch self {
        case let .invalidConfig(file, detail):
            return "\(file): \(detail)"
        case let .unknownComponent(file, field, name, missing):
            return "\(file): \(field) names '\(name)', which janus-eval does not know; a non-standard component must "
                + "give its sizes in params (missing: \(missing.joined(separator: ", ")))"
        case let .tensorMismatch(checkpoint, missing, unused):
            var parts: [String] = []
            if !missing.isEmpty {
                parts.append("\(missing.count) missing tensor(s): \(Self.list(missing))")
            }
            if !unused.isEmpty {
                parts.append("\(unused.count) unused tensor(s): \(Self.list(unused))")
            }
            return "\(checkpoint): the checkpoint does not match the model: " + parts.joined(separator: "; ")
        case let .wrongShape(checkpoint, tensor, expected, found):
            return "\(checkpoint): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .weightsNotFound(model, searched, expectedFiles, download):
            return "weights for \(model) not found. Looked in:\n"
                + searched.map { "  - \($0)" }.joined(separator: "\n")
                + "\nExpected files: \(expectedFiles.joined(separator: ", "))\nTo download them: \(download)"
        case let .unknownModel(name, known):
            return "unknown model '\(name)'; known models: \(known.joined(separator: ", ")) (or pass --weights DIR)"
        }
    }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(12).joined(separator: ", ")
        return names.count > 12 ? shown + ", … (\(names.count - 12) more)" : shown
    }
}
