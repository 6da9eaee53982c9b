import Foundation

/// The memory a large allocation may take, checked before it is made: a request the machine cannot hold is refused
/// with what it needs and what there is, instead of an OOM kill that also takes the machine's other jobs with it.
///
/// Available = the smallest of /proc/meminfo's MemAvailable, the cgroup's limit minus its usage (cgroup v2
/// memory.max − memory.current, as in a container or a Slurm job), and `$JANUS_EVAL_MEMORY_LIMIT` (bytes, or
/// with K/M/G/T; for shared machines, to keep a run well inside its share).
public enum MemoryBudget {
    public static let limitVariable = "JANUS_EVAL_MEMORY_LIMIT"

    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public let what: String
        public let neededBytes: Int
        public let availableBytes: Int
        public let source: String
        public init(what: String, neededBytes: Int, availableBytes: Int, source: String) {
            self.what = what; self.neededBytes = neededBytes; self.availableBytes = availableBytes; self.source = source
        }
        public var description: String {
            "\(what) needs about \(MemoryBudget.format(neededBytes)) but \(MemoryBudget.format(availableBytes)) is available "
                + "(\(source)); ask for less (a shorter prompt, fewer new tokens, fewer images at once) or free memory"
        }
    }

    public struct InvalidLimit: Error, CustomStringConvertible, Equatable {
        public let value: String
        public init(value: String) { self.value = value }
        public var description: String {
            "$\(MemoryBudget.limitVariable) must be a size in bytes, optionally with K, M, G or T (e.g. 8G), not '\(value)'"
        }
    }

    /// Refuses `bytes` when it exceeds what is available (`available` overrides the machine's figure, for tests).
    public static func check(_ bytes: Int, for what: String, available: (bytes: Int, source: String)? = nil) throws {
        guard let (free, source) = try available ?? self.available() else { return }
        if bytes > free { throw Refusal(what: what, neededBytes: bytes, availableBytes: free, source: source) }
    }

    /// The smallest of the limits that apply, and which one it was (`nil` when none can be read).
    public static func available() throws -> (bytes: Int, source: String)? {
        var candidates: [(Int, String)] = []
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) {
            for line in meminfo.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
                let fields = line.split(separator: " ")
                if fields.count >= 2, let kb = Int(fields[1]) { candidates.append((kb * 1024, "MemAvailable in /proc/meminfo")) }
            }
        }
        if let max = readNumber("/sys/fs/cgroup/memory.max"), let current = readNumber("/sys/fs/cgroup/memory.current") {
            candidates.append((Swift.max(0, max - current), "the cgroup's memory.max minus memory.current"))
        }
        if let raw = ProcessInfo.processInfo.environment[limitVariable] {
            candidates.append((try parseSize(raw), "$\(limitVariable)"))
        }
        return candidates.min { $0.0 < $1.0 }
    }

    /// "8G", "512M", "1000000": bytes (K/M/G/T are powers of 1024).
    public static func parseSize(_ text: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(trimmed)
        var scale = 1
        if let last = digits.last, let unit = units[last] { scale = unit; digits = digits.dropLast() }
        if digits.last == "I" || digits.last == "B" { throw InvalidLimit(value: text) }
        guard let value = Double(digits), value.isFinite, value > 0, value * Double(scale) < 9e18 else {
            throw InvalidLimit(value: text)
        }
        return Int(value * Double(scale))
    }

    static func readNumber(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))  // "max" → nil: no limit
    }

    public static func format(_ bytes: Int) -> String {
        let gb = Double(bytes) / Double(1 << 30)
        if gb >= 1 { return String(format: "%.1f GiB", gb) }
        return String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}
