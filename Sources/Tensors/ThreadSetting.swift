#if canImport(Glibc)
import Glibc
#endif

/// The compute thread count a command asked for, from `--threads` or `$JANUS_EVAL_THREADS`, checked the same way
/// for both: a whole number of at least 1. More threads than cores only oversubscribes them (measured: `--threads
/// 1000` ran 80× slower on 2 cores), so a request above the core count is capped there with a warning.
public struct ThreadSetting: Sendable, Equatable {
    /// The count to use (`nil`: neither the option nor the variable was given; every core is used).
    public let count: Int?
    /// Said to the user when the request was capped.
    public let warning: String?

    public static let environmentVariable = "JANUS_EVAL_THREADS"

    public init(count: Int?, warning: String?) { self.count = count; self.warning = warning }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notPositive(source: String, value: String)
        public var description: String {
            switch self {
            case .notPositive(let source, let value):
                return "\(source) must be a whole number of threads, at least 1, not '\(value)'"
            }
        }
    }

    /// Checks `option` (from `--threads`), else the environment variable; caps at `cores`.
    public static func resolve(option: Int?, environment: String? = Self.environmentValue(),
                               cores: Int = Parallel.coreCount) throws -> ThreadSetting {
        let requested: Int
        let source: String
        if let option {
            guard option >= 1 else { throw Failure.notPositive(source: "--threads", value: String(option)) }
            (requested, source) = (option, "--threads")
        } else if let environment {
            let trimmed = environment.trimmingSpaces
            guard let n = Int(trimmed), n >= 1 else {
                throw Failure.notPositive(source: "$\(environmentVariable)", value: environment)
            }
            (requested, source) = (n, "$\(environmentVariable)")
        } else {
            return ThreadSetting(count: nil, warning: nil)
        }
        if requested > cores {
            return ThreadSetting(count: cores, warning: "\(source) \(requested) is more than the \(cores) cores here; using \(cores)")
        }
        return ThreadSetting(count: requested, warning: nil)
    }

    public static func environmentValue() -> String? {
        getenv(environmentVariable).map { String(cString: $0) }
    }

    /// Applies the count (no-op when none was asked for).
    public func apply() {
        if let count { Parallel.setThreadCount(count) }
    }
}

private extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
