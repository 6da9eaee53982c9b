import Formats

/// One MMBench row (VLMEvalKit TSV). Circular copies are extra rows with index = original + k·1 000 000 whose
/// `image` holds the original row's index instead of base64 data; the options are rotated and `answer` remapped.
public struct MMBenchQuestion: Equatable, Sendable {
    public var index: Int
    public var question: String
    public var hint: String?
    public var options: [(letter: String, text: String)]
    public var answer: String?
    public var category: String
    public var l2Category: String
    /// Base64 image data (resolved from the original row for circular copies).
    public var imageBase64: String

    /// The question group: all circular passes of one question share it.
    public var group: Int { index % 1_000_000 }
    public var isCircularCopy: Bool { index >= 1_000_000 }

    public static func == (a: MMBenchQuestion, b: MMBenchQuestion) -> Bool {
        a.index == b.index && a.question == b.question && a.hint == b.hint && a.options.map(\.letter) == b.options.map(\.letter)
            && a.options.map(\.text) == b.options.map(\.text) && a.answer == b.answer && a.category == b.category
            && a.l2Category == b.l2Category && a.imageBase64 == b.imageBase64
    }

    /// The text Janus is asked (VLMEvalKit's Janus wrapper, vlmeval/vlm/janus.py): it follows the image
    /// placeholder in the user turn.
    public var prompt: String {
        var text = hint.map { "\nHint: \($0)\n" } ?? "\n"
        text += question + "\n"
        if options.isEmpty { return text + "Answer the question directly. " }
        text += options.map { "\($0.letter). \($0.text)\n" }.joined()
        return text + "\nAnswer with the option's letter from the given choices directly."
    }

    /// Reads the VLMEvalKit TSV (columns lower-cased; hint, answer, l2-category optional).
    public static func read(file path: String) throws -> [MMBenchQuestion] {
        let table = try TSVTable.read(file: path)
        func col(_ name: String) throws -> Int {
            guard let i = table.column(name) else {
                throw TSVError(file: path, line: 1, detail: "missing column '\(name)' (found: \(table.columns.joined(separator: ", ")))")
            }
            return i
        }
        let index = try col("index"), question = try col("question"), image = try col("image")
        let hint = table.column("hint"), answer = table.column("answer"), category = table.column("category")
        let l2 = table.column("l2-category") ?? table.column("l2_category")
        let letters = ["A", "B", "C", "D", "E", "F", "G", "H", "I"].filter { table.column($0) != nil }
        var images: [Int: String] = [:]
        var out: [MMBenchQuestion] = []
        for (r, row) in table.rows.enumerated() {
            guard let idx = Int(row[index]) else {
                throw TSVError(file: path, line: table.rowLines[r], detail: "index \"\(row[index])\" is not an integer")
            }
            // VLMEvalKit reads the TSV with pandas and skips NaN options and hints: empty cells, and cells pandas
            // reads as NaN by default ("None", "N/A", "NULL", ...), are absent.
            let options = letters.compactMap { l -> (letter: String, text: String)? in
                let v = row[table.column(l)!]
                return TSVTable.isPandasMissing(v) ? nil : (l, v)
            }
            let h = hint.map { row[$0] }.flatMap { TSVTable.isPandasMissing($0) ? nil : $0 }
            var data = row[image]
            if data.count <= 64, let ref = Int(data) {
                guard let original = images[ref] else {
                    throw TSVError(file: path, line: table.rowLines[r], detail: "image refers to row \(ref), which has no image (or comes later)")
                }
                data = original
            } else {
                images[idx] = data
            }
            out.append(MMBenchQuestion(index: idx, question: row[question], hint: h, options: options,
                                       answer: answer.map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 },
                                       category: category.map { row[$0] } ?? "", l2Category: l2.map { row[$0] } ?? "", imageBase64: data))
        }
        return out
    }
}
