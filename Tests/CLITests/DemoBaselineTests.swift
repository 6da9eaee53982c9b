import Foundation
import Formats
import Testing
import TestSupport

/// The demo, run fresh, gated against the committed baselines (reports/baselines/demo-<suite>): no regression
/// (exit 0). A deliberately worsened copy must fail the gate (exit 1), so the gate in CI can fail; a baseline of
/// other items cannot be compared (exit 2).
@Suite(.serialized) struct DemoBaselineTests {
    static let root = FixturePaths.repositoryRoot.path
    static let runs: [(suite: String, args: [String])] = [
        ("pope", ["--data", root + "/suites/demo/pope"]),
        ("mmbench", ["--data", root + "/suites/demo/mmbench/MMBench_demo.tsv"]),
        ("geneval", ["--data", root + "/suites/demo/geneval/evaluation_metadata.jsonl",
                     "--detections", root + "/suites/demo/geneval/detections.jsonl"]),
    ]

    @Test(arguments: ["pope", "mmbench", "geneval"])
    func aFreshDemoRunPassesTheGate(suite: String) throws {
        let dir = FixturePaths.temporaryDirectory("demo-\(suite)")
        let args = Self.runs.first { $0.suite == suite }!.args
        let out = dir.appendingPathComponent("run").path
        let r = try CLIRunner.run(["run", suite, "--model", "demo", "--out", out] + args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("report: \(out)/report.html"))
        let gate = try CLIRunner.run(["gate", "--baseline", Self.root + "/reports/baselines/demo-\(suite)", "--candidate", out,
                                      "--junit", dir.appendingPathComponent("gate.xml").path,
                                      "--summary", dir.appendingPathComponent("summary.md").path])
        #expect(gate.status == 0, "\(gate.stdout)\n\(gate.stderr)")
        let summary = try String(contentsOfFile: dir.appendingPathComponent("summary.md").path, encoding: .utf8)
        #expect(summary.contains("no regression"))
    }

    @Test func aWorsenedCopyFailsTheGate() throws {
        let dir = FixturePaths.temporaryDirectory("demo-worse")
        let baseline = Self.root + "/reports/baselines/demo-geneval/report.json"
        // Every correct image judged wrong: a large, significant drop.
        let doc = try JSONReader.parse(file: baseline)
        guard case .object(var root) = doc.root, case .array(let items)? = root["items"] else { Issue.record("bad baseline"); return }
        var flipped = 0
        root["items"] = .array(items.map { item in
            guard case .object(var o) = item, o["correct"] == .bool(true) else { return item }
            o["correct"] = .bool(false); flipped += 1
            return .object(o)
        })
        #expect(flipped >= 8, "the baseline needs enough correct images to make a significant drop")
        let worse = dir.appendingPathComponent("report.json").path
        try Data(JSONWriter(style: .indented).string(.object(root)).utf8).write(to: URL(fileURLWithPath: worse))
        let gate = try CLIRunner.run(["gate", "--baseline", baseline, "--candidate", worse, "--junit", dir.path + "/gate.xml"])
        #expect(gate.status == 1, "\(gate.stdout)\n\(gate.stderr)")
        #expect(gate.stdout.contains("REGRESSION"))
        let junit = try String(contentsOfFile: dir.path + "/gate.xml", encoding: .utf8)
        #expect(junit.contains("<failure"))
        // Other items: the POPE baseline against the GenEval one cannot be compared.
        let other = try CLIRunner.run(["gate", "--baseline", Self.root + "/reports/baselines/demo-pope", "--candidate", worse])
        #expect(other.status == 2 && other.stderr.contains("cannot compare"))
        let unreadable = try CLIRunner.run(["gate", "--baseline", dir.path + "/nothing.json", "--candidate", worse])
        #expect(unreadable.status == 2)
    }
}
