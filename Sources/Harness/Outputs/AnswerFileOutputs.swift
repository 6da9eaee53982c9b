import Foundation
import Formats
import Suites

/// Answers made elsewhere (`--answers FILE`, repeatable): JSON lines with `question_id` and `text` (LLaVA's answer
/// files) or `answer`; MMBench lines with `index` and `prediction` (VLMEvalKit); a TSV exported from VLMEvalKit's
/// .xlsx with columns `index` and `prediction` (and `category` for POPE); POPE's own `{"question", "answer"}` files
/// (no ids), matched by line order within the single question file and checked against the question text.
///
/// Matching (POPE): an answer's split comes from its `split` or `category` field, else from the answer file's name
/// (it contains the split name), else — with a single split — that split. Every item must get exactly one answer
/// and every answer must match an item: anything else is an error naming both files.
public final class AnswerFileOutputs: ItemOutputSource {
    public let files: [String]
    public let configuration: JSONObject
    public let name = "answers"
    let answers: [String: String]

    public init(files: [String], suite: any Suite) throws {
        self.files = files
        let items = suite.items
        let ids = Set(items.map(\.id))
        let splits = Self.splits(of: items)
        var answers: [String: String] = [:]
        var digests: [JSONValue] = []
        for file in files {
            digests.append(.object(JSONObject([("path", .string(file)), ("sha256", .string(try SHA256.hexDigest(file: file)))])))
            let lines = try Self.read(file)
            let fileSplit = splits.first { (file as NSString).lastPathComponent.contains($0) } ?? (splits.count == 1 ? splits[0] : nil)
            for (number, line) in lines.enumerated() {
                let location = "\(file):\(line.line ?? number + 1)"
                var lineIDs: [String] = []
                if let key = line.id {
                    if suite.id == "pope" {
                        // VLMEvalKit's POPE rows carry every split they belong to ("random,popular"): one answer each.
                        guard let lineSplits = line.splits ?? fileSplit.map({ [$0] }) else {
                            throw HarnessError.outputs(path: location, reason: "cannot tell the POPE split of question \(key): give a split/category field, or put the split name in the answer file's name")
                        }
                        lineIDs = lineSplits.map { "\($0)/\(key)" }
                    } else {
                        lineIDs = [key]
                    }
                } else if suite.id == "pope", let question = line.question {
                    // POPE's own answer files: line k answers question k of the one question file.
                    guard splits.count == 1 else {
                        throw HarnessError.outputs(path: location, reason: "POPE answer lines without question ids match by line order, which needs a single question file; \(splits.count) splits were given")
                    }
                    let popeItems = items
                    guard number < popeItems.count else {
                        throw HarnessError.outputs(path: location, reason: "answer \(number + 1) has no question: the question file has \(popeItems.count)")
                    }
                    guard popeItems[number].text == question else {
                        throw HarnessError.outputs(path: location, reason: "answer \(number + 1) is for \"\(question)\" but question \(number + 1) of the question file is \"\(popeItems[number].text)\"")
                    }
                    lineIDs = [popeItems[number].id]
                } else {
                    throw HarnessError.outputs(path: location, reason: "a line needs question_id (LLaVA), index (VLMEvalKit) or question (POPE)")
                }
                for id in lineIDs {
                    guard ids.contains(id) else {
                        throw HarnessError.outputs(path: location, reason: "answer for \(id), which is not a question of the \(suite.id) data given")
                    }
                    guard answers[id] == nil else { throw HarnessError.outputs(path: location, reason: "a second answer for \(id)") }
                    answers[id] = line.text
                }
            }
        }
        if let missing = items.first(where: { answers[$0.id] == nil }) {
            let count = items.filter { answers[$0.id] == nil }.count
            throw HarnessError.outputs(path: files.joined(separator: ", "),
                                       reason: "no answer for \(count) question(s) of the suite's data, e.g. \(missing.id) (\"\(missing.text)\")")
        }
        self.answers = answers
        configuration = JSONObject([("kind", .string("answers")), ("files", .array(digests))])
    }

    public func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>] {
        var out: [String: Result<ItemOutput, any Error>] = [:]
        for item in items {
            if let text = answers[item.id] { out[item.id] = .success(.text(text)) }
            else { out[item.id] = .failure(HarnessError.outputs(path: files.joined(separator: ", "), reason: "no answer for \(item.id)")) }
        }
        return out
    }

    static func splits(of items: [SuiteItem]) -> [String] {
        var seen: [String] = []
        for item in items {
            guard let slash = item.id.firstIndex(of: "/") else { continue }
            let split = String(item.id[..<slash])
            if !seen.contains(split) { seen.append(split) }
        }
        return seen
    }

    struct Line { var id: String?; var splits: [String]?; var question: String?; var text: String; var line: Int? }

    static func read(_ file: String) throws -> [Line] {
        if file.lowercased().hasSuffix(".tsv") {
            let table = try TSVTable.read(file: file)
            guard let index = table.column("index"), let prediction = table.column("prediction") else {
                throw HarnessError.outputs(path: file, reason: "a TSV of answers needs columns index and prediction (found \(table.columns.joined(separator: ", ")))")
            }
            let category = table.column("category")
            return table.rows.enumerated().map { r, row in
                let splits = category.map { row[$0].split(separator: ",").map(String.init) }.flatMap { $0.isEmpty ? nil : $0 }
                return Line(id: row[index], splits: splits, question: nil, text: row[prediction], line: table.rowLines[r])
            }
        }
        var lines: [Line] = []
        try JSONLinesReader.forEachLine(file: file) { number, doc in
            let c = doc.cursor
            func optionalText(_ key: String) throws -> String? {
                guard let v = try c.optional(key) else { return nil }
                if case .int(let i) = v.value { return String(i) }
                return try v.asString()
            }
            let id = try optionalText("question_id") ?? optionalText("index")
            guard let text = try optionalText("text") ?? optionalText("answer") ?? optionalText("prediction") else {
                throw HarnessError.outputs(path: "\(file):\(number)", reason: "no answer field (text, answer or prediction)")
            }
            lines.append(Line(id: id, splits: try (optionalText("split") ?? optionalText("category")).map { [$0] }, question: try optionalText("question"),
                              text: text, line: number))
        }
        return lines
    }
}
