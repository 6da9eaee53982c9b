import Foundation
import Formats
import Testing
import TestSupport

/// `run geneval --model NAME` without --detections: generate, detect, classify colours, judge — here with the demo
/// model and the bundled tiny random scorers (`demo`) — and the "how to get it" refusal before any generation
/// when the detector weights are missing.
@Suite struct GenEvalScorerRunTests {
    static let root = FixturePaths.repositoryRoot.path
    static let metadata = root + "/suites/demo/geneval/evaluation_metadata.jsonl"

    @Test func theDemoModelIsScoredByTheBundledScorers() throws {
        let dir = FixturePaths.temporaryDirectory("geneval-scorers")
        let out = dir.appendingPathComponent("run").path
        let r = try CLIRunner.run(["run", "geneval", "--model", "demo", "--data", Self.metadata, "--samples", "1", "--limit", "3",
                                   "--detector-weights", "demo", "--clip-weights", "demo", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("clipscore"))
        var lines = 0
        try JSONLinesReader.forEachLine(file: out + "/detections.jsonl") { _, doc in
            lines += 1
            let image = try doc.cursor.string("image")
            #expect(image == String(format: "%05d/samples/00000.png", lines - 1))
        }
        #expect(lines == 3)
        #expect(FileManager.default.fileExists(atPath: out + "/images/00002/samples/00000.png"))
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.components(separatedBy: "data:image/png;base64,").count - 1 == 3)
    }

    @Test func missingDetectorWeightsAreRefusedBeforeGenerating() throws {
        let dir = FixturePaths.temporaryDirectory("geneval-no-detector")
        let out = dir.appendingPathComponent("run").path
        let env = ProcessInfo.processInfo.environment.merging(["HF_HOME": dir.path, "JANUS_EVAL_DETECTOR_WEIGHTS": ""]) { $1 }
        let r = try CLIRunner.run(["run", "geneval", "--model", "demo", "--data", Self.metadata, "--limit", "1", "--out", out], environment: env)
        #expect(r.status == 1)
        #expect(r.stderr.contains("--detector-weights PATH") && r.stderr.contains("huggingface-cli download facebook/mask2former-swin-small-coco-instance"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
