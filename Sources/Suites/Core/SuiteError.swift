/// Errors from reading or writing suite data; each names the path (and line or field) and the problem.
public enum SuiteError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case let .invalid(path, reason): return "\(path): \(reason)"
        }
    }
}
