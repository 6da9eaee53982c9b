import Foundation
import Formats
import Scorers
import Suites
import Testing
import TestSupport

@Suite struct GenEvalInteropTests {
    @Test func scoresFollowSummaryScores() {
        // two_object: 1 of 2 images; counting: 2 of 3; colors: 0 of 1 → overall (0.5 + 2/3 + 0) / 3.
        let results: [(tag: String, promptKey: String, correct: Bool)] = [
            ("two_object", "p1", true), ("two_object", "p1", false),
            ("counting", "p2", true), ("counting", "p3", true), ("counting", "p3", false),
            ("colors", "p4", false),
        ]
        let s = GenEvalScores(results: results)
        #expect(s.tasks.map(\.tag) == ["two_object", "counting", "colors"])
        #expect(s.tasks.map(\.score) == [0.5, 2.0 / 3.0, 0])
        #expect(abs(s.overall - (0.5 + 2.0 / 3.0) / 3) < 1e-15)
        #expect(s.correctImages == 3.0 / 6.0)
        #expect(s.correctPrompts == 3.0 / 4.0)    // p1, p2, p3 have a correct image; p4 not
        #expect(s.images == 6 && s.prompts == 4)
    }

    @Test func folderLayoutRoundTrip() throws {
        let root = FixturePaths.temporaryDirectory("geneval").path
        let prompts = Array(GenEvalPromptRecipe().prompts().prefix(3))
        try GenEvalImageFolder.writeMetadata(prompts, to: root)
        for name in ["00000.png", "00003.png", "7.png.bak", "grid.png", "x1.png"] {
            try Data().write(to: URL(fileURLWithPath: root + "/00001/samples/" + name))
        }
        try FileManager.default.createDirectory(atPath: root + "/notes", withIntermediateDirectories: true)
        let entries = try GenEvalImageFolder(root: root).entries()
        #expect(entries.map(\.index) == [0, 1, 2])
        #expect(entries.map(\.prompt) == prompts)
        #expect(entries[1].images.map { ($0 as NSString).lastPathComponent } == ["00000.png", "00003.png", "7.png.bak"])
        let metadata = try String(contentsOfFile: root + "/00000/metadata.jsonl", encoding: .utf8)
        #expect(metadata == prompts[0].jsonLine)
        #expect(GenEvalImageFolder.imageName(3) == "00003.png")
    }

    @Test func resultsJSONLRoundTripAndOfficialLines() throws {
        let prompt = GenEvalPromptRecipe().prompts()[0]
        let judgment = try GenEvalJudge().judge(prompt, detections: [prompt.include[0].className: [ObjectDetection(box: [1, 2, 30, 40], score: 0.5)]],
                                                colors: RecordedColorClassifier())
        let result = GenEvalResult(filename: "out/00000/samples/00000.png", prompt: prompt, judgment: judgment)
        #expect(result.correct && result.details == "{\"\(prompt.include[0].className)\": [[1.0, 2.0, 30.0, 40.0, 0.5]]}")
        let path = FixturePaths.temporaryDirectory().appendingPathComponent("results.jsonl").path
        try GenEvalResult.write([result], to: path)
        #expect(try GenEvalResult.read(file: path) == [result])
        // A line as the official evaluator (pandas to_json, records, lines) writes it.
        let official = #"{"filename":"imgs\/00012\/samples\/00001.png","tag":"position","prompt":"a photo of a cat above a tv","correct":false,"reason":"expected cat above target, found left of target","metadata":"{\"tag\": \"position\", \"include\": [{\"class\": \"tv\", \"count\": 1}, {\"class\": \"cat\", \"count\": 1, \"position\": [\"above\", 0]}], \"prompt\": \"a photo of a cat above a tv\"}","details":"{\"tv\": [[1.0, 2.0, 3.0, 4.0, 0.9]]}"}"#
        try Data((official + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let read = try GenEvalResult.read(file: path)
        #expect(read.count == 1 && read[0].filename == "imgs/00012/samples/00001.png" && !read[0].correct)
        let record = try GenEvalPrompt(try JSONReader.parse(Data(read[0].metadata.utf8), file: "m").cursor)
        #expect(record.include[1].position == .init(relation: "above", targetGroup: 0))
        #expect(GenEvalResult.scores(read).overall == 0)
    }

    @Test func badMetadataNamesTheFile() throws {
        let root = FixturePaths.temporaryDirectory("geneval-bad").path
        try FileManager.default.createDirectory(atPath: root + "/00000/samples", withIntermediateDirectories: true)
        try Data(#"{"tag": "counting", "include": [{"class": "dog"}], "prompt": "x"}"#.utf8).write(to: URL(fileURLWithPath: root + "/00000/metadata.jsonl"))
        let error = #expect(throws: (any Error).self) { try GenEvalImageFolder(root: root).entries() }
        #expect("\(error!)".contains("00000/metadata.jsonl") && "\(error!)".contains("include[0].count"))
    }
}
