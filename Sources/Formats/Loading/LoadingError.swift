/// Strict loading failed: the checkpoint's tensors do not match what the network asks for. Each description
/// names the checkpoint and every tensor concerned.
public enum LoadingError: Error, CustomStringConvertible, Equatable {
    /// Tensors the network needs but the checkpoint lacks, and tensors nobody took.
    case tensorMismatch(checkpoint: String, missing: [String], unused: [String])
    case wrongShape(checkpoint: String, tensor: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .tensorMismatch(checkpoint, missing, unused):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("\(missing.count) missing tensor(s): \(Self.list(missing))") }
            if !unused.isEmpty { parts.append("\(unused.count) unused tensor(s): \(Self.list(unused))") }
            return "\(checkpoint): the checkpoint does not match the model: " + parts.joined(separator: "; ")
        case let .wrongShape(checkpoint, tensor, expected, found):
            return "\(checkpoint): tensor '\(tensor)' has shape \(found), expected \(expected)"
        }
    }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(12).joined(separator: ", ")
        return names.count > 12 ? shown + ", … (\(names.count - 12) more)" : shown
    }
}
