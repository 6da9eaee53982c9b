/// The Split pre-tokenizer patterns DeepSeek's tokenizer.json uses, matched by hand (Swift's Regex is far too slow
/// for megabytes of text). Supported forms — anything else is refused when the file is loaded:
/// `[class]`, `[class]+`, `\s?[class]+`, `\s+$` and `\p{N}+`, with Rust-regex semantics (`\s` = White_Space,
/// `\p{N}` = number categories, `$` = end of the piece).
struct SplitPattern: Sendable {
    enum Kind: Sendable { case single, run, spaceThenRun, trailingSpace, numbers }
    let kind: Kind
    let characterClass: CharacterClass?

    init(regex: String) throws {
        if regex == #"\s+$"# { kind = .trailingSpace; characterClass = nil; return }
        if regex == #"\p{N}+"# { kind = .numbers; characterClass = nil; return }
        var body = Substring(regex)
        var k: Kind = .single
        if body.hasPrefix(#"\s?"#) { body = body.dropFirst(3); k = .spaceThenRun }
        if body.hasSuffix("+") { body = body.dropLast(); if k == .single { k = .run } } else if k == .spaceThenRun {
            throw TokenizerError.unsupported("pre-tokenizer regex \(regex): \\s? must be followed by a repeated class")
        }
        guard body.hasPrefix("["), body.hasSuffix("]"), body.count >= 3 else {
            throw TokenizerError.unsupported("pre-tokenizer regex \(regex) is not one of the forms janus-eval matches ([class], [class]+, \\s?[class]+, \\s+$, \\p{N}+)")
        }
        kind = k
        characterClass = try CharacterClass(body.dropFirst().dropLast(), regex: regex)
    }

    @inline(__always) static func isSpace(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s.value == 32 || (s.value >= 9 && s.value <= 13) }
        return s.properties.isWhitespace
    }
    @inline(__always) static func isNumber(_ s: Unicode.Scalar) -> Bool {
        if s.value < 128 { return s.value >= 48 && s.value <= 57 }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Non-overlapping matches inside `scalars[range]`, leftmost first, as offsets into `scalars`, appended to `out`.
    func matches(_ scalars: [Unicode.Scalar], in range: Range<Int>, into out: inout [Range<Int>]) {
        let n = range.upperBound
        switch kind {
        case .trailingSpace:
            var start = n
            while start > range.lowerBound && Self.isSpace(scalars[start - 1]) { start -= 1 }
            if start < n { out.append(start..<n) }
        case .numbers:
            var i = range.lowerBound
            while i < n {
                if Self.isNumber(scalars[i]) {
                    var j = i + 1
                    while j < n && Self.isNumber(scalars[j]) { j += 1 }
                    out.append(i..<j); i = j
                } else { i += 1 }
            }
        case .single:
            for i in range where characterClass!.contains(scalars[i]) { out.append(i..<(i + 1)) }
        case .run, .spaceThenRun:
            let c = characterClass!
            var i = range.lowerBound
            while i < n {
                // \s? (greedy) then class+: take a leading space when a class character follows it.
                var j: Int
                if kind == .spaceThenRun && Self.isSpace(scalars[i]) && i + 1 < n && c.contains(scalars[i + 1]) {
                    j = i + 1
                } else if c.contains(scalars[i]) {
                    j = i
                } else {
                    i += 1
                    continue
                }
                while j < n && c.contains(scalars[j]) { j += 1 }
                out.append(i..<j)
                i = j
            }
        }
    }
}

/// A regex character class of single characters and ranges, with a bitmap for the BMP.
struct CharacterClass: Sendable {
    private var bmp = [UInt64](repeating: 0, count: 1024)
    private var astral: [ClosedRange<UInt32>] = []

    init(_ body: Substring, regex: String) throws {
        let s = Array(body.unicodeScalars)
        var i = 0
        func add(_ lo: UInt32, _ hi: UInt32) {
            var v = lo
            while v <= hi && v < 0x10000 { bmp[Int(v >> 6)] |= 1 << UInt64(v & 63); v += 1 }
            if hi >= 0x10000 { astral.append(max(lo, 0x10000)...hi) }
        }
        while i < s.count {
            var c = s[i]
            if c == "\\" {
                guard i + 1 < s.count else { throw TokenizerError.unsupported("pre-tokenizer regex \(regex): dangling escape") }
                let e = s[i + 1]
                switch e {
                case "r": c = "\r"
                case "n": c = "\n"
                case "t": c = "\t"
                case "\\", "-", "]", "[", "^", ".", "/", "!", "~": c = e
                default: throw TokenizerError.unsupported("pre-tokenizer regex \(regex): escape \\\(e) inside a class")
                }
                i += 1
            } else if c == "^" && i == 0 {
                throw TokenizerError.unsupported("pre-tokenizer regex \(regex): negated classes")
            }
            if i + 2 < s.count && s[i + 1] == "-" {
                var hi = s[i + 2]
                if hi == "\\", i + 3 < s.count { hi = s[i + 3]; i += 1 }
                guard hi.value >= c.value else { throw TokenizerError.unsupported("pre-tokenizer regex \(regex): range \(c)-\(hi) is reversed") }
                add(c.value, hi.value)
                i += 3
            } else {
                add(c.value, c.value)
                i += 1
            }
        }
    }

    @inline(__always) func contains(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x10000 { return bmp[Int(v >> 6)] & (1 << UInt64(v & 63)) != 0 }
        return astral.contains { $0.contains(v) }
    }
}
