import Foundation
import Formats
import Testing

/// `ChildProcess.waitForExit` reaps the child itself: exit statuses, signals, and the timeout's kill.
@Suite struct ChildProcessTests {
    func launch(_ script: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func exitStatusesAndSignals() throws {
        #expect(ChildProcess.waitForExit(try launch("exit 0")) == ChildExit(status: 0, signal: nil))
        #expect(ChildProcess.waitForExit(try launch("exit 3")) == ChildExit(status: 3, signal: nil))
        let killed = ChildProcess.waitForExit(try launch("kill -KILL $$"))
        #expect(killed == ChildExit(status: 128 + 9, signal: 9), "\(killed)")
    }

    @Test func aChildPastItsTimeoutIsKilled() throws {
        let start = Date()
        let exit = ChildProcess.waitForExit(try launch("exec sleep 30"), timeout: 0.3)
        #expect(exit == ChildExit(status: 128 + 9, signal: 9))
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func manyConcurrentChildrenAllEnd() async throws {
        // The load under which Foundation's exit monitor was seen to miss an exit: many children ending at once.
        let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
            for i in 0..<24 { group.addTask { ChildProcess.waitForExit(try self.launch("exit \(i % 5)")).status } }
            return try await group.reduce(into: [Int32]()) { $0.append($1) }
        }
        #expect(statuses.sorted() == (0..<24).map { Int32($0 % 5) }.sorted())
    }
}
