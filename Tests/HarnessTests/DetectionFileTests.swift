import Foundation
import Formats
import Harness
import Scorers
import Suites
import Testing
import TestSupport

/// --detections reads raw detections and GenEval's own results.jsonl (already filtered, no colours): re-judging
/// GenEval's kept boxes gives GenEval's verdicts where no colour is asked, and a colour clause without a colour is
/// a failed item with that reason, never a guess.
@Suite struct DetectionFileTests {
    @Test func genevalsOwnResultsFileRejudgesTheSame() throws {
        let root = FixturePaths.repositoryRoot.appendingPathComponent("suites/demo/geneval").path
        let suite = try GenEvalSuite(options: SuiteOptions(data: root + "/evaluation_metadata.jsonl"))
        let raw = try DetectionFileOutputs(file: root + "/detections.jsonl")
        var lines = ""
        var verdicts: [String: ItemRecord] = [:]
        for item in suite.items {
            guard case .success(let output)? = raw.outputs(for: [item], group: item.group, groupIndex: 0)[item.id] else {
                Issue.record("no detections for \(item.id)"); continue
            }
            let record = try suite.score(item, output: output)
            verdicts[item.id] = record
            let line = JSONObject([("filename", .string("outputs/" + record.string("filename"))), ("tag", .string(record.string("tag"))),
                                   ("correct", .bool(record.correct == true)), ("details", .string(record.string("details")))])
            lines += JSONWriter(style: .compact).string(.object(line)) + "\n"
        }
        let dir = FixturePaths.temporaryDirectory("results")
        let file = dir.appendingPathComponent("results.jsonl").path
        try lines.write(toFile: file, atomically: true, encoding: .utf8)
        let replay = try DetectionFileOutputs(file: file)
        #expect(replay.configuration["format"] == .string("geneval results.jsonl (already filtered, no colours)"))
        var same = 0, colourFailures = 0
        for item in suite.items {
            let prompt = suite.prompts[Int(item.group)!]
            guard case .success(let output)? = replay.outputs(for: [item], group: item.group, groupIndex: 0)[item.id] else {
                Issue.record("no replayed detections for \(item.id)"); continue
            }
            let needsColour = prompt.include.contains { $0.color != nil }
            do {
                let record = try suite.score(item, output: output)
                #expect(record.correct == verdicts[item.id]!.correct, "\(item.id)")
                same += 1
            } catch let error as DetectionError {
                #expect(needsColour, "\(item.id): \(error)")
                colourFailures += 1
            }
        }
        #expect(same >= 24 && colourFailures > 0)
    }

    @Test(arguments: [
        (#"{"image": "cat.png", "detections": {}}"#, "is not <NNNNN>/samples/<k>.png"),
        (#"{"image": "00000/samples/00000.png", "detections": {"dog": [[1, 2, 3, 4]]}}"#, "has 4 values"),
        (#"{"image": "00000/samples/00000.png", "detections": {"dog": [[1, 2, 3, 4, "high"]]}}"#, "dog"),
        (#"{"image": "00000/samples/00000.png", "detections": {}}"# + "\n" + #"{"image": "00000/samples/0.png", "detections": {}}"#, "a second line"),
        (#"{"filename": "x/00000/samples/00000.png", "details": "{\"dog\": [[1, 2]]}"}"#, "not [x1, y1, x2, y2, score]"),
    ])
    func malformedDetectionsNameTheLine(text: String, expected: String) throws {
        let file = FixturePaths.temporaryDirectory("bad-detections").appendingPathComponent("detections.jsonl").path
        try (text + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: (any Error).self) { _ = try DetectionFileOutputs(file: file) }
        let message = "\(try #require(error))"
        #expect(message.contains("detections.jsonl") && message.contains(expected), "\(message)")
    }
}
