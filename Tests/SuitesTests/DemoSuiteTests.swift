import Foundation
import Formats
import Scorers
import Suites
import Testing
import TestSupport

/// The bundled demo suites (suites/demo, written by tools/make_demo_suites.py) read with the suites' own readers,
/// and the GenEval demo's raw detections judge to the verdicts the generator's re-implementation recorded.
@Suite struct DemoSuiteTests {
    static let root = FixturePaths.repositoryRoot.appendingPathComponent("suites/demo").path

    static func detections(_ c: JSONCursor) throws -> [String: [ObjectDetection]] {
        var out: [String: [ObjectDetection]] = [:]
        for (name, list) in try c.entries() {
            out[name] = try list.asArray().map { d in
                let v = try d.asArray()
                return ObjectDetection(box: try v[0..<4].map { try $0.asDouble() }, score: try v[4].asDouble(), colorHint: try v[5].asString())
            }
        }
        return out
    }

    @Test func genevalDetectionsJudgeAsRecorded() throws {
        let g = Self.root + "/geneval"
        var detections: [String: [String: [ObjectDetection]]] = [:]
        try JSONLinesReader.forEachLine(file: g + "/detections.jsonl") { _, doc in
            let image = try doc.cursor.string("image")
            detections[image] = try Self.detections(doc.cursor.field("detections"))
        }
        var expected: [String: (correct: Bool, reason: String)] = [:]
        for (image, v) in try JSONReader.parse(file: g + "/expected_judgments.json").cursor.entries() {
            expected[image] = try (v.bool("correct"), v.string("reason"))
        }
        let suite = try GenEvalSuite(options: SuiteOptions(data: g + "/evaluation_metadata.jsonl"))
        let entries = try GenEvalImageFolder(root: g + "/images").entries()
        #expect(entries.count == 12 && entries.allSatisfy { $0.images.count == 4 })
        #expect(entries.map(\.prompt) == suite.prompts)
        #expect(suite.items.count == 48 && detections.count == 48 && expected.count == 48)
        var verdicts: Set<String> = []
        var correct = 0
        for item in suite.items {
            let parts = item.id.split(separator: "/")
            let image = "\(parts[0])/samples/\(GenEvalImageFolder.imageName(Int(parts[1])!))"
            let dets = try #require(detections[image], "no detections for \(image)")
            let want = try #require(expected[image], "no expected judgment for \(image)")
            let prompt = suite.prompts[Int(parts[0])!]
            let j = try suite.judge.judge(prompt, detections: dets, colors: RecordedColorClassifier())
            #expect(j.correct == want.correct && j.reason == want.reason,
                    "\(image): \(j.correct) '\(j.reason)' vs recorded \(want.correct) '\(want.reason)'")
            #expect(try suite.score(item, output: .detections(dets)).correct == want.correct)
            let png = try PNGCodec.read(file: g + "/images/" + image)
            #expect(png.width == 32 && png.height == 32)
            if want.correct { correct += 1 }
            verdicts.insert("\(prompt.tag) \(want.correct)")
        }
        #expect(correct == 19)
        #expect(verdicts.count == 12, "every task has images judged both ways: \(verdicts.sorted())")
    }

    @Test func popeSplitsShareImagesAndPositives() throws {
        let p = Self.root + "/pope"
        let suite = try POPESuite(options: SuiteOptions(data: p, images: p + "/images"))
        #expect(suite.splits == ["adversarial", "popular", "random"])
        #expect(suite.items.count == 36)
        let bySplit = Dictionary(grouping: suite.questions, by: \.split)
        func positives(_ split: String) -> [String] { bySplit[split, default: []].filter(\.answerIsYes).map { $0.image + " " + $0.text } }
        for (_, questions) in bySplit {
            #expect(questions.count == 12 && questions.filter(\.answerIsYes).count == 6)
            #expect(questions.allSatisfy { $0.text.hasPrefix("Is there a") && $0.text.hasSuffix(" in the image?") })
        }
        #expect(positives("random") == positives("popular") && positives("random") == positives("adversarial"))
        let images = Set(suite.questions.map(\.image))
        #expect(images.count == 6)
        for image in images {
            let png = try PNGCodec.read(file: p + "/images/" + image)
            #expect(png.width == 64 && png.height == 64)
        }
    }

    @Test func mmbenchHasCircularCopies() throws {
        let q = try MMBenchQuestion.read(file: Self.root + "/mmbench/MMBench_demo.tsv")
        let originals = Dictionary(uniqueKeysWithValues: q.filter { !$0.isCircularCopy }.map { ($0.index, $0) })
        #expect(q.count == 31 && originals.count == 8)
        for c in q where c.isCircularCopy {
            let o = try #require(originals[c.group])
            let j = c.index / 1_000_000, k = o.options.count
            #expect(c.imageBase64 == o.imageBase64 && c.options.count == k && j < k)
            #expect(c.options.map(\.text) == (0..<k).map { o.options[($0 + j) % k].text })
            #expect(c.options.first(where: { $0.letter == c.answer })?.text == o.options.first(where: { $0.letter == o.answer })?.text)
        }
        #expect(Set(originals.values.map(\.category)).count == 4)
        #expect(originals.values.filter { $0.hint != nil }.count == 4)
        #expect(originals.values.filter { $0.options.count == 3 }.count == 1)
        for o in originals.values {
            let image = try ImageSource.base64(o.imageBase64).load()
            #expect(image.width == 48 && image.height == 48)
        }
        #expect(try MMBenchSuite(questions: q).items.count == 31)
    }
}
