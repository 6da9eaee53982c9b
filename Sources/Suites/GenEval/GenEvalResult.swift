import Foundation
import Formats

/// One line of GenEval's results.jsonl: filename, tag, prompt, correct, reason, metadata (a JSON string of the
/// prompt record) and details (a JSON string mapping class → kept boxes [x1, y1, x2, y2, score]).
public struct GenEvalResult: Equatable, Sendable {
    public var filename: String
    public var tag: String
    public var prompt: String
    public var correct: Bool
    public var reason: String
    public var metadata: String
    public var details: String

    public init(filename: String, prompt: GenEvalPrompt, judgment: GenEvalJudgment) {
        self.filename = filename
        tag = prompt.tag
        self.prompt = prompt.prompt
        correct = judgment.correct
        reason = judgment.reason
        metadata = prompt.jsonLine
        var detailObject = JSONObject()
        for className in GenEvalVocabulary.classes + judgment.kept.keys.sorted() where detailObject[className] == nil {
            guard let kept = judgment.kept[className] else { continue }
            detailObject[className] = .array(kept.map { d in .array((d.box + [d.score]).map { .double($0) }) })
        }
        details = JSONWriter(style: .pythonDumps).string(.object(detailObject))
    }

    public init(filename: String, tag: String, prompt: String, correct: Bool, reason: String, metadata: String, details: String) {
        self.filename = filename; self.tag = tag; self.prompt = prompt; self.correct = correct
        self.reason = reason; self.metadata = metadata; self.details = details
    }

    public var jsonValue: JSONValue {
        .object(JSONObject([("filename", .string(filename)), ("tag", .string(tag)), ("prompt", .string(prompt)),
                            ("correct", .bool(correct)), ("reason", .string(reason)), ("metadata", .string(metadata)),
                            ("details", .string(details))]))
    }

    public static func write(_ results: [GenEvalResult], to path: String) throws {
        let text = results.map { JSONWriter(style: .compact).string($0.jsonValue) + "\n" }.joined()
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw SuiteError.unreadable(path: path, reason: "cannot write: \(FileProblem.writeReason(path, error: error))")
        }
    }

    /// Reads results.jsonl from the official evaluator or from janus-eval.
    public static func read(file path: String) throws -> [GenEvalResult] {
        var results: [GenEvalResult] = []
        try JSONLinesReader.forEachLine(file: path) { _, doc in
            let c = doc.cursor
            results.append(GenEvalResult(filename: try c.string("filename"), tag: try c.string("tag"), prompt: try c.string("prompt"),
                                         correct: try c.bool("correct"), reason: try c.string("reason", default: ""),
                                         metadata: try c.string("metadata"), details: try c.string("details", default: "{}")))
        }
        return results
    }

    public static func scores(_ results: [GenEvalResult]) -> GenEvalScores {
        GenEvalScores(results: results.map { ($0.tag, $0.metadata, $0.correct) })
    }
}
