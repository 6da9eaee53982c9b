import Foundation

/// The text clean-up open_clip's tokenizer applies before BPE (`_clean_lower`: `basic_clean` then `whitespace_clean`,
/// then `.lower()`), without ftfy:
/// 1. Unicode NFC (what `ftfy.fix_text` does to text it finds nothing else wrong with);
/// 2. `html.unescape` twice (numeric references with Python's replacements for invalid code points; the named
///    references of the table below: every one Python accepts without a semicolon, plus common ones with it);
/// 3. strip, then runs of Python whitespace (`str.split()`) become one space;
/// 4. Python's `str.lower()` (full case mapping, final sigma).
///
/// Not done: ftfy's other repairs (mojibake, fullwidth characters, curly quotes are left as they are, ligatures,
/// terminal escapes, C1 controls, …) and named HTML references outside the table. transformers' CLIPTokenizer
/// differs from open_clip on its own: with ftfy it skips the html unescape; without ftfy it runs BERT's
/// BasicTokenizer (control characters dropped, spaces around CJK ideographs) instead.
public enum CLIPTextCleaner {
    public static func clean(_ text: String) -> String {
        var s = text.precomposedStringWithCanonicalMapping
        s = unescapeHTML(unescapeHTML(s))
        let words = split(s)
        return lower(words.joined(separator: " "))
    }

    /// Python's `str.isspace()` code points (what `str.split()` splits on).
    static let pythonWhitespace: Set<UInt32> = Set([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                                                    0x2028, 0x2029, 0x202F, 0x205F, 0x3000] + Array(0x2000...0x200A))

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool { pythonWhitespace.contains(s.value) }

    /// `str.split()`: runs of whitespace separate words; none are empty.
    static func split(_ s: String) -> [String] {
        var words: [String] = [], current = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if isWhitespace(scalar) {
                if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// `str.lower()`: each code point's full lowercase mapping; a capital sigma becomes final (ς) when a cased
    /// letter precedes it and none follows (case-ignorable code points skipped both ways), as Python does.
    static func lower(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            if scalar.value == 0x03A3 {
                var j = i - 1
                while j >= 0, scalars[j].properties.isCaseIgnorable { j -= 1 }
                let before = j >= 0 && scalars[j].properties.isCased
                var k = i + 1
                while k < scalars.count, scalars[k].properties.isCaseIgnorable { k += 1 }
                let after = k < scalars.count && scalars[k].properties.isCased
                out.append(before && !after ? "\u{03C2}" : "\u{03C3}")
                continue
            }
            out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    // MARK: html.unescape

    /// Python's html.unescape: `&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)`.
    public static func unescapeHTML(_ s: String) -> String {
        guard s.unicodeScalars.contains("&") else { return s }
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "&", i + 1 < scalars.count else { out.append(scalars[i]); i += 1; continue }
            var j = i + 1
            if scalars[j] == "#" {
                j += 1
                let hex = j < scalars.count && (scalars[j] == "x" || scalars[j] == "X")
                if hex { j += 1 }
                let start = j
                while j < scalars.count, hex ? scalars[j].properties.isASCIIHexDigit : ("0"..."9").contains(scalars[j]) { j += 1 }
                if j == start { out.append(scalars[i]); i += 1; continue }   // "&#" or "&#x" with no digits: left as is
                let digits = String(String.UnicodeScalarView(scalars[start..<j]))
                if j < scalars.count, scalars[j] == ";" { j += 1 }
                out.append(contentsOf: numericReference(digits, hex: hex).unicodeScalars)
                i = j
                continue
            }
            // A name: 1...32 code points that are not \t \n \f space < & # ;, then an optional ";".
            while j < scalars.count, j - (i + 1) < 32, !"\t\n\u{0C} <&#;".unicodeScalars.contains(scalars[j]) { j += 1 }
            if j == i + 1 { out.append(scalars[i]); i += 1; continue }
            var name = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
            let semicolon = j < scalars.count && scalars[j] == ";"
            if semicolon { j += 1 }
            if semicolon, let value = entities[name] {
                out.append(contentsOf: value.unicodeScalars)
            } else if !semicolon, legacyNames.contains(name), let value = entities[name] {
                out.append(contentsOf: value.unicodeScalars)
            } else {
                // The longest prefix (at least 2 code points) that is a name valid without a semicolon.
                if semicolon { name += ";" }
                let nameScalars = Array(name.unicodeScalars)
                var replaced = false
                var x = nameScalars.count - 1
                while x > 1 {
                    let prefix = String(String.UnicodeScalarView(nameScalars[0..<x]))
                    if legacyNames.contains(prefix), let value = entities[prefix] {
                        out.append(contentsOf: value.unicodeScalars)
                        out.append(contentsOf: nameScalars[x...])
                        replaced = true
                        break
                    }
                    x -= 1
                }
                if !replaced { out.append("&"); out.append(contentsOf: nameScalars) }
            }
            i = j
        }
        return String(out)
    }

    static func numericReference(_ digits: String, hex: Bool) -> String {
        // Python parses any length; a value past 0x10FFFF (or too long to parse) becomes U+FFFD.
        guard let number = UInt64(digits, radix: hex ? 16 : 10), number <= 0x10FFFF else { return "\u{FFFD}" }
        let n = UInt32(number)
        if let replacement = invalidCharacterReferences[n] { return String(Unicode.Scalar(replacement)!) }
        if (0xD800...0xDFFF).contains(n) { return "\u{FFFD}" }
        if (0x1...0x8).contains(n) || (0xE...0x1F).contains(n) || (0x7F...0x9F).contains(n) || (0xFDD0...0xFDEF).contains(n)
            || n == 0xB || (n & 0xFFFE) == 0xFFFE { return "" }
        return String(Unicode.Scalar(n)!)
    }

    /// html._invalid_charrefs (the HTML5 spec's table for references to NUL, CR and the C1 range).
    static let invalidCharacterReferences: [UInt32: UInt32] = [
        0x00: 0xFFFD, 0x0D: 0x0D, 0x80: 0x20AC, 0x81: 0x81, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026,
        0x86: 0x2020, 0x87: 0x2021, 0x88: 0x02C6, 0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152, 0x8D: 0x8D,
        0x8E: 0x017D, 0x8F: 0x8F, 0x90: 0x90, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022,
        0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC, 0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A, 0x9C: 0x0153, 0x9D: 0x9D,
        0x9E: 0x017E, 0x9F: 0x0178,
    ]

    /// Names Python's html5 table accepts without a trailing semicolon.
    static let legacyNames: Set<String> = ["AElig", "AMP", "Aacute", "Acirc", "Agrave", "Aring", "Atilde", "Auml", "COPY", "Ccedil", "ETH", "Eacute", "Ecirc", "Egrave", "Euml", "GT", "Iacute", "Icirc", "Igrave", "Iuml", "LT", "Ntilde", "Oacute", "Ocirc", "Ograve", "Oslash", "Otilde", "Ouml", "QUOT", "REG", "THORN", "Uacute", "Ucirc", "Ugrave", "Uuml", "Yacute", "aacute", "acirc", "acute", "aelig", "agrave", "amp", "aring", "atilde", "auml", "brvbar", "ccedil", "cedil", "cent", "copy", "curren", "deg", "divide", "eacute", "ecirc", "egrave", "eth", "euml", "frac12", "frac14", "frac34", "gt", "iacute", "icirc", "iexcl", "igrave", "iquest", "iuml", "laquo", "lt", "macr", "micro", "middot", "nbsp", "not", "ntilde", "oacute", "ocirc", "ograve", "ordf", "ordm", "oslash", "otilde", "ouml", "para", "plusmn", "pound", "quot", "raquo", "reg", "sect", "shy", "sup1", "sup2", "sup3", "szlig", "thorn", "times", "uacute", "ucirc", "ugrave", "uml", "uuml", "yacute", "yen", "yuml"]

    /// Named references understood (name without ";" → text).
    static let entities: [String: String] = ["AElig": "\u{c6}", "AMP": "\u{26}", "Aacute": "\u{c1}", "Acirc": "\u{c2}", "Agrave": "\u{c0}", "Aring": "\u{c5}", "Atilde": "\u{c3}", "Auml": "\u{c4}", "COPY": "\u{a9}", "Ccedil": "\u{c7}", "Dagger": "\u{2021}", "ETH": "\u{d0}", "Eacute": "\u{c9}", "Ecirc": "\u{ca}", "Egrave": "\u{c8}", "Euml": "\u{cb}", "GT": "\u{3e}", "Iacute": "\u{cd}", "Icirc": "\u{ce}", "Igrave": "\u{cc}", "Iuml": "\u{cf}", "LT": "\u{3c}", "Ntilde": "\u{d1}", "OElig": "\u{152}", "Oacute": "\u{d3}", "Ocirc": "\u{d4}", "Ograve": "\u{d2}", "Omega": "\u{3a9}", "Oslash": "\u{d8}", "Otilde": "\u{d5}", "Ouml": "\u{d6}", "QUOT": "\u{22}", "REG": "\u{ae}", "Scaron": "\u{160}", "THORN": "\u{de}", "Uacute": "\u{da}", "Ucirc": "\u{db}", "Ugrave": "\u{d9}", "Uuml": "\u{dc}", "Yacute": "\u{dd}", "Yuml": "\u{178}", "aacute": "\u{e1}", "acirc": "\u{e2}", "acute": "\u{b4}", "aelig": "\u{e6}", "agrave": "\u{e0}", "alpha": "\u{3b1}", "amp": "\u{26}", "apos": "\u{27}", "aring": "\u{e5}", "asymp": "\u{2248}", "atilde": "\u{e3}", "auml": "\u{e4}", "bdquo": "\u{201e}", "beta": "\u{3b2}", "brvbar": "\u{a6}", "bull": "\u{2022}", "ccedil": "\u{e7}", "cedil": "\u{b8}", "cent": "\u{a2}", "circ": "\u{2c6}", "clubs": "\u{2663}", "copy": "\u{a9}", "curren": "\u{a4}", "dagger": "\u{2020}", "darr": "\u{2193}", "deg": "\u{b0}", "delta": "\u{3b4}", "diams": "\u{2666}", "divide": "\u{f7}", "eacute": "\u{e9}", "ecirc": "\u{ea}", "egrave": "\u{e8}", "emsp": "\u{2003}", "ensp": "\u{2002}", "eth": "\u{f0}", "euml": "\u{eb}", "euro": "\u{20ac}", "fnof": "\u{192}", "frac12": "\u{bd}", "frac14": "\u{bc}", "frac34": "\u{be}", "gamma": "\u{3b3}", "ge": "\u{2265}", "gt": "\u{3e}", "hearts": "\u{2665}", "hellip": "\u{2026}", "iacute": "\u{ed}", "icirc": "\u{ee}", "iexcl": "\u{a1}", "igrave": "\u{ec}", "infin": "\u{221e}", "iquest": "\u{bf}", "iuml": "\u{ef}", "lambda": "\u{3bb}", "laquo": "\u{ab}", "larr": "\u{2190}", "ldquo": "\u{201c}", "le": "\u{2264}", "lrm": "\u{200e}", "lsaquo": "\u{2039}", "lsquo": "\u{2018}", "lt": "\u{3c}", "macr": "\u{af}", "mdash": "\u{2014}", "micro": "\u{b5}", "middot": "\u{b7}", "minus": "\u{2212}", "mu": "\u{3bc}", "nbsp": "\u{a0}", "ndash": "\u{2013}", "ne": "\u{2260}", "not": "\u{ac}", "ntilde": "\u{f1}", "oacute": "\u{f3}", "ocirc": "\u{f4}", "oelig": "\u{153}", "ograve": "\u{f2}", "omega": "\u{3c9}", "ordf": "\u{aa}", "ordm": "\u{ba}", "oslash": "\u{f8}", "otilde": "\u{f5}", "ouml": "\u{f6}", "para": "\u{b6}", "permil": "\u{2030}", "pi": "\u{3c0}", "plusmn": "\u{b1}", "pound": "\u{a3}", "prod": "\u{220f}", "quot": "\u{22}", "radic": "\u{221a}", "raquo": "\u{bb}", "rarr": "\u{2192}", "rdquo": "\u{201d}", "reg": "\u{ae}", "rlm": "\u{200f}", "rsaquo": "\u{203a}", "rsquo": "\u{2019}", "sbquo": "\u{201a}", "scaron": "\u{161}", "sect": "\u{a7}", "shy": "\u{ad}", "sigma": "\u{3c3}", "spades": "\u{2660}", "sum": "\u{2211}", "sup1": "\u{b9}", "sup2": "\u{b2}", "sup3": "\u{b3}", "szlig": "\u{df}", "theta": "\u{3b8}", "thinsp": "\u{2009}", "thorn": "\u{fe}", "tilde": "\u{2dc}", "times": "\u{d7}", "trade": "\u{2122}", "uacute": "\u{fa}", "uarr": "\u{2191}", "ucirc": "\u{fb}", "ugrave": "\u{f9}", "uml": "\u{a8}", "uuml": "\u{fc}", "yacute": "\u{fd}", "yen": "\u{a5}", "yuml": "\u{ff}", "zwj": "\u{200d}", "zwnj": "\u{200c}"]
}
