import Foundation
import Formats
import Testing
import TestSupport

/// report.html in a real headless Chromium (Debian's `chromium`): the page loads offline, shows the headline
/// numbers, and markup inside an answer stays inert text. Skips (saying why) only where Chromium is absent and
/// this is not CI; in CI (`CI=true`) a missing Chromium fails, since tools/test installs it.
@Suite struct ReportBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func dumpDOM(_ file: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(FixturePaths.temporaryDirectory("chromium").path)",
                             "--virtual-time-budget=2000", "--dump-dom", URL(fileURLWithPath: file).absoluteString]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        ChildProcess.waitForExit(process)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func thePageLoadsShowsTheHeadlineAndKeepsAnswersInert() throws {
        guard Self.chromium != nil else {
            let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
            print("ReportBrowserTests: skipped — no chromium (install Debian's chromium; tools/test does)")
            #expect(!inCI, "CI must have Chromium: tools/test installs it")
            return
        }
        let dir = FixturePaths.temporaryDirectory("browser")
        let hostile = #"<script>document.title='pwned'</script><img src=x onerror="document.title='pwned'"> Yes"#
        var answers = ""
        for q in 1...4 {
            answers += #"{"question_id": \#(q), "text": \#(q == 1 ? "\"" + hostile.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : "\"No\"")}"# + "\n"
        }
        let answerFile = dir.appendingPathComponent("answers_random.jsonl")
        try answers.write(to: answerFile, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run").path
        let r = try CLIRunner.run(["run", "pope", "--data", FixturePaths.path("pope/coco_pope_random.json"), "--answers", answerFile.path, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let dom = try Self.dumpDOM(out + "/report.html")
        #expect(dom.contains("<title>janus-eval · pope · answers</title>"), "the title was changed or the page did not load")
        #expect(!dom.contains("pwned</title>"))
        #expect(dom.contains("random/accuracy") && dom.contains("pooled/f1"))
        // The headline card shows the accuracy in percent as the report computed it.
        let report = try String(contentsOfFile: out + "/report.json", encoding: .utf8)
        #expect(report.contains("\"random/accuracy\""))
        #expect(dom.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"))
        #expect(!dom.contains("<script") && !dom.contains("<img src=\"x\""))
        #expect(!dom.contains("http://") || !dom.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
    }
}
