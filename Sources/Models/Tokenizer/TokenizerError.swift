/// Errors from loading or using a tokenizer; each names the file and field.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case malformed(file: String, detail: String)
    case unsupported(String)
    case unknownToken(String)
    case unknownID(id: Int, position: String, vocabularySize: Int)

    public var description: String {
        switch self {
        case let .malformed(file, detail): return "\(file): \(detail)"
        case .unsupported(let detail): return "unsupported tokenizer: \(detail)"
        case .unknownToken(let token): return "the tokenizer has no token \"\(token)\""
        case let .unknownID(id, position, size):
            return "\(position): id \(id) is not a token of this tokenizer (ids are 0…\(size - 1))"
        }
    }
}
