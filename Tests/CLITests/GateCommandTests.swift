import Foundation
import Testing
import TestSupport

/// `janus-eval gate` end to end with its exit codes: 0 identical runs and a tiny insignificant drop, 1 a significant
/// drop, 2 other items, a missing metric, zero comparable items, an unreadable report.
@Suite(.serialized) struct GateCommandTests {
    static let perSplit = 200

    /// POPE question files (three splits) and a run over answers right except where `wrong(q)`; returns the run folder.
    static func run(_ dir: URL, _ name: String, limit: Int? = nil, wrong: (Int) -> Bool) throws -> String {
        let data = dir.appendingPathComponent("data")
        if !FileManager.default.fileExists(atPath: data.path) {
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            for split in ["random", "popular", "adversarial"] {
                let lines = (1...perSplit).map { q in
                    #"{"question_id": \#(q), "image": "img\#(q / 2).png", "text": "Is there a thing \#(q)?", "label": "\#(q % 2 == 0 ? "yes" : "no")"}"#
                }
                try (lines.joined(separator: "\n") + "\n").write(to: data.appendingPathComponent("coco_pope_\(split).json"), atomically: true, encoding: .utf8)
            }
        }
        var args = ["run", "pope", "--data", data.path, "--out", dir.appendingPathComponent(name).path]
        for split in ["random", "popular", "adversarial"] {
            let lines = (1...perSplit).map { q in
                let yes = q % 2 == 0
                return #"{"question_id": \#(q), "text": "\#((yes != wrong(q)) ? "Yes" : "No")"}"#
            }
            let file = dir.appendingPathComponent("\(name)-\(split).jsonl")
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            args += ["--answers", file.path]
        }
        if let limit { args += ["--limit", String(limit)] }
        let r = try CLIRunner.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        return dir.appendingPathComponent(name).path
    }

    @Test func exitCodes() throws {
        let dir = FixturePaths.temporaryDirectory("gate-cli")
        let base = try Self.run(dir, "base") { $0 % 10 == 0 }
        let same = try Self.run(dir, "same") { $0 % 10 == 0 }
        let tiny = try Self.run(dir, "tiny") { $0 % 10 == 0 || $0 == 3 }
        let worse = try Self.run(dir, "worse") { $0 % 10 == 0 || $0 % 3 == 1 }
        let fewer = try Self.run(dir, "fewer", limit: 300) { $0 % 10 == 0 }
        func gate(_ a: String, _ b: String, _ extra: [String] = []) throws -> CLIRunner.Result {
            try CLIRunner.run(["gate", "--baseline", a, "--candidate", b] + extra)
        }
        let identical = try gate(base, same)
        #expect(identical.status == 0 && identical.stdout.contains("gate: no regression"), "\(identical.stdout)")
        let small = try gate(base, tiny, ["--max-drop", "0"])
        #expect(small.status == 0, "\(small.stdout)")
        #expect(small.stdout.contains("not significant"))
        let drop = try gate(base, worse, ["--junit", dir.path + "/gate.xml", "--summary", dir.path + "/summary.md"])
        #expect(drop.status == 1 && drop.stdout.contains("REGRESSION random/accuracy"), "\(drop.stdout)")
        #expect(try String(contentsOfFile: dir.path + "/gate.xml", encoding: .utf8).contains("<failure"))
        #expect(try String(contentsOfFile: dir.path + "/summary.md", encoding: .utf8).contains("**regression**"))
        let other = try gate(base, fewer)
        #expect(other.status == 2 && other.stderr.contains("different items"), "\(other.stderr)")
        let missing = try gate(base, same, ["--metric", "circular/overall"])
        #expect(missing.status == 2 && missing.stderr.contains("circular/overall"))
        // Zero comparable items: every item of both runs failed (answers for images that cannot be read are not
        // needed here: a report with no scored items).
        let empty = dir.appendingPathComponent("empty.json").path
        var report = try String(contentsOfFile: base + "/report.json", encoding: .utf8)
        if let items = report.range(of: "\"items\": [") {
            report = String(report[..<items.lowerBound]) + "\"items\": []\n}\n"
        }
        try report.write(toFile: empty, atomically: true, encoding: .utf8)
        let none = try gate(empty, empty)
        #expect(none.status == 2 && none.stderr.contains("no comparable items"), "\(none.stderr)")
        let unreadable = try gate(dir.path + "/nothing", same)
        #expect(unreadable.status == 2 && unreadable.stderr.contains("unreadable report"))
    }

    @Test func compareShowsDifferencesAndFlips() throws {
        let dir = FixturePaths.temporaryDirectory("compare-cli")
        let a = try Self.run(dir, "a") { $0 % 10 == 0 }
        let b = try Self.run(dir, "b") { $0 % 10 == 0 || $0 % 3 == 1 }
        let r = try CLIRunner.run(["compare", a, b, "--json", dir.path + "/c.json", "--html", dir.path + "/c.html"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("pooled/f1") && r.stdout.contains("right only in [0]"))
        let json = try String(contentsOfFile: dir.path + "/c.json", encoding: .utf8)
        #expect(json.contains("\"test\": \"mcnemar-midp\"") && json.contains("\"lost\""))
        #expect(try String(contentsOfFile: dir.path + "/c.html", encoding: .utf8).contains("lost"))
        let fewer = try Self.run(dir, "fewer", limit: 100) { $0 % 10 == 0 }
        let refused = try CLIRunner.run(["compare", a, fewer])
        #expect(refused.status == 2 && refused.stderr.contains("different items"))
    }
}
