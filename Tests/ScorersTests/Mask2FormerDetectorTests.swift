import Foundation
import Formats
import Scorers
import Testing
import TestSupport

/// The GenEval detector around the network: weights found as the contracts say, raw detections per class name.
@Suite struct Mask2FormerDetectorTests {
    static let folder = FixturePaths.path("mask2former/tiny")

    @Test func detectionsPerClassAreTheInstancesByName() throws {
        let detector = try Mask2FormerDetector(weights: Self.folder, labels: [])
        let image = try ImageDecoder.read(file: Self.folder + "/drawn_61x45.png")
        var small = detector
        small.maxPerImage = 20
        let detections = try small.detect(image)
        let doc = try JSONReader.parse(file: Self.folder + "/expected_instances.json")
        let expected = try doc.cursor.array("cases")[0].array("instances")
        let names = detector.model.config.labels
        var wanted: [String: [(box: [Double], score: Double)]] = [:]
        for e in expected {
            wanted[names[try e.int("label")], default: []].append((try e.array("box").map { Double(try $0.asInt()) }, try e.double("score")))
        }
        #expect(Set(detections.keys) == Set(wanted.keys))
        for (name, list) in detections {
            let want = wanted[name] ?? []
            #expect(list.count == want.count, "\(name)")
            for (got, w) in zip(list, want) {
                #expect(got.box == w.box, "\(name)")
                #expect(abs(got.score - w.score) <= 1e-5 * max(w.score, 1e-3), "\(name)")
                #expect(got.mask?.count == 61 * 45)
            }
            #expect(zip(list, list.dropFirst()).allSatisfy { $0.score >= $1.score }, "\(name) sorted by score")
        }
    }

    @Test func mmdetFileLoadsWithTheGivenClassNamesAndSizesFromItsKeys() throws {
        // The tiny .pth is not Swin-S sized: building it at the Swin-S config must fail naming a tensor shape.
        #expect(throws: LoadingError.self) {
            _ = try Mask2FormerDetector(weights: Self.folder + "/mmdet_layout.pth", labels: ["person"])
        }
        // A Hugging Face safetensors file alone is refused (its folder with config.json is the way to give it).
        #expect(throws: Mask2FormerError.self) {
            _ = try Mask2FormerDetector(weights: Self.folder + "/model.safetensors", labels: [])
        }
    }

    @Test func weightsAreFoundByOptionThenEnvironmentThenCache() throws {
        #expect(try Mask2FormerDetector.locateWeights(option: "/x.pth", environment: [Mask2FormerDetector.environmentVariable: "/y"]) == "/x.pth")
        #expect(try Mask2FormerDetector.locateWeights(option: nil, environment: [Mask2FormerDetector.environmentVariable: "/y"]) == "/y")
        let home = FixturePaths.temporaryDirectory("m2f-cache").path
        let snapshot = home + "/hub/models--facebook--mask2former-swin-small-coco-instance/snapshots/abc123"
        try FileManager.default.createDirectory(atPath: snapshot, withIntermediateDirectories: true)
        do {
            _ = try Mask2FormerDetector.locateWeights(option: nil, environment: ["HF_HOME": home])
            Issue.record("an empty snapshot must not count")
        } catch let error as Mask2FormerError {
            #expect("\(error)".contains("--detector-weights") && "\(error)".contains("JANUS_EVAL_DETECTOR_WEIGHTS"))
        }
        FileManager.default.createFile(atPath: snapshot + "/config.json", contents: Data("{}".utf8))
        #expect(try Mask2FormerDetector.locateWeights(option: nil, environment: ["HF_HOME": home]) == snapshot)
    }
}
