import ArgumentParser
import Foundation
import Formats
import Harness

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Show runs of one suite side by side, with differences and paired significance.",
        discussion: """
            The runs must have scored the same items under the same rule set. Each metric: its value per run, the
            difference from the first run and a two-sided paired p-value (McNemar mid-p for accuracies, paired
            bootstrap over whole groups for F1 and means of task scores); then the items whose verdict flipped.

            Examples:
              janus-eval compare reports/pope-pro-1b-1a2b3c4d reports/pope-pro-7b-5e6f7a8b
              janus-eval compare A B C --html compare.html --json compare.json
            """)

    @Argument(help: "Run folders or their report.json (the first is the reference).") var runs: [String]
    @Option(help: "Also write the comparison as a self-contained HTML page.") var html: String?
    @Option(help: "Also write the comparison as JSON.") var json: String?

    func run() throws {
        do {
            let comparison = try RunComparison(runs: try runs.map { try LoadedReport(path: $0) })
            print(comparison.text(), terminator: "")
            if let html { try FileOutput.write(comparison.html(), to: html) }
            if let json { try FileOutput.write(JSONWriter(style: .indented).string(comparison.json()) + "\n", to: json) }
        } catch {
            FileStandardError.write("janus-eval compare: \(error)\n")
            throw ExitCode(2)
        }
    }
}
