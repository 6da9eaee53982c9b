import Foundation
import Formats
import Testing
import TestSupport

/// `run geneval --model demo-janusflow`: JanusFlow images judged on the demo detections, the noise saved per prompt
/// and replayed with --init-noise-dir (issue 17).
@Suite struct JanusFlowRunTests {
    static let root = FixturePaths.repositoryRoot.path
    static let suiteArgs = ["--data", root + "/suites/demo/geneval/evaluation_metadata.jsonl",
                            "--detections", root + "/suites/demo/geneval/detections.jsonl", "--limit", "8", "--steps", "2"]

    @Test func aGenEvalRunReplaysFromItsSavedNoise() throws {
        let first = FixturePaths.temporaryDirectory("flow-run").path + "/run"
        let r = try CLIRunner.run(["run", "geneval", "--model", "demo-janusflow", "--save-noise", "--out", first] + Self.suiteArgs)
        #expect(r.status == 0, "\(r.stderr)")
        let saved = try NPYFile.read(file: first + "/noise/00001.npy")
        #expect(saved.elementType == .f4 && saved.shape == [4, 4, 16, 16])
        let run = try String(contentsOfFile: first + "/run.json", encoding: .utf8)
        #expect(run.contains("\"steps\": 2") && run.contains("\"cfg\": 2.0") && run.contains("noise_generator"))
        // Another seed, but the saved noise: the same images.
        let again = FixturePaths.temporaryDirectory("flow-run-replay").path + "/run"
        let replay = try CLIRunner.run(["run", "geneval", "--model", "demo-janusflow", "--seed", "41", "--init-noise-dir", first + "/noise",
                                        "--out", again] + Self.suiteArgs)
        #expect(replay.status == 0, "\(replay.stderr)")
        for group in ["00000", "00001"] { for k in 0..<4 {
            let name = "/images/\(group)/samples/0000\(k).png"
            #expect(FileManager.default.contents(atPath: first + name) == FileManager.default.contents(atPath: again + name), "\(name)")
        } }
        // A noise folder without the prompt's file fails those items, naming the file.
        let empty = FixturePaths.temporaryDirectory("flow-run-empty").path
        let bad = try CLIRunner.run(["run", "geneval", "--model", "demo-janusflow", "--init-noise-dir", empty,
                                     "--out", FixturePaths.temporaryDirectory("flow-run-bad").path + "/run"] + Self.suiteArgs)
        #expect(bad.status == 1 && bad.stdout.contains("00000.npy"), "\(bad.stdout)\(bad.stderr)")
        let janus = try CLIRunner.run(["run", "geneval", "--model", "demo", "--save-noise",
                                       "--out", FixturePaths.temporaryDirectory("flow-run-janus").path + "/run"] + Self.suiteArgs)
        #expect(janus.status == 2 && janus.stderr.contains("apply to flow models"), "\(janus.stderr)")
    }
}
