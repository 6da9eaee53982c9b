#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard error without Foundation.
enum FileStandardError {
    static func write(_ text: String) {
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}
