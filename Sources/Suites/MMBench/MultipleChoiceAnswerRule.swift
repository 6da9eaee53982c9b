import Foundation
import Formats

/// VLMEvalKit's rule-based option extraction (`can_infer`, vlmeval/utils/matching_util.py @ e8e78f05): first
/// an option letter standing alone near the end of the answer (or "the answer is B"), then an option's text
/// appearing in a short answer. No LLM judge: what this cannot parse stays unparsed and is scored wrong.
public enum MultipleChoiceAnswerRule {
    /// Recorded in results so a score says which rules produced it.
    public static let reference = "VLMEvalKit can_infer @ e8e78f05 (no LLM judge)"

    public enum Extraction: Equatable, Sendable {
        /// A choice letter.
        case option(String)
        /// "Z": the model refused or answered outside the choices.
        case refused
        case unparsed

        public var letter: String? { if case .option(let l) = self { return l }; return nil }
    }

    /// - Parameter choices: letter → option text, in letter order.
    public static func extract(_ answer: String, choices: [(letter: String, text: String)]) -> (Extraction, String) {
        if let (letter, how) = inferOption(answer, choices: choices) {
            return letter == "Z" ? (.refused, how) : (.option(letter), how)
        }
        if let (letter, how) = inferText(answer, choices: choices) { return (.option(letter), how) }
        return (.unparsed, "no option letter near the end and no single option text in the answer")
    }

    static let verbosePattern = try! NSRegularExpression(pattern: #"(?i)(?:correct\s+)?answer\s+is\s+\**([ABCD])\**"#)

    static func inferOption(_ answer: String, choices: [(letter: String, text: String)]) -> (String, String)? {
        if answer.contains("Failed to obtain answer via API") { return nil }
        for refusal in ["Sorry, I can't help with images of people yet.", "I can't process this file.",
                        "I'm sorry, but without the image provided", "Cannot determine the answer"] where answer.contains(refusal) {
            return ("Z", "a refusal (\"\(refusal)\")")
        }
        var modified = answer
        for c in ".()[],:;!*#{}" { modified = modified.replacingOccurrences(of: String(c), with: " ") }
        let splits = PythonText.split(modified).map(PythonText.strip)
        let letters = choices.map(\.letter)
        let count = letters.filter { splits.contains($0) }.count
        if count == 1 {
            for letter in letters {
                if let index = splits.firstIndex(of: letter), index > splits.count - 5 {
                    return (letter, "the letter \(letter) stands alone among the last words")
                }
            }
        } else if count == 0 && splits.filter({ $0 == "Z" }).count == 1 {
            return ("Z", "the answer is the letter Z (no option)")
        }
        let range = NSRange(answer.startIndex..., in: answer)
        if let match = verbosePattern.firstMatch(in: answer, range: range), let r = Range(match.range(at: 1), in: answer) {
            let letter = answer[r].uppercased()
            if letters.contains(letter) { return (letter, "\"answer is \(letter)\" in the text") }
        }
        return nil
    }

    static func inferText(_ answer: String, choices: [(letter: String, text: String)]) -> (String, String)? {
        let lower = answer.lowercased()
        if PythonText.length(lower) > 2 * choices.reduce(0, { $0 + PythonText.length($1.text) }) { return nil }
        let hits = choices.filter { PythonText.contains(lower, $0.text.lowercased()) }
        if hits.count == 1 { return (hits[0].letter, "the text of option \(hits[0].letter) (\"\(hits[0].text)\") appears in the answer") }
        return nil
    }
}
