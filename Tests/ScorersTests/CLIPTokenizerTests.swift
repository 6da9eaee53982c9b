import Foundation
import Formats
import Scorers
import Testing
import TestSupport

/// CLIP's tokenizer against open_clip's SimpleTokenizer (what GenEval uses) on the same vocabulary
/// (tools/reference/make_clip_fixtures.py): the tiny trained BPE always, the real 49,408-token vocabulary when its
/// files are on this machine.
@Suite struct CLIPTokenizerTests {
    struct Case { let text: String; let ids: [Int]; let ftfyChanges: Bool; let hfFtfy: [Int]?; let hfPlain: [Int]? }

    static func cases(_ file: String) throws -> [Case] {
        try JSONReader.parse(file: FixturePaths.path("clip/" + file)).cursor.array("cases").map { c in
            func ids(_ key: String) throws -> [Int]? {
                let v = try c.field(key)
                return v.isNull ? nil : try v.asArray().map { try $0.asInt() }
            }
            return Case(text: try c.string("text"), ids: try ids("open_clip")!, ftfyChanges: try c.bool("ftfy_changes"),
                        hfFtfy: try ids("hf_ftfy"), hfPlain: try ids("hf_plain"))
        }
    }

    /// Strings where ftfy repairs more than NFC, html entities and whitespace (which this tokenizer does not do).
    static let ftfyOnly: Set<String> = ["ﬁne ligature", "ＦＵＬＬＷＩＤＴＨ", "“curly” ‘quotes’", "DŽ Lj ǅ"]

    func check(_ tokenizer: CLIPTokenizer, _ cases: [Case], label: String) throws {
        #expect(cases.count >= 500)
        var equal = 0, failures: [String] = [], ftfySkipped = 0
        for c in cases {
            let got = try tokenizer.tokenize(c.text)
            if got == c.ids { equal += 1; continue }
            if Self.ftfyOnly.contains(c.text) { ftfySkipped += 1; continue }
            failures.append("\(c.text.debugDescription.prefix(60)): ours \(got.prefix(20)), open_clip \(c.ids.prefix(20))")
        }
        let hfDiffers = cases.filter { $0.hfFtfy != nil }.count, plainDiffers = cases.filter { $0.hfPlain != nil }.count
        print("CLIP tokenizer (\(label)): \(equal)/\(cases.count) strings equal to open_clip; \(ftfySkipped) differ where only ftfy repairs the text; transformers' CLIPTokenizer differs from open_clip on \(hfDiffers) (ftfy) / \(plainDiffers) (no ftfy)")
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) strings differ:\n" + failures.prefix(10).joined(separator: "\n")))
        #expect(equal + ftfySkipped == cases.count)
    }

    @Test func tinyVocabularyEqualsOpenCLIP() throws {
        let folder = FixturePaths.path("clip/tiny")
        let tokenizer = try CLIPTokenizer(vocabFile: folder + "/vocab.json", mergesFile: folder + "/merges.txt")
        try check(tokenizer, try Self.cases("tokenizer_tiny.json"), label: "tiny vocabulary")
    }

    /// The real vocabulary: the folder named by $JANUS_EVAL_CLIP_VITL_RANDOM (the ViT-L/14-shaped random run, whose
    /// vocab.json/merges.txt are the openai ones), else $JANUS_EVAL_CLIP_WEIGHTS (a real CLIP folder).
    static var realVocabularyFolder: String? {
        let env = ProcessInfo.processInfo.environment
        for name in ["JANUS_EVAL_CLIP_VITL_RANDOM", "JANUS_EVAL_CLIP_WEIGHTS"] {
            if let dir = env[name], FileManager.default.fileExists(atPath: dir + "/vocab.json") { return dir }
        }
        return nil
    }

    @Test func realVocabularyEqualsOpenCLIP() throws {
        guard let folder = Self.realVocabularyFolder else {
            print("SKIP realVocabularyEqualsOpenCLIP: set JANUS_EVAL_CLIP_VITL_RANDOM (or JANUS_EVAL_CLIP_WEIGHTS) to a folder with the openai vocab.json and merges.txt (tools/reference/make_clip_fixtures.py --vitl DIR writes one)")
            return
        }
        let tokenizer = try CLIPTokenizer(vocabFile: folder + "/vocab.json", mergesFile: folder + "/merges.txt")
        #expect(tokenizer.vocabularySize == 49408 && tokenizer.startOfText == 49406 && tokenizer.endOfText == 49407)
        try check(tokenizer, try Self.cases("tokenizer_real.json"), label: "openai vocabulary")
    }

    @Test func cleaningFollowsPython() {
        #expect(CLIPTextCleaner.clean("  Hello\t\u{00A0}World \u{3000}x ") == "hello world x")
        // Final sigma: ς at the end of a word, σ elsewhere (Python's str.lower()).
        #expect(CLIPTextCleaner.clean("ΟΔΟΣ ΚΑΛΟΣ") == "\u{3BF}\u{3B4}\u{3BF}\u{3C2} \u{3BA}\u{3B1}\u{3BB}\u{3BF}\u{3C2}")
        #expect(CLIPTextCleaner.clean("ΣΑ") == "\u{3C3}\u{3B1}")
        #expect(CLIPTextCleaner.clean("Σ") == "\u{3C3}")
        #expect(CLIPTextCleaner.clean("cafe\u{301}") == "caf\u{E9}")   // NFC
        // html.unescape, applied twice: "&amp;amp;" → "&amp;" → "&".
        #expect(CLIPTextCleaner.clean("fish &amp;amp; chips") == "fish & chips")
        #expect(CLIPTextCleaner.unescapeHTML("&lt;b&gt; &#65;&#x42;&#0; &#128; &#x110000; &#1;") == "<b> AB\u{FFFD} \u{20AC} \u{FFFD} ")
        #expect(CLIPTextCleaner.unescapeHTML("&copy 2024 &ampersand &notit; &unknown; & &#") == "\u{A9} 2024 &ersand \u{AC}it; &unknown; & &#")
    }

    @Test func truncatesToTheContextLength() throws {
        let folder = FixturePaths.path("clip/tiny")
        let tokenizer = try CLIPTokenizer(vocabFile: folder + "/vocab.json", mergesFile: folder + "/merges.txt")
        let ids = try tokenizer.tokenize(String(repeating: "red ", count: 200))
        #expect(ids.count == 77 && ids.first == tokenizer.startOfText && ids.last == tokenizer.endOfText)
        #expect(try tokenizer.tokenize("") == [tokenizer.startOfText, tokenizer.endOfText])
    }

    @Test func badVocabularyFilesAreNamed() throws {
        let dir = FixturePaths.temporaryDirectory("clip-vocab")
        try "{\"a\": 0}".write(to: dir.appendingPathComponent("vocab.json"), atomically: true, encoding: .utf8)
        try "#version: 0.2\na b\n".write(to: dir.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        let error = #expect(throws: CLIPError.self) {
            _ = try CLIPTokenizer(vocabFile: dir.path + "/vocab.json", mergesFile: dir.path + "/merges.txt")
        }
        #expect(try #require(error).description.contains("vocab.json: expected the tokens <|startoftext|> and <|endoftext|>"))
        let folder = FixturePaths.path("clip/tiny")
        try "#version: 0.2\na b c\n".write(to: dir.appendingPathComponent("merges.txt"), atomically: true, encoding: .utf8)
        let bad = #expect(throws: CLIPError.self) {
            _ = try CLIPTokenizer(vocabFile: folder + "/vocab.json", mergesFile: dir.path + "/merges.txt")
        }
        #expect(try #require(bad).description.contains("line 2: expected two symbols"))
    }
}
