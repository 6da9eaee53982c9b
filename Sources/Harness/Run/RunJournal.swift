import Foundation
import Formats
import Suites
#if canImport(Glibc)
import Glibc
#endif

/// items.jsonl: one JSON object per scored item, appended, flushed and fsync'd as each item finishes, so a killed
/// run loses nothing already scored. A torn last line (the kill came mid-write) is dropped when the journal is
/// reopened; a bad line anywhere else is an error naming it. The last record of an id wins (failed items are
/// retried by a rerun and recorded again).
public final class RunJournal {
    /// One line: the item's position in the suite's full item list (so shards merge back into suite order) and its record.
    public struct Entry: Equatable, Sendable {
        public var position: Int
        public var record: ItemRecord
        public init(position: Int, record: ItemRecord) { self.position = position; self.record = record }

        public var jsonValue: JSONValue {
            guard case .object(var o) = record.jsonValue else { return record.jsonValue }
            var out = JSONObject([("position", .int(Int64(position)))])
            for (k, v) in o.entries { out[k] = v }
            o = out
            return .object(o)
        }
    }

    public let path: String
    public private(set) var entries: [Entry] = []
    /// Lines dropped on opening (a torn last line), for the run's log.
    public private(set) var droppedTornLine = false
    private var fd: Int32 = -1

    /// Opens (creating) the journal and reads what it holds.
    public init(path: String) throws {
        self.path = path
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            var goodLength = 0
            var lineStart = 0
            let bytes = [UInt8](data)
            var lineNumber = 0
            for (i, byte) in bytes.enumerated() where byte == 0x0A {
                lineNumber += 1
                let line = Array(bytes[lineStart..<i])
                lineStart = i + 1
                if line.isEmpty { goodLength = lineStart; continue }
                let entry: Entry
                do { entry = try Self.parse(line, file: path, line: lineNumber) } catch {
                    // A complete but unreadable line is only tolerated as the very last one (a torn write that
                    // happened to end in a newline cannot occur: the newline is written last).
                    throw HarnessError.journal(path: path, line: lineNumber, reason: "\(error)")
                }
                entries.append(entry)
                goodLength = lineStart
            }
            if goodLength < bytes.count {
                // The tail after the last newline is a torn write: drop it.
                droppedTornLine = true
                guard truncate(path, off_t(goodLength)) == 0 else {
                    throw HarnessError.journal(path: path, line: lineNumber + 1, reason: "cannot drop the torn last line (errno \(errno))")
                }
            }
        }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HarnessError.output(path: path, reason: "cannot open the journal for appending (errno \(errno))") }
    }

    deinit { if fd >= 0 { close(fd) } }

    static func parse(_ line: [UInt8], file: String, line number: Int) throws -> Entry {
        let doc = try JSONReader.parse(Data(line), file: "\(file):\(number)")
        return Entry(position: try doc.cursor.int("position"), record: try ItemRecord(doc.cursor))
    }

    /// The latest record of every id.
    public var latest: [String: Entry] {
        var out: [String: Entry] = [:]
        for e in entries { out[e.record.id] = e }
        return out
    }

    /// Appends one entry and makes it durable before returning.
    public func append(_ entry: Entry) throws {
        try DurableAppend.line(JSONWriter(style: .compact).string(entry.jsonValue), to: fd, path: path, what: "the journal")
        entries.append(entry)
    }
}
