/// What can go wrong building or running the Mask2Former detector. Each description names the file and what was
/// expected and found.
public enum Mask2FormerError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(file: String, detail: String)
    case weightsNotFound(path: String, detail: String)
    case unsupportedLayout(file: String, detail: String)
    case badInput(detail: String)

    public var description: String {
        switch self {
        case let .invalidConfig(file, detail): return "\(file): \(detail)"
        case let .weightsNotFound(path, detail): return "\(path): \(detail)"
        case let .unsupportedLayout(file, detail): return "\(file): \(detail)"
        case let .badInput(detail): return "Mask2Former input: \(detail)"
        }
    }
}
