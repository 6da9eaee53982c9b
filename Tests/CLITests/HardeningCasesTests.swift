import Foundation
import Testing
import TestSupport

/// Issue 12's cases that are not token limits: each bad input ends with the exit code and a message naming what is
/// wrong (they used to be silently ignored, answered with "", or dumped Foundation errors).
@Suite struct HardeningCasesTests {
    static let folder = FixturePaths.path("janus/pro-tiny")
    static let image = FixturePaths.path("janus/images/wide.png")
    static let env = ["PATH": "/usr/bin:/bin"]

    @Test func threadCountsFromTheEnvironmentAreCheckedLikeTheOption() throws {
        for bad in ["abc", "0", "-3", ""] {
            let r = try CLIRunner.run(["ask", "--weights", Self.folder, "--image", Self.image, "q"],
                                      environment: Self.env.merging(["JANUS_EVAL_THREADS": bad]) { $1 })
            #expect(r.status == 64 && r.stderr.contains("$JANUS_EVAL_THREADS must be a whole number of threads, at least 1, not '\(bad)'"),
                    "\(bad): \(r.stderr)")
        }
        let r = try CLIRunner.run(["ask", "--weights", Self.folder, "--image", Self.image, "--threads", "1000", "--max-new-tokens", "2", "q"])
        #expect(r.status == 0 && r.stderr.contains("--threads 1000 is more than the"), "\(r.stderr)")
    }

    @Test func decodingIdsOutsideTheVocabularyIsAnError() throws {
        let tokenizer = Self.folder + "/tokenizer.json"
        for bad in ["99999999", "-1"] {
            let r = try CLIRunner.run(["tokenize", "--tokenizer", tokenizer, "--decode"], stdin: "[[5, \(bad)]]")
            #expect(r.status == 1 && r.stderr.contains("<stdin>[0][1]: id \(bad) is not a token of this tokenizer (ids are 0…"), "\(r.stderr)")
        }
        let ok = try CLIRunner.run(["tokenize", "--tokenizer", tokenizer, "--decode"], stdin: "[[5, 6]]")
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    /// A copy of the tiny checkpoint whose config.json is changed by `edit` (or replaced by a folder).
    func checkpoint(_ name: String, edit: ((inout [String: Any]) -> Void)?) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hardening-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.copyItem(atPath: Self.folder, toPath: dir.path)
        let config = dir.appendingPathComponent("config.json")
        if let edit {
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: config)) as! [String: Any]
            edit(&json)
            try JSONSerialization.data(withJSONObject: json).write(to: config)
        } else {
            try FileManager.default.removeItem(at: config)
            try FileManager.default.createDirectory(at: config, withIntermediateDirectories: false)
        }
        return dir.path
    }

    @Test func configErrorsNameTheFieldWithoutFoundationDumps() throws {
        func language(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
            { json in var l = json["language_config"] as! [String: Any]; l[key] = value; json["language_config"] = l }
        }
        let cases: [(String, ((inout [String: Any]) -> Void)?, String)] = [
            ("heads0", language("num_attention_heads", 0), "language_config.num_attention_heads is 0; expected 1…1024"),
            ("hidden-64", language("hidden_size", -64), "language_config.hidden_size is -64; expected 1…65536"),
            ("layers-1", language("num_hidden_layers", -1), "language_config.num_hidden_layers is -1; expected 1…1024"),
            ("string", language("hidden_size", "big"), "field language_config.hidden_size: expected Int"),
            ("null", language("hidden_size", NSNull()), "field language_config.hidden_size is null; expected Int"),
            ("folder", nil, "config.json: cannot read (is a folder, expected a file)"),
        ]
        for (name, edit, message) in cases {
            let dir = try checkpoint(name, edit: edit)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let r = try CLIRunner.run(["ask", "--weights", dir, "--image", Self.image, "q"])
            #expect(r.status == 1 && r.stderr.contains(message) && !r.stderr.contains("NSCocoaErrorDomain")
                    && !r.stderr.contains("DecodingError"), "\(name): \(r.stderr)")
        }
    }

    @Test func outputPlacesAreCheckedFirstAndExplained() throws {
        let r = try CLIRunner.run(["generate", "--weights", Self.folder, "--out", "/proc/janus-eval-nope/x", "a cat"])
        #expect(r.status == 1 && r.stderr.contains("/proc/janus-eval-nope/x: cannot create the folder: cannot create /proc/janus-eval-nope: no such file or directory"),
                "\(r.stderr)")
        #expect(!r.stderr.contains("The operation could not be completed"))
    }

    @Test func requestsBeyondTheMemoryBudgetAreRefusedBeforeAllocating() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hardening-mem-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try CLIRunner.run(["generate", "--weights", Self.folder, "--out", out, "a cat"],
                                  environment: Self.env.merging(["JANUS_EVAL_MEMORY_LIMIT": "1M"]) { $1 })
        #expect(r.status == 1 && r.stderr.contains("generating 4 images (8 guidance rows; KV cache")
                && r.stderr.contains("is available ($JANUS_EVAL_MEMORY_LIMIT)"), "\(r.stderr)")
        let bad = try CLIRunner.run(["generate", "--weights", Self.folder, "--out", out, "a cat"],
                                    environment: Self.env.merging(["JANUS_EVAL_MEMORY_LIMIT": "lots"]) { $1 })
        #expect(bad.status == 64 && bad.stderr.contains("$JANUS_EVAL_MEMORY_LIMIT must be a size in bytes"), "\(bad.stderr)")
    }
}
