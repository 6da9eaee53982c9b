/// Errors from reading checkpoint files. Each names the file and says what was expected and what was found.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(file: String, reason: String)
    case malformed(file: String, detail: String)
    case forbiddenGlobal(file: String, offset: Int, name: String)
    case unsupported(file: String, detail: String)
    case missingTensor(file: String, name: String)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason): return "\(file): cannot open (\(reason))"
        case let .malformed(file, detail): return "\(file): \(detail)"
        case let .forbiddenGlobal(file, offset, name):
            return "\(file): pickle at byte \(offset): global '\(name)' is not allowed; only tensor-loading globals are "
                + "(nothing in the file was executed)"
        case let .unsupported(file, detail): return "\(file): unsupported: \(detail)"
        case let .missingTensor(file, name): return "\(file): no tensor named '\(name)'"
        }
    }
}
