import Foundation

/// Reads JSON Lines: one JSON value per line, blank lines skipped. Errors name "file:line".
public enum JSONLinesReader {
    /// Calls `body` with each line's document (its `file` is "path:line") in order.
    public static func forEachLine(file path: String, _ body: (Int, JSONDocument) throws -> Void) throws {
        guard let data = FileContents.read(path) else {
            throw JSONError.cannotRead(file: path, reason: FileProblem.readReason(path))
        }
        try forEachLine(data, file: path, body)
    }

    public static func forEachLine(_ data: Data, file: String, _ body: (Int, JSONDocument) throws -> Void) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var start = 0, lineNumber = 1
            let n = raw.count
            while start < n {
                var end = start
                while end < n && raw[end] != 0x0A { end += 1 }
                var stop = end
                if stop > start && raw[stop - 1] == 0x0D { stop -= 1 }
                let line = UnsafeRawBufferPointer(rebasing: raw[start..<stop])
                if line.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                    let doc: JSONDocument
                    do {
                        doc = try JSONReader.parse(line, file: "\(file):\(lineNumber)")
                    } catch let JSONError.syntax(_, _, column, message) {
                        throw JSONError.syntax(file: file, line: lineNumber, column: column, message: message)
                    }
                    try body(lineNumber, doc)
                }
                start = end + 1
                lineNumber += 1
            }
        }
    }

    public static func read(file path: String) throws -> [JSONDocument] {
        var docs: [JSONDocument] = []
        try forEachLine(file: path) { docs.append($1) }
        return docs
    }
}
