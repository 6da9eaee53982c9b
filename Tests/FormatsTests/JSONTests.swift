import Foundation
import Formats
import Testing
import TestSupport

@Suite struct JSONTests {
    private func parse(_ text: String, file: String = "t.json") throws -> JSONDocument {
        try JSONReader.parse(Data(text.utf8), file: file)
    }

    @Test func parsesValuesKeepingKeyOrderAndExactIntegers() throws {
        let doc = try parse(#"{"b": 1, "a": [true, null, 2.5, "x"], "big": 9007199254740993, "s": "é\u00e9"}"#)
        let object = try doc.cursor.asObject()
        #expect(object.keys == ["b", "a", "big", "s"])
        #expect(object["big"] == .int(9_007_199_254_740_993))
        #expect(object["a"] == .array([.bool(true), .null, .double(2.5), .string("x")]))
        #expect(try doc.cursor.string("s") == "éé")
    }

    @Test func typedAccessErrorsNameTheFileAndPath() throws {
        let doc = try parse(#"{"language_config": {"hidden_size": "2048", "layers": [1, {"x": 2}]}}"#, file: "config.json")
        let wrong = #expect(throws: JSONError.self) { try doc.cursor.object("language_config").int("hidden_size") }
        #expect(wrong?.description == "config.json: field language_config.hidden_size: expected an integer, found string \"2048\"")
        let missing = #expect(throws: JSONError.self) { try doc.cursor.object("language_config").int("vocab_size") }
        #expect(missing?.description == "config.json: missing field language_config.vocab_size")
        let nested = #expect(throws: JSONError.self) {
            try doc.cursor.object("language_config").array("layers")[1].string("x")
        }
        #expect(nested?.description == "config.json: field language_config.layers[1].x: expected a string, found integer 2")
        #expect(try doc.cursor.object("language_config").int("vocab_size", default: 7) == 7)
        #expect(try parse(#"{"n": 2048.0}"#).cursor.int("n") == 2048)
    }

    @Test(arguments: [
        (#"{"a": 1"#, "1:8", "unexpected end of input"),
        (#"{"a": 1} x"#, "1:10", "unexpected character"),
        (#"{"a": 1}  "#, "", ""),
        ("{\n  \"a\": [1, 2,,]\n}", "2:14", "unexpected character"),
    ])
    func syntaxErrorsGiveLineAndColumn(text: String, position: String, message: String) throws {
        if position.isEmpty {   // trailing whitespace is fine
            #expect(try parse(text).cursor.int("a") == 1)
            return
        }
        let error = #expect(throws: JSONError.self) { try parse(text, file: "bad.json") }
        let description = try #require(error).description
        #expect(description.hasPrefix("bad.json:\(position): invalid JSON"), "\(description)")
        if !message.isEmpty { #expect(description.hasSuffix(message)) }
    }

    @Test func invalidUTF8IsRejected() throws {
        var bytes = Array(#"{"a": "x"}"#.utf8)
        bytes[7] = 0xFF
        let error = #expect(throws: JSONError.self) { try JSONReader.parse(Data(bytes), file: "u.json") }
        #expect(try #require(error).description.hasPrefix("u.json:1:"))
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: JSONError.cannotRead(file: "/nonexistent/x.json", reason: "no such file; the folder /nonexistent does not exist")) {
            try JSONReader.parse(file: "/nonexistent/x.json")
        }
    }

    @Test func jsonLinesErrorsNameTheLine() throws {
        let text = "{\"a\": 1}\n\n{\"a\": 2}\r\n{\"a\": }\n"
        var seen: [Int] = []
        let error = #expect(throws: JSONError.self) {
            try JSONLinesReader.forEachLine(Data(text.utf8), file: "x.jsonl") { line, doc in
                seen.append(try doc.cursor.int("a")); _ = line
            }
        }
        #expect(seen == [1, 2])
        #expect(try #require(error).description.hasPrefix("x.jsonl:4:"))
    }

    /// The Python-compatible writer reproduces `json.dumps` byte for byte (fixture written by Python).
    @Test func pythonDumpsStyleMatchesPython() throws {
        let expected = try String(contentsOf: FixturePaths.url("codecs/python_dumps.json"), encoding: .utf8)
        let doc = try JSONReader.parse(Data(expected.utf8), file: "python_dumps.json")
        #expect(JSONWriter(style: .pythonDumps).string(doc.root) + "\n" == expected)
    }

    /// tokenizer.json-sized input: json-c parses it; report the time.
    @Test func parsesTheRealTokenizerFile() throws {
        // The real DeepSeek-LLM tokenizer.json, copied into the project's fixtures (a fresh clone has nothing beside it).
        let path = FixturePaths.path("tokenizer/tokenizer.json")
        try #require(FileManager.default.fileExists(atPath: path))
        let start = ContinuousClock.now
        let doc = try JSONReader.parse(file: path)
        let elapsed = ContinuousClock.now - start
        let vocab = try doc.cursor.object("model").field("vocab").asObject()
        #expect(vocab.count == 100_000)
        #expect(try doc.cursor.array("added_tokens").count == 2400)
        print("tokenizer.json (3.7 MB) parsed in \(elapsed)")
    }
}
