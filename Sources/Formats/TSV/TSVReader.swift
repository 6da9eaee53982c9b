import Foundation

/// Tab-separated tables as pandas `read_csv(sep="\t")` reads VLMEvalKit's data files: a header row, then
/// records; a field that starts with `"` is quoted (`""` inside it is a quote; tabs and newlines inside are
/// kept). Column names are lower-cased (VLMEvalKit does the same before scoring). Errors name file:line.
public struct TSVTable: Sendable {
    public let file: String
    public let columns: [String]
    public let rows: [[String]]
    /// The line each row starts on, for messages.
    public let rowLines: [Int]

    public func column(_ name: String) -> Int? { columns.firstIndex(of: name.lowercased()) }

    /// The cell strings pandas' `read_csv` turns into NaN by default (pandas 2.x `STR_NA_VALUES`). VLMEvalKit
    /// loads its TSVs that way and drops NaN options and hints, so an MMBench option that reads "None" or "N/A"
    /// is no option there; we must read it the same way to score the same questions.
    public static let pandasMissingValues: Set<String> = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
        "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    /// Whether pandas would read this cell as NaN.
    public static func isPandasMissing(_ cell: String) -> Bool { pandasMissingValues.contains(cell) }

    public static func read(file path: String) throws -> TSVTable {
        guard let data = FileContents.read(path) else {
            throw TSVError(file: path, line: 0, detail: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> TSVTable {
        var records: [[String]] = [], lines: [Int] = []
        var field = "", record: [String] = [], line = 1, recordLine = 1
        var quoted = false, atFieldStart = true
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return iterator.next() }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where atFieldStart:
                quoted = true; atFieldStart = false
            case "\t":
                record.append(field); field = ""; atFieldStart = true
            case "\n", "\r":
                if c == "\r", let n = next(), n != "\n" { pending = n }
                record.append(field); field = ""; atFieldStart = true
                if !(record.count == 1 && record[0].isEmpty) { records.append(record); lines.append(recordLine) }
                record = []; line += 1; recordLine = line
            default:
                field.unicodeScalars.append(c); atFieldStart = false
            }
        }
        if quoted { throw TSVError(file: file, line: recordLine, detail: "a quoted field is not closed before the end of the file") }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record); lines.append(recordLine) }
        guard let header = records.first else { throw TSVError(file: file, line: 1, detail: "empty file: expected a header row") }
        for (i, r) in records.enumerated().dropFirst() where r.count != header.count {
            throw TSVError(file: file, line: lines[i], detail: "row has \(r.count) fields, the header has \(header.count)")
        }
        return TSVTable(file: file, columns: header.map { $0.lowercased() }, rows: Array(records.dropFirst()), rowLines: Array(lines.dropFirst()))
    }
}

public struct TSVError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var detail: String
    public var description: String { "\(file):\(line): \(detail)" }
    public init(file: String, line: Int, detail: String) { self.file = file; self.line = line; self.detail = detail }
}
