/// Errors from reading JSON: the file, the line and column or the field path, what was expected and found.
public enum JSONError: Error, CustomStringConvertible, Equatable {
    case cannotRead(file: String, reason: String)
    case syntax(file: String, line: Int, column: Int, message: String)
    case missingField(file: String, path: String)
    case wrongType(file: String, path: String, expected: String, found: String)
    case invalidValue(file: String, path: String, message: String)

    public var description: String {
        switch self {
        case let .cannotRead(file, reason): return "\(file): cannot read (\(reason))"
        case let .syntax(file, line, column, message): return "\(file):\(line):\(column): invalid JSON: \(message)"
        case let .missingField(file, path): return "\(file): missing field \(path)"
        case let .wrongType(file, path, expected, found): return "\(file): field \(path): expected \(expected), found \(found)"
        case let .invalidValue(file, path, message): return "\(file): field \(path): \(message)"
        }
    }
}
