import Foundation

/// A token of Swift source, as much as the layering check needs: comments are dropped and a string literal
/// (plain, raw `#"…"#`, multi-line `"""…"""`, with interpolations) is one token, so text inside strings and
/// comments is never mistaken for code.
struct SwiftToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable { case identifier, string, number, punctuation }
    var kind: Kind
    /// Identifier (without backticks), number text, one punctuation character, or the string's decoded value.
    var text: String
    /// 1-based line of the token's first character.
    var line: Int
    /// UTF-8 offsets of the token in the source: `start..<end`.
    var start: Int
    var end: Int
    /// A string literal containing `\( … )`: its value is not a constant.
    var interpolated = false

    func isPunct(_ c: String) -> Bool { kind == .punctuation && text == c }
    func isIdent(_ s: String) -> Bool { kind == .identifier && text == s }
}

struct SwiftLexError: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

/// A small Swift lexer: identifiers, numbers, single-character punctuation, string literals; skips comments
/// (nested `/* */` included). It does not understand regex literals (`/…/`), which janus-eval does not use.
struct SwiftLexer {
    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1

    static func tokenize(_ text: String) throws(SwiftLexError) -> [SwiftToken] {
        var lexer = SwiftLexer(bytes: Array(text.utf8))
        return try lexer.lexCode(inInterpolation: false)
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private static let quote = UInt8(ascii: "\""), hash = UInt8(ascii: "#"), slash = UInt8(ascii: "/")
    private static let star = UInt8(ascii: "*"), backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n")
    private static let backtick = UInt8(ascii: "`"), openParen = UInt8(ascii: "("), closeParen = UInt8(ascii: ")")

    private func peek(_ k: Int = 0) -> UInt8? { pos + k < bytes.count ? bytes[pos + k] : nil }
    private mutating func advance(_ n: Int = 1) {
        for _ in 0..<n where pos < bytes.count {
            if bytes[pos] == Self.newline { line += 1 }
            pos += 1
        }
    }
    private static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x24 || c >= 0x80
    }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }

    /// Lexes code until the end of input, or (inside `\( … )`) until the unmatched `)`, which it consumes.
    private mutating func lexCode(inInterpolation: Bool) throws(SwiftLexError) -> [SwiftToken] {
        var tokens: [SwiftToken] = []
        var depth = 0
        while let c = peek() {
            let start = pos, startLine = line
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C {
                advance()
            } else if c == Self.slash && peek(1) == Self.slash {
                while let d = peek(), d != Self.newline { _ = d; advance() }
            } else if c == Self.slash && peek(1) == Self.star {
                try skipBlockComment()
            } else if c == Self.quote {
                tokens.append(try lexString(start: start, hashes: 0))
            } else if c == Self.hash {
                var n = 0
                while peek(n) == Self.hash { n += 1 }
                if peek(n) == Self.quote {
                    advance(n)
                    tokens.append(try lexString(start: start, hashes: n))
                } else {
                    advance()
                    tokens.append(SwiftToken(kind: .punctuation, text: "#", line: startLine, start: start, end: pos))
                }
            } else if c == Self.backtick {
                advance()
                while let d = peek(), d != Self.backtick, d != Self.newline { _ = d; advance() }
                guard peek() == Self.backtick else {
                    throw SwiftLexError(line: startLine, message: "unterminated backticked identifier")
                }
                advance()
                tokens.append(SwiftToken(kind: .identifier, text: text(start + 1..<pos - 1), line: startLine,
                                         start: start, end: pos))
            } else if Self.isIdentStart(c) {
                while let d = peek(), Self.isIdentStart(d) || Self.isDigit(d) { _ = d; advance() }
                tokens.append(SwiftToken(kind: .identifier, text: text(start..<pos), line: startLine, start: start, end: pos))
            } else if Self.isDigit(c) {
                while let d = peek(), Self.isIdentStart(d) || Self.isDigit(d)
                        || (d == UInt8(ascii: ".") && peek(1).map(Self.isDigit) == true) { _ = d; advance() }
                tokens.append(SwiftToken(kind: .number, text: text(start..<pos), line: startLine, start: start, end: pos))
            } else {
                if inInterpolation {
                    if c == Self.openParen { depth += 1 }
                    if c == Self.closeParen {
                        if depth == 0 { advance(); return tokens }
                        depth -= 1
                    }
                }
                advance()
                tokens.append(SwiftToken(kind: .punctuation, text: text(start..<pos), line: startLine, start: start, end: pos))
            }
        }
        if inInterpolation { throw SwiftLexError(line: line, message: "unterminated string interpolation") }
        return tokens
    }

    private mutating func skipBlockComment() throws(SwiftLexError) {
        let startLine = line
        var depth = 0
        while pos < bytes.count {
            if peek() == Self.slash && peek(1) == Self.star { depth += 1; advance(2) }
            else if peek() == Self.star && peek(1) == Self.slash {
                depth -= 1; advance(2)
                if depth == 0 { return }
            } else { advance() }
        }
        throw SwiftLexError(line: startLine, message: "unterminated /* comment")
    }

    /// At the opening quote (after `hashes` `#`s); `start` is where the literal (its first `#`) begins.
    private mutating func lexString(start: Int, hashes: Int) throws(SwiftLexError) -> SwiftToken {
        let startLine = line
        let multiline = peek(1) == Self.quote && peek(2) == Self.quote
        advance(multiline ? 3 : 1)
        var value: [UInt8] = []
        var interpolated = false
        func closesHere(_ lexer: SwiftLexer, quotes: Int) -> Bool {
            for k in 0..<quotes where lexer.peek(k) != Self.quote { return false }
            for k in 0..<hashes where lexer.peek(quotes + k) != Self.hash { return false }
            return true
        }
        func escapeHere(_ lexer: SwiftLexer) -> Bool {
            guard lexer.peek() == Self.backslash else { return false }
            for k in 0..<hashes where lexer.peek(1 + k) != Self.hash { return false }
            return true
        }
        while true {
            guard let c = peek() else {
                throw SwiftLexError(line: startLine, message: "unterminated string literal")
            }
            if closesHere(self, quotes: multiline ? 3 : 1) {
                advance((multiline ? 3 : 1) + hashes)
                break
            }
            if c == Self.newline && !multiline {
                throw SwiftLexError(line: startLine, message: "unterminated string literal")
            }
            if escapeHere(self) {
                advance(1 + hashes)
                guard let e = peek() else { continue }
                switch e {
                case Self.openParen:
                    advance()
                    interpolated = true
                    _ = try lexCode(inInterpolation: true)
                case UInt8(ascii: "n"): value.append(0x0A); advance()
                case UInt8(ascii: "t"): value.append(0x09); advance()
                case UInt8(ascii: "r"): value.append(0x0D); advance()
                case UInt8(ascii: "0"): value.append(0x00); advance()
                case UInt8(ascii: "u"):
                    advance()
                    var hex: [UInt8] = []
                    if peek() == UInt8(ascii: "{") {
                        advance()
                        while let h = peek(), h != UInt8(ascii: "}"), h != Self.newline { hex.append(h); advance() }
                        advance()
                    }
                    if let v = UInt32(String(decoding: hex, as: UTF8.self), radix: 16), let s = Unicode.Scalar(v) {
                        value.append(contentsOf: Array(String(Character(s)).utf8))
                    }
                case Self.newline: advance()   // line continuation in a multi-line string
                default: value.append(e); advance()
                }
                continue
            }
            value.append(c)
            advance()
        }
        return SwiftToken(kind: .string, text: String(decoding: value, as: UTF8.self), line: startLine,
                          start: start, end: pos, interpolated: interpolated)
    }
}
