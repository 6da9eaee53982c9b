import Foundation
import Formats
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

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

    /// `--batch-images` (cross-prompt batching) changes no image and no record: one prompt at a time and three prompts
    /// per guidance batch give the same PNG bytes and the same items.jsonl; run.json records what was chosen.
    @Test func batchingPromptsChangesNoImage() throws {
        let dir = FixturePaths.temporaryDirectory("geneval-batch")
        func run(_ batch: String) throws -> String {
            let out = dir.appendingPathComponent("run-\(batch)").path
            let r = try CLIRunner.run(["run", "geneval", "--model", "demo", "--data", Self.metadata, "--samples", "2", "--limit", "10",
                                       "--detector-weights", "demo", "--clip-weights", "demo", "--batch-images", batch, "--out", out])
            #expect(r.status == 0, "\(r.stderr)")
            return out
        }
        let one = try run("2"), three = try run("6")
        for p in 0..<5 { for k in 0..<2 {
            let image = String(format: "/images/%05d/samples/%05d.png", p, k)
            #expect(FileManager.default.contents(atPath: one + image) == FileManager.default.contents(atPath: three + image), "\(image)")
        } }
        func items(_ folder: String) throws -> [String] {
            try String(contentsOfFile: folder + "/items.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        }
        #expect(try items(one) == (try items(three)))
        let run = try JSONReader.parse(file: three + "/run.json").cursor
        #expect(try run.object("environment").int("batch_prompts") == 3)
        #expect(try run.object("environment").string("batch_reason") == "--batch-images 6")
        #expect(try JSONReader.parse(file: one + "/run.json").cursor.string("config_digest") == (try run.string("config_digest")))
    }

    /// Killed with SIGKILL at random moments while detecting, and rerun: detections.jsonl holds each image once and
    /// equals an uninterrupted run's byte for byte (one thread: the detector is then reproducible), and so does the report.
    @Test func killedWhileDetectingThenTheSameFiles() throws {
        let dir = FixturePaths.temporaryDirectory("geneval-kill")
        let arguments = ["run", "geneval", "--data", Self.metadata, "--images", Self.root + "/suites/demo/geneval/images", "--limit", "12",
                         "--detector-weights", "demo", "--clip-weights", "demo", "--threads", "1"]
        let reference = dir.appendingPathComponent("reference").path
        let start = Date()
        #expect(try CLIRunner.run(arguments + ["--out", reference]).status == 0)
        let duration = Date().timeIntervalSince(start)
        let killed = dir.appendingPathComponent("killed").path
        var kills = 0, attempts = 0
        var rng = SystemRandomNumberGenerator()
        while kills < 4 && attempts < 20 {
            attempts += 1
            let process = Process()
            process.executableURL = CLIRunner.binary
            process.arguments = arguments + ["--out", killed]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(Double.random(in: 0.3...max(0.5, duration), using: &rng) * 1e6))
            if process.isRunning { kill(process.processIdentifier, SIGKILL); kills += 1 }
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus == 0 { try? FileManager.default.removeItem(atPath: killed) }
        }
        #expect(kills == 4)
        #expect(try CLIRunner.run(arguments + ["--out", killed]).status == 0)
        let lines = try String(contentsOfFile: killed + "/detections.jsonl", encoding: .utf8).split(separator: "\n")
        let images = try lines.map { try JSONReader.parse(Data($0.utf8), file: "detections.jsonl").cursor.string("image") }
        #expect(images.count == 12 && Set(images).count == 12)
        #expect(try String(contentsOfFile: killed + "/detections.jsonl", encoding: .utf8)
                == String(contentsOfFile: reference + "/detections.jsonl", encoding: .utf8))
        #expect(try StableReport.of(folder: killed) == StableReport.of(folder: reference))
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
