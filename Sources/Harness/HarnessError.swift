/// Errors of runs and their output; each names the path and what is wrong.
public enum HarnessError: Error, CustomStringConvertible, Equatable {
    case output(path: String, reason: String)

    public var description: String {
        switch self {
        case let .output(path, reason): return "\(path): \(reason)"
        }
    }
}
