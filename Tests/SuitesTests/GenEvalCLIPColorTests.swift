import Foundation
import Formats
import Scorers
import Suites
import Testing
import TestSupport

/// GenEval's judge with the CLIP colour classifier in place of recorded colours: the classifier looks at the
/// image (bound to it), and a colour clause passes or fails with GenEval's reason. Tiny random CLIP weights
/// (Tests/Fixtures/clip/tiny): the colours are meaningless, the plumbing is not; the expected colours are those
/// GenEval's code (re-implemented in Python on the same weights) predicts.
@Suite struct GenEvalCLIPColorTests {
    @Test func colourClausesAreJudgedFromThePixels() throws {
        let model = try CLIPModel(folder: FixturePaths.path("clip/tiny"))
        let doc = try JSONReader.parse(file: FixturePaths.path("clip/tiny/expected.json")).cursor
        let c = try #require(try doc.array("colour_cases").first { try $0.string("key") == "scene_a.1.car" })
        let image = try PNGCodec.read(file: FixturePaths.path("clip/images/" + (try c.string("image"))))
        let maskImage = try PNGCodec.read(file: FixturePaths.path("clip/images/" + (try c.string("mask"))))
        let mask = stride(from: 0, to: maskImage.pixels.count, by: 3).map { maskImage.pixels[$0] > 127 }
        let detection = ObjectDetection(box: try c.array("box").map { try $0.asDouble() }, score: 0.95, mask: mask)
        let predicted = try c.string("color")
        let other = GenEvalVocabulary.colors.first { $0 != predicted }!
        let classifier = CLIPColorClassifier(model: model).bound(to: image)
        let judge = GenEvalJudge()
        for (colour, correct) in [(predicted, true), (other, false)] {
            let prompt = GenEvalPrompt(tag: "colors", include: [.init(className: "car", count: 1, color: colour)],
                                       prompt: "a photo of \(GenEvalVocabulary.withArticle(colour)) car")
            let verdict = try judge.judge(prompt, detections: ["car": [detection]], colors: classifier)
            #expect(verdict.correct == correct, "\(colour): \(verdict.reason)")
            if !correct {
                #expect(verdict.reason == "expected \(other) car>=1, found 0 \(other); and 1 \(predicted)")
            }
            #expect(verdict.explanation.contains("  colour of the top 1: \(predicted); wanted \(colour)"))
        }
    }
}
