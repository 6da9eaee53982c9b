import Foundation
import Formats

/// One POPE question. Splits ("random", "popular", "adversarial") share images and positives.
public struct POPEQuestion: Equatable, Sendable {
    public var id: String
    public var image: String
    public var text: String
    /// Ground truth.
    public var answerIsYes: Bool
    public var split: String
    /// Image cluster for clustered bootstrap (questions about one image are not independent).
    public var imageKey: String { image }

    public init(id: String, image: String, text: String, answerIsYes: Bool, split: String) {
        self.id = id; self.image = image; self.text = text; self.answerIsYes = answerIsYes; self.split = split
    }
}

/// Reading POPE's question files.
public enum POPEQuestionFile {
    /// The official JSON-lines files (`coco_pope_{random,popular,adversarial}.json`: question_id, image, text,
    /// label). The split comes from the file name unless given.
    public static func readOfficial(file path: String, split: String? = nil) throws -> [POPEQuestion] {
        let name = (path as NSString).lastPathComponent
        let splitName = split ?? ["random", "popular", "adversarial"].first { name.contains($0) } ?? name
        var questions: [POPEQuestion] = []
        try JSONLinesReader.forEachLine(file: path) { line, doc in
            let c = doc.cursor
            let label = try c.string("label")
            guard label == "yes" || label == "no" else {
                throw JSONError.invalidValue(file: "\(path):\(line)", path: "label", message: "expected \"yes\" or \"no\", found \"\(label)\"")
            }
            let idField = try c.field("question_id")
            let id: String
            if let text = try? idField.asString() { id = text } else { id = String(try idField.asInt()) }
            questions.append(POPEQuestion(id: id, image: try c.string("image"), text: try c.string("text"), answerIsYes: label == "yes", split: splitName))
        }
        return questions
    }

    /// Which published version a set of official files is, from the question counts and the "imange" typo
    /// (the old generator's `replace("a", "an")` also turned "image" into "imange").
    public static func version(of questions: [POPEQuestion]) -> String {
        let bySplit = Dictionary(grouping: questions, by: \.split)
        let random = bySplit["random"] ?? []
        let typos = questions.filter { $0.text.contains("imange") }.count
        if random.count == 2910 { return "POPE e3e3926 (2023-08-10, used by LLaVA-1.5): 2910-item random split" }
        if typos == 0 && !questions.isEmpty { return "POPE 109985c (2023-11-16, current): 3000 per split, no typos" }
        if (bySplit["adversarial"] ?? []).filter({ $0.text.contains("imange") }).count > 0 && random.allSatisfy({ !$0.text.contains("imange") }) {
            return "POPE edebdda (2023-10-09): typos left only in the adversarial split"
        }
        return "unrecognised POPE version (\(questions.count) questions, \(typos) 'imange' typos)"
    }

    /// VLMEvalKit's POPE.tsv: one row per distinct question with a comma-joined `category`; re-expanded to one
    /// question per split (pandas explode), as VLMEvalKit scores it. `answer` is "Yes"/"No".
    public static func readVLMEvalKit(file path: String) throws -> [POPEQuestion] {
        let table = try TSVTable.read(file: path)
        guard let index = table.column("index"), let question = table.column("question"), let answer = table.column("answer"),
              let category = table.column("category") else {
            throw TSVError(file: path, line: 1, detail: "expected columns index, question, answer, category; found \(table.columns.joined(separator: ", "))")
        }
        let imagePath = table.column("image_path"), imageData = table.column("image")
        var out: [POPEQuestion] = []
        for (r, row) in table.rows.enumerated() {
            let a = row[answer]
            guard a == "Yes" || a == "No" else { throw TSVError(file: path, line: table.rowLines[r], detail: "answer is \"\(a)\", expected Yes or No") }
            // The image: a path (image_path), else the inline base64 data marked "base64:"; the index names the question.
            let imageKey = imagePath.map { row[$0] } ?? imageData.map { "base64:" + row[$0] } ?? row[index]
            for split in row[category].split(separator: ",") {
                out.append(POPEQuestion(id: row[index], image: imageKey, text: row[question], answerIsYes: a == "Yes", split: String(split)))
            }
        }
        return out
    }
}
