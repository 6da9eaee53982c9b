/// Errors of runs, their folders and reports; each names the path (and line or item) and what is wrong.
public enum HarnessError: Error, CustomStringConvertible, Equatable {
    /// Wrong use of a command (exit 2).
    case usage(String)
    case output(path: String, reason: String)
    case journal(path: String, line: Int, reason: String)
    /// The run folder holds another run: its recorded configuration differs (exit 2).
    case configurationDiffers(folder: String, differences: [String])
    /// An outputs file (--answers, --detections) does not fit the suite's items.
    case outputs(path: String, reason: String)
    case report(path: String, reason: String)
    /// Shards that cannot be merged.
    case merge(String)

    public var description: String {
        switch self {
        case .usage(let text): return text
        case let .output(path, reason): return "\(path): \(reason)"
        case let .journal(path, line, reason): return "\(path):\(line): \(reason)"
        case let .configurationDiffers(folder, differences):
            return "\(folder) holds a run with another configuration; rerun with the same options to continue it, or pass "
                + "--fresh to start over there, or --out another folder. Differences (recorded → now):\n"
                + differences.map { "  \($0)" }.joined(separator: "\n")
        case let .outputs(path, reason): return "\(path): \(reason)"
        case let .report(path, reason): return "\(path): \(reason)"
        case .merge(let text): return "cannot merge: \(text)"
        }
    }

    /// The exit status a command ends with on this error.
    public var exitCode: Int32 {
        switch self {
        case .usage, .configurationDiffers: return 2
        default: return 1
        }
    }
}
