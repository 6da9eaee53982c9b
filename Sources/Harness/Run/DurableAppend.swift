#if canImport(Glibc)
import Glibc
#endif

/// Appends one line to an open file and makes it durable (fsync) before returning: the journal and the detector's
/// detections.jsonl, whose every finished line must survive a SIGKILL.
enum DurableAppend {
    static func line(_ text: String, to fd: Int32, path: String, what: String) throws {
        let bytes = Array((text + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw HarnessError.output(path: path, reason: "cannot append to \(what) (errno \(errno))")
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw HarnessError.output(path: path, reason: "fsync failed (errno \(errno))") }
    }
}
