import COpenBLAS
import Foundation

/// What a run records about the machine it ran on (never part of a score).
public enum MachineInfo {
    /// The OpenBLAS kernel core in use (e.g. Haswell, SkylakeX, Cooperlake), as OpenBLAS names it.
    public static var openBLASCore: String { String(cString: openblas_get_corename()) }

    /// /proc/cpuinfo's model name, when there is one.
    public static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") { return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return "unknown"
    }
}
