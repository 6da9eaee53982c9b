import Foundation
import Formats
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A demo run killed with SIGKILL at random moments, ten times, and rerun each time: the final report (less
/// run.timings and run.environment) equals an uninterrupted run's, and the journal holds each item once.
@Suite(.serialized) struct KillResumeTests {
    static func stable(_ folder: String) throws -> String { try StableReport.of(folder: folder) }

    @Test func tenKillsThenTheSameReport() throws {
        let dir = FixturePaths.temporaryDirectory("kill")
        let data = FixturePaths.repositoryRoot.appendingPathComponent("suites/demo/pope").path
        let arguments = ["run", "pope", "--model", "demo", "--data", data, "--threads", "1"]
        let reference = dir.appendingPathComponent("reference").path
        let start = Date()
        let whole = try CLIRunner.run(arguments + ["--out", reference])
        #expect(whole.status == 0, "\(whole.stderr)")
        let duration = Date().timeIntervalSince(start)
        let killed = dir.appendingPathComponent("killed").path
        var rng = SystemRandomNumberGenerator()
        var kills = 0, attempts = 0
        while kills < 10 && attempts < 40 {
            attempts += 1
            let process = Process()
            process.executableURL = CLIRunner.binary
            process.arguments = arguments + ["--out", killed]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // A moment anywhere in a run's length (the first runs start at zero items, later ones resume).
            usleep(useconds_t(Double.random(in: 0.02...max(0.05, duration), using: &rng) * 1e6))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            if ChildProcess.waitForExit(process) == ChildExit(status: 0, signal: nil) { try? FileManager.default.removeItem(atPath: killed) }
        }
        print("KillResumeTests: \(kills) SIGKILLs in \(attempts) attempts (an uninterrupted run takes \(String(format: "%.2f", duration)) s)")
        #expect(kills == 10)
        let finish = try CLIRunner.run(arguments + ["--out", killed])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try Self.stable(killed) == Self.stable(reference))
        let lines = try String(contentsOfFile: killed + "/items.jsonl", encoding: .utf8).split(separator: "\n")
        let ids = try lines.map { try JSONReader.parse(Data($0.utf8), file: "items.jsonl").cursor.string("id") }
        #expect(ids.count == Set(ids).count, "an item was journalled twice")
        #expect(ids.count == 36)
    }

    /// Ctrl-C (SIGINT) stops after the item in progress with exit 130, the journal keeps what finished, and the rerun
    /// completes to the uninterrupted report; a run with two threads gives the same report as one with one.
    @Test func ctrlCStopsCleanlyAndThreadsDoNotMatter() throws {
        let dir = FixturePaths.temporaryDirectory("sigint")
        let data = FixturePaths.repositoryRoot.appendingPathComponent("suites/demo/mmbench/MMBench_demo.tsv").path
        let arguments = ["run", "mmbench", "--model", "demo", "--data", data]
        let one = dir.appendingPathComponent("one").path, two = dir.appendingPathComponent("two").path
        #expect(try CLIRunner.run(arguments + ["--threads", "1", "--out", one]).status == 0)
        #expect(try CLIRunner.run(arguments + ["--threads", "2", "--out", two]).status == 0)
        #expect(try Self.stable(one) == Self.stable(two), "the thread count changed the report")

        let stopped = dir.appendingPathComponent("stopped").path
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = arguments + ["--threads", "1", "--out", stopped]
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        // Wait for the first journalled item, then interrupt.
        let deadline = Date().addingTimeInterval(30)
        func journalBytes() -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: stopped + "/items.jsonl"))?[.size] as? NSNumber)?.intValue ?? 0
        }
        while Date() < deadline, process.isRunning, journalBytes() == 0 { usleep(2_000) }
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let exit = ChildProcess.waitForExit(process)
        let journalled = ((try? String(contentsOfFile: stopped + "/items.jsonl", encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect(exit.status == 130, "\(stderr)")
        #expect(stderr.contains("stopping after the current item"))
        #expect(journalled >= 1 && journalled < 31)
        #expect(FileManager.default.fileExists(atPath: stopped + "/report.json"), "the report covers what finished")
        #expect(try CLIRunner.run(arguments + ["--threads", "1", "--out", stopped]).status == 0)
        #expect(try Self.stable(stopped) == Self.stable(one))
    }
}
