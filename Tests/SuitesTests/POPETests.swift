import Foundation
import Formats
import Scorers
import Suites
import Testing
import TestSupport

extension TestRandom: RandomNumberGenerator {}

@Suite struct POPETests {
    @Test func readsOfficialFilesAndNamesTheVersion() throws {
        var all: [POPEQuestion] = []
        for split in ["random", "popular", "adversarial"] {
            all += try POPEQuestionFile.readOfficial(file: FixturePaths.path("pope/coco_pope_\(split).json"))
        }
        #expect(all.count == 12 && all.filter(\.answerIsYes).count == 6)
        #expect(all[0].split == "random" && all[0].id == "1")
        #expect(POPEQuestionFile.version(of: all).hasPrefix("POPE edebdda"))
        #expect(POPEQuestionFile.version(of: all.filter { !$0.text.contains("imange") }).hasPrefix("POPE 109985c"))
    }

    @Test func crlfOfficialFilesReadTheSame() throws {
        // Some copies of the official files (e.g. those checked out on Windows) end lines with CRLF.
        let source = FixturePaths.path("pope/coco_pope_random.json")
        let text = try String(contentsOfFile: source, encoding: .utf8)
        let crlf = FixturePaths.temporaryDirectory("pope-crlf").appendingPathComponent("coco_pope_random.json")
        try text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
            .write(to: crlf, atomically: true, encoding: .utf8)
        let a = try POPEQuestionFile.readOfficial(file: source), b = try POPEQuestionFile.readOfficial(file: crlf.path)
        #expect(a.count == b.count && a.count > 0)
        #expect(a.map(\.text) == b.map(\.text) && a.map(\.answerIsYes) == b.map(\.answerIsYes) && a.map(\.id) == b.map(\.id))
    }

    @Test func readsVLMEvalKitTSVAndExplodesCategories() throws {
        let q = try POPEQuestionFile.readVLMEvalKit(file: FixturePaths.path("pope/POPE_demo.tsv"))
        #expect(q.map(\.split) == ["random", "popular", "adversarial", "random", "popular"])
        #expect(q[4].text == "Is there a \"person\" in the image?\tPlease answer yes or no.")   // quoted field with a tab
    }

    /// Hand-computed confusion matrix; pooled and mean-of-splits F1 differ on purpose.
    @Test func metricsBothHeadlines() {
        func q(_ yes: Bool, _ split: String) -> POPEQuestion { POPEQuestion(id: "x", image: "i", text: "t", answerIsYes: yes, split: split) }
        // split a: TP 2, FN 0, FP 1, TN 1 → P 2/3, R 1, F1 0.8. split b: TP 1, FN 1 (one "unknown"), TN 2 → P 1, R 0.5, F1 2/3.
        let questions = [q(true, "a"), q(true, "a"), q(false, "a"), q(false, "a"), q(true, "b"), q(true, "b"), q(false, "b"), q(false, "b")]
        let answers = ["Yes", "yes.", "Yes", "No", "yes", "maybe", "no", "No"]
        let s = POPEScores(questions: questions, answers: answers, rule: .vlmevalkit)
        let a = s.splits[0].counts, b = s.splits[1].counts
        #expect((a.truePositive, a.falsePositive, a.trueNegative, a.falseNegative) == (2, 1, 1, 0))
        #expect((b.truePositive, b.falsePositive, b.trueNegative, b.falseNegative, b.unknown) == (1, 0, 2, 1, 1))
        #expect(abs(a.f1 - 0.8) < 1e-12 && abs(b.f1 - 2.0 / 3.0) < 1e-12)
        #expect(abs(s.meanSplitF1 - (0.8 + 2.0 / 3.0) / 2) < 1e-12)
        // pooled: TP 3, FP 1, FN 1 → P 0.75, R 0.75, F1 0.75 (≠ 0.7333 mean)
        #expect(abs(s.pooled.f1 - 0.75) < 1e-12)
        #expect(b.accuracy == 0.75 && s.pooled.yesRatio == 4.0 / 8.0)
        // Exact matching turns "yes." into unknown: a different score from the same answers.
        #expect(POPEScores(questions: questions, answers: answers, rule: .exact).pooled.truePositive == 2)
        // The official rule has no unknown: "maybe" → yes.
        #expect(POPEScores(questions: questions, answers: answers, rule: .popeOfficial).pooled.unknown == 0)
    }

    @Test func zeroDenominatorsGiveZero() {
        let s = POPEScores(questions: [POPEQuestion(id: "1", image: "i", text: "t", answerIsYes: false, split: "r")], answers: ["no"], rule: .exact)
        #expect(s.pooled.precision == 0 && s.pooled.recall == 0 && s.pooled.f1 == 0 && s.pooled.accuracy == 1)
    }

    @Test func buildsPOPEStyleSetsFromCOCOInstances() throws {
        var rng = TestRandom(seed: 1)
        let q = try POPEBuilder.build(instances: FixturePaths.path("pope/instances_demo.json"), imageCount: 4, using: &rng)
        // 4 eligible images (≥ 3 distinct objects) × 3 positives × (1 + 1 negative) per split.
        #expect(Dictionary(grouping: q, by: \.split).mapValues(\.count) == ["random": 24, "popular": 24, "adversarial": 24])
        for split in ["random", "popular", "adversarial"] {
            let s = q.filter { $0.split == split }
            #expect(s.enumerated().allSatisfy { $0.element.answerIsYes == ($0.offset % 2 == 0) })
        }
        #expect(q.contains { $0.text == "Is there an umbrella in the image?" } || q.contains { $0.text == "Is there an apple in the image?" })
        #expect(!q.contains { $0.text.contains("imange") })
        var again = TestRandom(seed: 1)
        #expect(try POPEBuilder.build(instances: FixturePaths.path("pope/instances_demo.json"), imageCount: 4, using: &again) == q)
    }

    @Test func malformedInputsNameFileAndLine() throws {
        let dir = FixturePaths.temporaryDirectory()
        let bad = dir.appendingPathComponent("coco_pope_random.json")
        try "{\"question_id\": 1, \"image\": \"x\", \"text\": \"t\", \"label\": \"yes\"}\n{\"question_id\": 2, \"image\": \"x\", \"text\": \"t\", \"label\": \"maybe\"}\n".write(to: bad, atomically: true, encoding: .utf8)
        let e = #expect(throws: (any Error).self) { try POPEQuestionFile.readOfficial(file: bad.path) }
        #expect("\(e!)".contains("coco_pope_random.json:2") && "\(e!)".contains("maybe"))
        let tsv = dir.appendingPathComponent("POPE.tsv")
        try "index\tquestion\tanswer\tcategory\n0\tq\tYes\n".write(to: tsv, atomically: true, encoding: .utf8)
        let t = #expect(throws: TSVError.self) { try POPEQuestionFile.readVLMEvalKit(file: tsv.path) }
        #expect(t?.description == "\(tsv.path):2: row has 3 fields, the header has 4")
    }
}
