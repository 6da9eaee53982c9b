import Foundation
import Formats
import Scorers
import Suites
import Testing
import TestSupport

/// GenEvalSuite on outputs that carry their image: a detection's recorded colour is kept, one without is read by the
/// image classifier (and the record says which), without either the item fails with the clear reason; CLIPScore
/// per image and its mean as the metric `clipscore` (higher is better), aggregated from records alone.
@Suite struct GenEvalImageOutputTests {
    /// Names every object "blue", and counts what it was asked.
    final class Blue: ImageColorClassifier, @unchecked Sendable {
        var asked = 0
        func colors(of objects: [ObjectDetection], className: String, in image: RGBImage) throws -> [String] {
            asked += objects.count
            return objects.map { _ in "blue" }
        }
    }

    static let prompt = GenEvalPrompt(tag: "color_attr", include: [.init(className: "car", count: 1, color: "red"),
                                                                   .init(className: "bench", count: 1, color: "blue")],
                                      prompt: "a photo of a red car and a blue bench")

    @Test func recordedColoursFirstThenTheImageClassifier() throws {
        let blue = Blue()
        var suite = GenEvalSuite(prompts: [Self.prompt], samples: 1)
        suite.imageColors = blue
        let item = suite.items[0]
        let image = RGBImage(width: 8, height: 8, fill: (10, 20, 30))
        let detections = ["car": [ObjectDetection(box: [0, 0, 4, 4], score: 0.9, colorHint: "red")],
                          "bench": [ObjectDetection(box: [4, 4, 8, 8], score: 0.8, mask: [Bool](repeating: true, count: 64))]]
        let record = try suite.score(item, output: .detectionsOnImage(detections, image: image))
        #expect(record.correct == true, "\(record.reason)")
        #expect(blue.asked == 1)   // only the bench had no colour
        guard case .object(let colours)? = record.fields["colors"],
              case .array(let car)? = colours["car"], case .object(let c)? = car.first,
              case .array(let bench)? = colours["bench"], case .object(let b)? = bench.first else {
            Issue.record("no colours recorded: \(record.fields)"); return
        }
        #expect(c["color"] == .string("red") && c["by"] == .string("recorded"))
        #expect(b["color"] == .string("blue") && b["by"] == .string("clip, masked crop"))
        #expect(record.fields["colors_without_masks"] == nil)

        // Without a mask the box is read, and the record says so.
        var unmasked = detections
        unmasked["bench"]![0].mask = nil
        let boxRecord = try suite.score(item, output: .detectionsOnImage(unmasked, image: image))
        #expect(boxRecord.fields["colors_without_masks"] == .bool(true))

        // Without the image (or a classifier) a missing colour is the clear error, never a guess.
        #expect(throws: DetectionError.self) { try suite.score(item, output: .detections(detections)) }
    }

    @Test func clipScoreIsAMetricFromRecords() throws {
        let model = try CLIPModel(folder: FixturePaths.path("clip/tiny"))
        var suite = GenEvalSuite(prompts: [GenEvalPrompt(tag: "single_object", include: [.init(className: "car", count: 1)], prompt: "a photo of a car")],
                                 samples: 2)
        suite.clipScore = CLIPScore(model: model)
        let images = [RGBImage(width: 16, height: 12, fill: (200, 30, 30)), RGBImage(width: 12, height: 16, fill: (30, 30, 200))]
        let records = try zip(suite.items, images).map { item, image in
            try suite.score(item, output: .detectionsOnImage(["car": [ObjectDetection(box: [1, 1, 9, 9], score: 0.9)]], image: image))
        }
        // One image at a time, as the suite scores them (a batch of two sums in another order: equal to f32 rounding).
        let expected = try images.map { try CLIPScore(model: model).scores(images: [$0], prompts: ["a photo of a car"])[0] }
        #expect(records.map { $0.fields["clipscore"] } == expected.map { .double($0) })
        let metric = try #require(GenEvalSuite.aggregate(records).first { $0.id == "clipscore" })
        #expect(metric.value == (expected[0] + expected[1]) / 2 && metric.n == 2)
        #expect(GenEvalSuite.metrics(for: records).contains { $0.id == "clipscore" && $0.higherIsBetter == true })
        // Records without CLIPScore (a run on recorded colours) have no such metric.
        let plain = GenEvalSuite(prompts: suite.prompts, samples: 2)
        let without = try plain.score(plain.items[0], output: .detections(["car": [ObjectDetection(box: [1, 1, 9, 9], score: 0.9)]]))
        #expect(!GenEvalSuite.metrics(for: [without]).contains { $0.id == "clipscore" })
        #expect(!GenEvalSuite.aggregate([without]).contains { $0.id == "clipscore" })
    }
}
