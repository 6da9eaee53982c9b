import Foundation
import Formats
import Scorers
import Suites
import Testing
import TestSupport

/// The judge against cases judged by the official evaluator's own functions: the 120 shared oracle cases and
/// 51 more made by tools/reference/make_geneval_fixtures.py (exclude failures, diagonals, the 16-cap, ties).
@Suite struct GenEvalJudgeTests {
    struct Case { let metadata: GenEvalPrompt; let detections: [String: [ObjectDetection]]; let correct: Bool; let reason: String }

    static func load(_ file: String) -> [Case] {
        let doc = try! JSONReader.parse(file: FixturePaths.path("geneval/\(file)"))
        return try! doc.cursor.asArray().map { c in
            var detections: [String: [ObjectDetection]] = [:]
            for (name, list) in try c.field("detections").entries() {
                detections[name] = try list.asArray().map { d in
                    let v = try d.asArray()
                    return ObjectDetection(box: try v[0..<4].map { try $0.asDouble() }, score: try v[4].asDouble(), colorHint: try v[5].asString())
                }
            }
            return Case(metadata: try GenEvalPrompt(c.field("metadata")), detections: detections, correct: try c.bool("correct"),
                        reason: try c.string("reason"))
        }
    }

    /// Reason lines with "found A and B target" compared as sets (the official code joins a Python set).
    static func normalized(_ reason: String) -> [String] {
        reason.split(separator: "\n").map { line in
            guard let range = line.range(of: ", found "), line.hasSuffix(" target"), line.contains(" target, found") else { return String(line) }
            let found = line[range.upperBound...].dropLast(" target".count)
            return line[..<range.upperBound] + found.components(separatedBy: " and ").sorted().joined(separator: " and ") + " target"
        }
    }

    @Test(arguments: ["judgments.json", "synthetic_judgments.json"])
    func matchesTheOfficialEvaluator(file: String) throws {
        let cases = Self.load(file)
        let judge = GenEvalJudge()
        var agree = 0
        for (i, c) in cases.enumerated() {
            let j = try judge.judge(c.metadata, detections: c.detections, colors: RecordedColorClassifier())
            let same = j.correct == c.correct && Self.normalized(j.reason) == Self.normalized(c.reason)
            #expect(same, "\(file) case \(i) (\(c.metadata.prompt)): ours \(j.correct) '\(j.reason)' vs official \(c.correct) '\(c.reason)'")
            if same { agree += 1 }
        }
        print("GenEval judge vs official functions, \(file): \(agree) of \(cases.count) agree")
        #expect(cases.count >= 50)
    }

    @Test func relativePositionEdges() {
        let judge = GenEvalJudge()
        #expect(judge.relativePosition([0, 0, 10, 10], [0, 0, 10, 10]).isEmpty)                    // same box
        #expect(judge.relativePosition([0, 0, 10, 10], [100, 100, 110, 110]) == ["left of", "above"])   // diagonal
        #expect(judge.relativePosition([0, 0, 10, 10], [1.5, 0, 11.5, 10]).isEmpty)                // offset within the 0.1·(dA+dB) margin
        #expect(judge.relativePosition([0, 0, 10, 10], [2.5, 0, 12.5, 10]).isEmpty)                // past the margin, under the 0.5 cut (0.5/2.5)
        #expect(judge.relativePosition([0, 0, 10, 10], [5, 0, 15, 10]) == ["left of"])                 // 3/5 = 0.6 > 0.5
        #expect(judge.relativePosition([0, 0, 10, 10], [13, 0, 23, 10]) == ["left of"])
    }

    @Test func explanationSaysWhy() throws {
        let prompt = GenEvalPrompt(tag: "counting", include: [.init(className: "dog", count: 2)], exclude: [.init(className: "dog", count: 3)],
                                   prompt: "a photo of two dogs")
        let dets = ["dog": [0.95, 0.97, 0.91, 0.5].enumerated().map { ObjectDetection(box: [Double($0.offset) * 20, 0, Double($0.offset) * 20 + 10, 10], score: $0.element) }]
        let j = try GenEvalJudge().judge(prompt, detections: dets, colors: RecordedColorClassifier())
        #expect(!j.correct && j.reason == "expected dog<3, found 3")
        #expect(j.explanation[0] == "wrong: expected dog<3, found 3")
        #expect(j.explanation[1] == "dog: 3 detection(s) with score > 0.9 (0.970, 0.950, 0.910); needs 2")
    }
}
