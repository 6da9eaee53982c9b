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
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus == 0 { try? FileManager.default.removeItem(atPath: killed) }
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
}
