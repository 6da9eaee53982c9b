import Foundation
import Formats
import Testing
import TestSupport

/// `run fid --model` with the demo model and the demo Inception network, and `gate`'s exit codes on FID reports.
@Suite(.serialized) struct FidRunCommandTests {
    /// A minimal FID run's report.json, as `run fid` writes it (no per-item values).
    static func report(fid: Double, reference: String, in dir: URL, name: String) throws -> String {
        let folder = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let configuration = JSONObject([
            ("schema", .string("janus-eval.run/1")), ("suite", .string("fid")),
            ("rule_set", .object(JSONObject([("id", .string("fid-pytorch-fid-1")), ("reference", .string("pytorch-fid")),
                                             ("settings", .object(JSONObject([("dims", .int(2048))])))]))),
            ("data", .object(JSONObject([("reference", .string("ref.npz")), ("reference_sha256", .string(reference))]))),
            ("items", .object(JSONObject([("count", .int(2)), ("sha256", .string(name))]))),
        ])
        let items: [JSONValue] = ["a.png", "b.png"].enumerated().map { i, id in
            .object(JSONObject([("position", .int(Int64(i))), ("id", .string(id)), ("group", .string(id)), ("correct", .null),
                                ("reason", .string("features computed")), ("fields", .object(JSONObject()))]))
        }
        let report = JSONObject([
            ("schema", .string("janus-eval.report/1")),
            ("run", .object(JSONObject([("configuration", .object(configuration))]))),
            ("metrics", .object(JSONObject([("fid", .object(JSONObject([("value", .double(fid)), ("ci95", .null), ("n", .int(2)),
                                                                      ("higher_is_better", .bool(false))])))]))),
            ("items", .array(items)),
        ])
        try JSONWriter(style: .indented).string(.object(report)).write(to: folder.appendingPathComponent("report.json"), atomically: true, encoding: .utf8)
        return folder.path
    }

    @Test func gateExitCodesOnFIDReports() throws {
        let dir = FixturePaths.temporaryDirectory("gate-fid")
        let base = try Self.report(fid: 10.0, reference: "r1", in: dir, name: "base")
        let worse = try Self.report(fid: 12.5, reference: "r1", in: dir, name: "worse")
        let better = try Self.report(fid: 8.0, reference: "r1", in: dir, name: "better")
        let elsewhere = try Self.report(fid: 10.0, reference: "r2", in: dir, name: "elsewhere")
        let regressed = try CLIRunner.run(["gate", "--baseline", base, "--candidate", worse, "--metric", "fid", "--max-drop", "1"])
        #expect(regressed.status == 1, "\(regressed.stdout)\(regressed.stderr)")
        #expect(regressed.stdout.contains("REGRESSION fid: 10.0000 → 12.5000") && regressed.stdout.contains("judged by --max-drop alone"))
        let withinMargin = try CLIRunner.run(["gate", "--baseline", base, "--candidate", worse, "--metric", "fid", "--max-drop", "3"])
        #expect(withinMargin.status == 0 && withinMargin.stdout.contains("within the margin"))
        #expect(try CLIRunner.run(["gate", "--baseline", base, "--candidate", better, "--max-drop", "0"]).status == 0)
        let summary = dir.appendingPathComponent("summary.md").path
        _ = try CLIRunner.run(["gate", "--baseline", base, "--candidate", worse, "--metric", "fid", "--max-drop", "1", "--summary", summary])
        #expect(try String(contentsOfFile: summary, encoding: .utf8).contains("no per-item pairing"))
        let refused = try CLIRunner.run(["gate", "--baseline", base, "--candidate", elsewhere, "--metric", "fid"])
        #expect(refused.status == 2 && refused.stderr.contains("different references"))
        let compared = try CLIRunner.run(["compare", base, worse])
        #expect(compared.status == 0 && compared.stdout.contains("+2.5000"), "\(compared.stdout)\(compared.stderr)")
    }

    @Test func demoModelAgainstBundledImages() throws {
        let dir = FixturePaths.temporaryDirectory("run-fid-demo")
        let root = FixturePaths.repositoryRoot.path
        let out = dir.appendingPathComponent("run").path
        let arguments = ["run", "fid", "--model", "demo", "--inception-weights", "demo", "--limit", "2", "--samples", "2",
                         "--data", root + "/suites/demo/geneval/evaluation_metadata.jsonl",
                         "--reference", root + "/suites/demo/geneval/images", "--out", out, "--no-cache"]
        let r = try CLIRunner.run(arguments)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("4 image(s) (4 drawn, 0 from the journal) against 48 reference image(s)") && r.stdout.contains("fid: "))
        #expect(r.stderr.contains("meaningless"))
        let run = try JSONReader.parse(file: out + "/run.json").cursor
        #expect(try run.field("configuration").field("source").string("model") == "demo")
        #expect(try run.field("configuration").field("rule_set").field("settings").int("dims") == 512)
        // The same command continues the same run: nothing is drawn again.
        let again = try CLIRunner.run(arguments)
        #expect(again.status == 0 && again.stdout.contains("(0 drawn, 4 from the journal)"), "\(again.stdout)")
        // Neither --images nor --model: a usage error.
        #expect(try CLIRunner.run(["run", "fid", "--reference", out]).status == 2)
    }

    /// The demo's FID (tools/demo: the demo model's GenEval images against the bundled drawn ones, demo Inception
    /// network) gated against the committed baseline: exit 0; a copy whose FID is worse by 1: exit 1.
    @Test func demoFIDPassesItsBaselineAndAWorsenedCopyFails() throws {
        let dir = FixturePaths.temporaryDirectory("demo-fid")
        let root = FixturePaths.repositoryRoot.path
        let out = dir.appendingPathComponent("run").path
        let r = try CLIRunner.run(["run", "fid", "--model", "demo", "--inception-weights", "demo", "--out", out,
                                   "--data", root + "/suites/demo/geneval/evaluation_metadata.jsonl",
                                   "--reference", root + "/suites/demo/geneval/images"])
        #expect(r.status == 0, "\(r.stderr)")
        let baseline = root + "/reports/baselines/demo-fid"
        let gate = try CLIRunner.run(["gate", "--baseline", baseline, "--candidate", out])
        #expect(gate.status == 0, "\(gate.stdout)\n\(gate.stderr)")
        let doc = try JSONReader.parse(file: baseline + "/report.json")
        guard case .object(var report) = doc.root, case .object(var metrics)? = report["metrics"],
              case .object(var fid)? = metrics["fid"], case .double(let value)? = fid["value"] else { Issue.record("bad baseline"); return }
        fid["value"] = .double(value + 1)
        metrics["fid"] = .object(fid)
        report["metrics"] = .object(metrics)
        let worse = dir.appendingPathComponent("worse.json").path
        try Data(JSONWriter(style: .indented).string(.object(report)).utf8).write(to: URL(fileURLWithPath: worse))
        let failed = try CLIRunner.run(["gate", "--baseline", baseline, "--candidate", worse])
        #expect(failed.status == 1 && failed.stdout.contains("REGRESSION fid"), "\(failed.stdout)\n\(failed.stderr)")
    }
}
