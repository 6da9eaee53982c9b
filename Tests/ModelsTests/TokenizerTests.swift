import Foundation
import Formats
import Models
import Testing
import TestSupport

/// The DeepSeek-LLM tokenizer (the real 102,400-entry file) against the `tokenizers` library on 1,100 strings.
@Suite struct TokenizerTests {
    static let tokenizer = try! BPETokenizer(file: FixturePaths.path("tokenizer/tokenizer.json"))
    static let fixture = try! JSONReader.parse(file: FixturePaths.path("tokenizer/strings.json")).cursor

    @Test func idsEqualTheTokenizersLibraryAndRoundTrip() throws {
        let cases = try Self.fixture.array("cases")
        #expect(cases.count >= 1000)
        var mismatches = 0, roundTripFailures = 0
        for c in cases {
            let text = try c.string("text")
            let want = try c.array("ids").map { try $0.asInt() }, wantBOS = try c.array("ids_bos").map { try $0.asInt() }
            let got = Self.tokenizer.encode(text), gotBOS = Self.tokenizer.encode(text, addBOS: true)
            if got != want || gotBOS != wantBOS {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\"\(text.debugDescription)\": ours \(got), tokenizers \(want)") }
            }
            // Round trip: the added BOS is dropped; special tokens written in the text itself are kept.
            let back = Self.tokenizer.decode(Array(gotBOS.dropFirst()), skipSpecialTokens: false)
            if back != text { roundTripFailures += 1; if roundTripFailures <= 5 { Issue.record("round trip of \(text.debugDescription) gave \(back.debugDescription)") } }
        }
        print("tokenizer: \(cases.count - mismatches) of \(cases.count) strings give the tokenizers library's ids; \(cases.count - roundTripFailures) round-trip")
        #expect(mismatches == 0 && roundTripFailures == 0)
    }

    @Test func specialTokensByString() throws {
        #expect(Self.tokenizer.bosID == 100_000)
        #expect(try Self.tokenizer.requireID(of: "<｜end▁of▁sentence｜>") == 100_001)
        #expect(Self.tokenizer.encode("Hello, how are you?", addBOS: true) == [100000, 17464, 11, 946, 418, 340, 30])
        #expect(throws: TokenizerError.unknownToken("<image_placeholder>")) { try Self.tokenizer.requireID(of: "<image_placeholder>") }
        // Ids past the tokenizer (the LLM has 102,400 output rows) decode to nothing.
        #expect(Self.tokenizer.decode([17464, 250_000, -1, 11]) == "Hello,")
    }

    /// The Janus tags, added at the filler ids as the Janus tokenizers have them, are matched as single tokens.
    @Test func janusVariant() throws {
        var doc = try JSONReader.parse(file: FixturePaths.path("tokenizer/tokenizer.json"))
        let renames = try Self.fixture.object("janus_tokens").entries().map { (Int($0.key)!, try $0.value.asString()) }
        guard case .object(var root) = doc.root, case .array(var added)? = root["added_tokens"] else { Issue.record("bad fixture"); return }
        for (i, entry) in added.enumerated() {
            guard case .object(var o) = entry, case .int(let id)? = o["id"], let name = renames.first(where: { $0.0 == Int(id) })?.1 else { continue }
            o["content"] = .string(name); o["special"] = .bool(true); o["normalized"] = .bool(false)
            added[i] = .object(o)
        }
        root["added_tokens"] = .array(added)
        doc = JSONDocument(file: doc.file, root: .object(root))
        let janus = try BPETokenizer(document: doc)
        #expect(try janus.requireID(of: "<image_placeholder>") == 100_581)
        for c in try Self.fixture.array("janus_variant") {
            let text = try c.string("text")
            #expect(janus.encode(text, addBOS: true) == (try c.array("ids_bos").map { try $0.asInt() }), "\(text.debugDescription)")
        }
    }

    @Test func malformedFilesAreClearErrors() throws {
        let dir = FixturePaths.temporaryDirectory()
        func load(_ text: String) -> String {
            let url = dir.appendingPathComponent("tokenizer.json")
            try! text.write(to: url, atomically: true, encoding: .utf8)
            do { _ = try BPETokenizer(file: url.path); return "no error" } catch { return "\(error)" }
        }
        #expect(load(#"{"model": {"type": "BPE", "merges": []}, "added_tokens": []}"#).contains("missing field model.vocab"))
        #expect(load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]}, "added_tokens": []}"#).contains("model.merges[0] is not a pair"))
        #expect(load(#"{"model": {"type": "Unigram", "vocab": {}}}"#).contains("only BPE"))
        #expect(load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "added_tokens": [], "pre_tokenizer": {"type": "Metaspace"}}"#).contains("pre-tokenizer Metaspace"))
        #expect(load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "added_tokens": [], "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(?i)abc"}, "behavior": "Isolated", "invert": false}}"#).contains("not one of the forms"))
        #expect(load(#"{"model": {"type": "BPE", "vocab": {"#).contains("tokenizer.json:1:"))
    }

    @Test func encodesAMegabyte() throws {
        // ~1 MB of mixed text (timed properly by `janus-bench tokenizer`; printed here for a glance).
        let pieces = try Self.fixture.array("cases").map { try $0.string("text") }
        var text = ""
        while text.utf8.count < 1_000_000 { text += pieces.joined(separator: " ") }
        let tokenizer = BPETokenizer.fresh
        let start = ContinuousClock.now
        let ids = tokenizer.encode(text)
        let elapsed = ContinuousClock.now - start
        print("tokenizer: \(text.utf8.count) bytes → \(ids.count) ids in \(elapsed)")
        #expect(ids.count > 100_000)
    }
}

extension BPETokenizer {
    /// An instance with an empty word cache, for timing.
    static var fresh: BPETokenizer { try! BPETokenizer(file: FixturePaths.path("tokenizer/tokenizer.json")) }
}
