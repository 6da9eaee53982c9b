#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads a whole file into memory, for the readers that parse text or small binaries (JSON, JSON lines, TSV,
/// images, .npy). `FileManager.contents(atPath:)` leaks a 4 KiB buffer on every empty file on Linux (its
/// zero-size path mallocs a chunk and hands it to an empty `Data`, which never frees it; found by the fuzzers
/// under LeakSanitizer), so the readers use this instead: fstat for the size, then read until end of file.
public enum FileContents {
    /// The bytes of the regular file at `path`, or nil when it cannot be opened or is not a regular file.
    public static func read(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        var data = Data(count: max(Int(st.st_size), 0))
        var total = 0
        while total < data.count {
            let n = data.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress! + total, raw.count - total) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            total += n
        }
        data.count = total
        // A file that grew since fstat, or one that reports size 0 (procfs): the rest in chunks.
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            data.append(contentsOf: chunk[0..<n])
        }
        return data
    }
}
