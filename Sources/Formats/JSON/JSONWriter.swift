/// Serialises `JSONValue`s deterministically (keys in their stored order).
public struct JSONWriter: Sendable {
    public enum Style: Sendable {
        /// Python `json.dumps` defaults: ", " and ": " separators, non-ASCII escaped as \uXXXX (ensure_ascii).
        case pythonDumps
        /// No spaces, UTF-8 as is.
        case compact
        /// For people: two-space indentation, one object entry per line, arrays of scalars on one line; UTF-8 as is.
        case indented
    }

    public var style: Style
    public init(style: Style = .compact) { self.style = style }

    public func string(_ value: JSONValue) -> String {
        var out = ""
        if style == .indented { writeIndented(value, depth: 0, into: &out) } else { write(value, into: &out) }
        return out
    }

    private func writeIndented(_ value: JSONValue, depth: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: depth + 1), closing = String(repeating: "  ", count: depth)
        switch value {
        case .array(let items) where items.contains(where: { if case .array = $0 { return true }; if case .object = $0 { return true }; return false }):
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                writeIndented(item, depth: depth + 1, into: &out)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += closing + "]"
        case .object(let object) where object.count > 0:
            out += "{\n"
            for (i, entry) in object.entries.enumerated() {
                out += pad
                writeString(entry.key, into: &out)
                out += ": "
                writeIndented(entry.value, depth: depth + 1, into: &out)
                out += i + 1 < object.count ? ",\n" : "\n"
            }
            out += closing + "}"
        default:
            write(value, into: &out)
        }
    }

    private func write(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += Self.number(d)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += style == .compact ? "," : ", " }
                write(item, into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (i, entry) in object.entries.enumerated() {
                if i > 0 { out += style == .compact ? "," : ", " }
                writeString(entry.key, into: &out)
                out += style == .compact ? ":" : ": "
                write(entry.value, into: &out)
            }
            out += "}"
        }
    }

    /// Python's float repr: shortest round-trip digits; "NaN"/"Infinity" as Python writes them.
    static func number(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        let abs = Swift.abs(d)
        if abs != 0 && (abs < 1e-4 || abs >= 1e16) {
            // Swift writes 1e-05 as "1e-05" and 1e+16 as "1e+16", as Python does.
            return "\(d)"
        }
        return "\(d)"
    }

    private func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (style == .pythonDumps && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += Self.hex4(0xD800 + (v >> 10)) + Self.hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        out += Self.hex4(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let h = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }
}
