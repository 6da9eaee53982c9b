import Formats

/// What a yes/no rule made of a free-form answer.
public enum YesNoLabel: String, Sendable, Codable {
    case yes, no, unknown
}

/// The three POPE answer rules in use, each reproducing its reference code; results name the rule.
public enum YesNoAnswerRule: String, CaseIterable, Sendable, Codable {
    /// POPE's evaluate.py (= LLaVA's eval_pope.py): first sentence, commas dropped, split on single spaces;
    /// "No", "not" or "no" as a word → no, anything else → yes (case-sensitive; never unknown).
    case popeOfficial = "pope-official"
    /// VLMEvalKit's YOrN_Extraction: lowercase, process_punctuation, split; yes without no → yes, no without yes
    /// → no, otherwise unknown (VLMEvalKit would then ask an LLM judge; janus-eval does not).
    case vlmevalkit = "vlmevalkit-yorn"
    /// lmms-eval: lower-cased, trimmed answer equal to "yes" or "no", otherwise unknown.
    case exact = "exact"

    public func label(_ answer: String) -> YesNoLabel { parse(answer).label }

    /// The label and a sentence saying how it was reached.
    public func parse(_ answer: String) -> (label: YesNoLabel, how: String) {
        switch self {
        case .popeOfficial:
            // On code points, as Python's str methods work: a combining mark after "." or " " must not hide it
            // (Swift's Characters would merge the two).
            var scalars = Array(answer.unicodeScalars)
            if let dot = scalars.firstIndex(of: ".") { scalars = Array(scalars[..<dot]) }
            scalars.removeAll { $0 == "," }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            let words = scalars.split(separator: " ", omittingEmptySubsequences: false).map { w -> String in
                var v = String.UnicodeScalarView(); v.append(contentsOf: w); return String(v)
            }
            if let hit = words.first(where: { $0 == "No" || $0 == "not" || $0 == "no" }) {
                return (.no, "first sentence \"\(String(text))\" has the word \"\(hit)\" → no")
            }
            return (.yes, "first sentence \"\(String(text))\" has no \"No\"/\"not\"/\"no\" → yes (the official rule's default)")
        case .vlmevalkit:
            let words = PythonText.split(Self.processPunctuation(answer.lowercased()))
            let yes = words.contains("yes"), no = words.contains("no")
            if yes && !no { return (.yes, "words contain \"yes\" and not \"no\"") }
            if no && !yes { return (.no, "words contain \"no\" and not \"yes\"") }
            return (.unknown, yes ? "words contain both \"yes\" and \"no\"" : "words contain neither \"yes\" nor \"no\"")
        case .exact:
            let t = PythonText.strip(answer.lowercased())
            if t == "yes" { return (.yes, "the answer is exactly \"yes\"") }
            if t == "no" { return (.no, "the answer is exactly \"no\"") }
            return (.unknown, "the answer is not exactly \"yes\" or \"no\"")
        }
    }

    /// VLMEvalKit's `process_punctuation` (vlmeval/smp/misc.py @ e8e78f05), quirks included: each listed
    /// character is deleted when it touches a space anywhere in the text (or the text has a digit,digit), else
    /// replaced by a space; then periods not next to a digit are deleted — at most 32 of them, because the code
    /// passes re.UNICODE (32) as the `count` argument of `re.sub`.
    public static func processPunctuation(_ text: String) -> String {
        let punctuation = [";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!"]
        let scalars = Array(text.unicodeScalars)
        var digitCommaDigit = false
        if scalars.count >= 3 {
            for i in 1..<(scalars.count - 1) where scalars[i] == "," && PythonText.isDigit(scalars[i - 1]) && PythonText.isDigit(scalars[i + 1]) {
                digitCommaDigit = true; break
            }
        }
        var out = text
        for p in punctuation {
            if PythonText.contains(text, p + " ") || PythonText.contains(text, " " + p) || digitCommaDigit {
                out = out.replacingOccurrences(of: p, with: "")
            } else {
                out = out.replacingOccurrences(of: p, with: " ")
            }
        }
        // (?<!\d)\.(?!\d), first 32 matches removed (matches are found on the original string, left to right).
        let chars = Array(out.unicodeScalars)
        var result = String.UnicodeScalarView()
        var removed = 0
        for (i, c) in chars.enumerated() {
            if c == ".", removed < 32,
               !(i > 0 && PythonText.isDigit(chars[i - 1])), !(i + 1 < chars.count && PythonText.isDigit(chars[i + 1])) {
                removed += 1
                continue
            }
            result.append(c)
        }
        return String(result)
    }
}

extension YesNoAnswerRule {
    /// The `--parser` spelling: official, vlmevalkit, exact.
    public var optionName: String {
        switch self {
        case .popeOfficial: return "official"
        case .vlmevalkit: return "vlmevalkit"
        case .exact: return "exact"
        }
    }

    public init(option: String) throws {
        guard let rule = Self.allCases.first(where: { $0.optionName == option || $0.rawValue == option }) else {
            throw SuiteError.invalid(path: "--parser", reason: "'\(option)' is not a POPE answer rule; expected official, vlmevalkit or exact")
        }
        self = rule
    }

    /// The code each rule reproduces.
    public var reference: String {
        switch self {
        case .popeOfficial: return "AoiDragon/POPE evaluate.py (= LLaVA eval_pope.py)"
        case .vlmevalkit: return "VLMEvalKit YOrN_Extraction @ e8e78f05 (no LLM judge)"
        case .exact: return "lmms-eval pope: exact yes/no"
        }
    }
}
