/// Python's string semantics where reference code depends on them (str.strip, str.split, \d in re), on
/// Unicode scalars as Python counts them.
public enum PythonText {
    /// `str.isspace()` for one code point.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// `re`'s `\d` (Unicode decimal digits).
    public static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.numericType == .decimal }

    /// `str.strip()` with no arguments.
    public static func strip(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }

    /// `str.split()` with no arguments: runs of whitespace separate, no empty pieces.
    public static func split(_ s: String) -> [String] {
        var out: [String] = [], current = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if isSpace(scalar) {
                if !current.isEmpty { out.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { out.append(String(current)) }
        return out
    }

    /// `str.split(sep)` with an explicit separator (empty pieces kept).
    public static func split(_ s: String, separator: String) -> [String] {
        s.components(separatedBy: separator)
    }

    /// Substring test on code points (`needle in haystack`).
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        let h = Array(haystack.unicodeScalars), n = Array(needle.unicodeScalars)
        guard n.count <= h.count else { return false }
        for i in 0...(h.count - n.count) where h[i] == n[0] {
            if Array(h[i..<i + n.count]) == n { return true }
        }
        return false
    }

    /// `len(s)` (code points).
    public static func length(_ s: String) -> Int { s.unicodeScalars.count }
}
