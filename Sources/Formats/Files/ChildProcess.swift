import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended.
public struct ChildExit: Equatable, Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
    public var status: Int32
    /// The signal that ended it, if one did.
    public var signal: Int32?

    public init(status: Int32, signal: Int32?) { self.status = status; self.signal = signal }
}

/// Waiting for a `Process` launched with `run()`. Foundation's `waitUntilExit()` on Linux relies on its SIGCHLD
/// monitor, which was seen to miss an exit under load: a test waited 50 minutes on a child that had long become a
/// zombie (never reaped). This reaps the child itself with `waitpid`, polling with a short back-off, and falls back to
/// Foundation's record when Foundation reaped it first.
public enum ChildProcess {
    /// Waits until `process` ends. With a `timeout` (seconds), a child still running then is killed (SIGKILL) and
    /// reported as ended by that signal.
    @discardableResult
    public static func waitForExit(_ process: Process, timeout: Double? = nil) -> ChildExit {
        let pid = process.processIdentifier
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var pause: useconds_t = 200
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return decode(status) }
            if reaped == -1 && errno != EINTR {
                // Not our child any more: Foundation's monitor reaped it and records how it ended.
                process.waitUntilExit()
                return process.terminationReason == .uncaughtSignal
                    ? ChildExit(status: 128 + process.terminationStatus, signal: process.terminationStatus)
                    : ChildExit(status: process.terminationStatus, signal: nil)
            }
            if let deadline, Date() > deadline {
                kill(pid, SIGKILL)
                var final: Int32 = 0
                if waitpid(pid, &final, 0) == pid { return decode(final) }
                return ChildExit(status: 128 + SIGKILL, signal: SIGKILL)
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
    }

    /// waitpid's status word: exited (low 7 bits zero) with the status in bits 8–15, else ended by the signal in the
    /// low 7 bits.
    static func decode(_ status: Int32) -> ChildExit {
        let signal = status & 0x7f
        return signal == 0 ? ChildExit(status: (status >> 8) & 0xff, signal: nil) : ChildExit(status: 128 + signal, signal: signal)
    }
}
