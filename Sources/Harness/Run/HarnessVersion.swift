import Foundation
import Formats

/// The harness version recorded in every run, and the git commit of the checkout it was built from when known.
public enum HarnessVersion {
    public static let string = "0.1.0"

    /// `git rev-parse HEAD` of the source checkout this binary was built from (nil when git or the checkout is gone),
    /// with `+dirty` when the tracked files have uncommitted changes.
    public static let commit: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: root + "/.git") else { return nil }
        func git(_ args: [String]) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", root] + args
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            guard ChildProcess.waitForExit(process, timeout: 30).status == 0 else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let head = git(["rev-parse", "HEAD"]), !head.isEmpty else { return nil }
        let dirty = !(git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
        return head + (dirty ? "+dirty" : "")
    }()
}
