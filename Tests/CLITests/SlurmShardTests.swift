import Foundation
import Formats
import Testing
import TestSupport

/// A 3-shard demo run through a real Slurm (slurm-wlm + munge, one node on this machine, brought up by
/// tools/cluster/slurm-up): an array job of three `janus-eval run` tasks and a dependent `merge` job, whose merged
/// report must equal a single-process run's (tools/cluster/slurm-smoke). Skips, saying why, only where Slurm is
/// not installed and this is not CI.
@Suite struct SlurmShardTests {
    @Test func anArrayJobMergedEqualsTheSingleProcessRun() throws {
        let root = FixturePaths.repositoryRoot.path
        let hasSlurm = ["/usr/bin/sbatch", "/usr/local/bin/sbatch"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        guard hasSlurm else {
            print("SlurmShardTests: skipped — no sbatch (tools/cluster/slurm-up installs and starts a one-node Slurm; tools/test runs it)")
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "CI must have Slurm: tools/test starts it")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root + "/tools/cluster/slurm-smoke"]
        var env = ProcessInfo.processInfo.environment
        env["JANUS_EVAL"] = CLIRunner.binary.path
        env["SUITE"] = "pope"
        env["RUN_ARGS"] = "--model demo --data \(root)/suites/demo/pope --threads 1"
        env["SHARDS"] = "3"
        env["SMOKE_TIMEOUT"] = "240"
        for key in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT", "JOB_COMPLETION_INDEX"] { env[key] = nil }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let exit = ChildProcess.waitForExit(process)
        print(text.split(separator: "\n").suffix(12).joined(separator: "\n"))
        #expect(exit.status == 0, "slurm-smoke failed (exit \(exit.status)):\n\(text)")
        #expect(text.contains("PASSED"))
    }
}
