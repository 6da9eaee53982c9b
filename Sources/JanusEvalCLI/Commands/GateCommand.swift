import ArgumentParser
import Formats
import Foundation
import Harness

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Fail (exit 1) when the candidate run regressed against the baseline.",
        discussion: """
            A gated metric regresses when it got worse by more than --max-drop (absolute, in the metric's units,
            towards worse) and the worsening is significant: one-sided and paired over the items both runs scored
            (McNemar mid-p for accuracies, paired bootstrap otherwise) at --alpha. FID and KID (fid runs) have no
            per-item pairing: they are judged by --max-drop alone, and the summary says so. Without --metric every metric with
            a direction is gated. Exit status: 0 no regression; 1 a regression; 2 the runs cannot be compared
            (different items or rule sets, a metric missing, no comparable items, an unreadable report).

            Examples:
              janus-eval gate --baseline reports/baselines/demo-pope --candidate reports/pope-demo-1a2b3c4d
              janus-eval gate --baseline base/report.json --candidate new/report.json --metric pooled/f1 --max-drop 0.005 \\
                  --junit gate.xml --summary "$GITHUB_STEP_SUMMARY"
            """)

    @Option(help: "The baseline run folder or report.json.") var baseline: String
    @Option(help: "The candidate run folder or report.json.") var candidate: String
    @Option(parsing: .singleValue, help: "A metric id to gate (repeatable; default: every metric with a direction).") var metric: [String] = []
    @Option(help: "Largest tolerated worsening, absolute.") var maxDrop: Double = 0.01
    @Option(help: "Significance level of the one-sided paired test.") var alpha: Double = 0.05
    @Option(help: "Write JUnit XML (one testcase per metric).") var junit: String?
    @Option(help: "Write (append) a markdown summary, e.g. to $GITHUB_STEP_SUMMARY.") var summary: String?

    func validate() throws {
        guard maxDrop.isFinite, maxDrop >= 0 else { throw ValidationError("--max-drop must be a non-negative number") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1") }
    }

    func run() throws {
        let result: Gate.Result
        do {
            let gate = Gate(baseline: try LoadedReport(path: baseline), candidate: try LoadedReport(path: candidate),
                            metrics: metric.isEmpty ? nil : metric, maxDrop: maxDrop, alpha: alpha)
            result = try gate.evaluate()
        } catch {
            FileStandardError.write("janus-eval gate: cannot compare: \(error)\n")
            throw ExitCode(2)
        }
        for v in result.verdicts {
            print((v.regressed ? "REGRESSION " : "ok         ") + "\(v.metric): " + String(format: "%.4f → %.4f", v.baseline, v.candidate) + " — \(v.explanation)")
        }
        do {
            if let junit { try FileOutput.write(Gate.junit(result), to: junit) }
            if let summary {
                let text = Gate.markdown(result) + "\n"
                if let handle = FileHandle(forWritingAtPath: summary) {
                    handle.seekToEndOfFile(); handle.write(Data(text.utf8)); handle.closeFile()
                } else {
                    try FileOutput.write(text, to: summary)
                }
            }
        } catch {
            FileStandardError.write("janus-eval gate: cannot write: \(error)\n")
            throw ExitCode(2)
        }
        let basis = result.paired ? "\(result.comparedItems) paired item(s)" : "set-level metrics without per-item pairing, judged by --max-drop alone"
        print(result.regressed ? "gate: regression (\(result.verdicts.filter(\.regressed).count) metric(s); \(basis))" : "gate: no regression on \(result.verdicts.count) metric(s), \(basis)")
        if result.regressed { throw ExitCode(1) }
    }
}
