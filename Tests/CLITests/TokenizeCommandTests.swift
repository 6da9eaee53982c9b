import Testing
import TestSupport

@Suite struct TokenizeCommandTests {
    @Test func encodesAndDecodes() throws {
        let file = FixturePaths.path("tokenizer/tokenizer.json")
        let r = try CLIRunner.run(["tokenize", "--tokenizer", file, "--bos"], stdin: #"["Hello, how are you?", ""]"#)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "[[100000,17464,11,946,418,340,30],[100000]]\n")
        let d = try CLIRunner.run(["tokenize", "--tokenizer", file, "--decode"], stdin: "[[100000,17464,11,946,418,340,30]]")
        #expect(d.stdout == "[\"Hello, how are you?\"]\n")
    }

    @Test func badInputIsAClearError() throws {
        let file = FixturePaths.path("tokenizer/tokenizer.json")
        let notArray = try CLIRunner.run(["tokenize", "--tokenizer", file], stdin: #"{"a": 1}"#)
        #expect(notArray.status == 1 && notArray.stderr.contains("<stdin>: field (root): expected an array"))
        let notString = try CLIRunner.run(["tokenize", "--tokenizer", file], stdin: "[1]")
        #expect(notString.status == 1 && notString.stderr.contains("[0]: expected a string"))
        let missing = try CLIRunner.run(["tokenize", "--tokenizer", "/nonexistent/tokenizer.json"], stdin: "[]")
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/tokenizer.json"))
    }
}
