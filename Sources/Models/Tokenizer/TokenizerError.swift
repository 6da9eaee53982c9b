/// Errors from loading or using a tokenizer; each names the file and field.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case malformed(file: String, detail: String)
    case unsupported(String)
    case unknownToken(String)

    public var description: String {
        switch self {
        case let .malformed(file, detail): return "\(file): \(detail)"
        case .unsupported(let detail): return "unsupported tokenizer: \(detail)"
        case .unknownToken(let token): return "the tokenizer has no token \"\(token)\""
        }
    }
}
