import Foundation

/// CLIP's byte-level BPE tokenizer as open_clip's `SimpleTokenizer` runs it (what GenEval uses), reading the Hugging
/// Face files (`vocab.json`, `merges.txt`):
/// - text cleaned by `CLIPTextCleaner` (NFC, html unescape ×2, whitespace collapsed, lower case; no ftfy);
/// - pre-tokenised by `'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+` (one digit per token);
/// - each piece's UTF-8 bytes mapped through GPT-2's byte→character table, `</w>` appended to its last symbol, then
///   merged pair by pair in merge-rank order;
/// - `<|startoftext|>` … `<|endoftext|>`, truncated to the context length (77) with the last id set to end-of-text.
/// Text never produces the special tokens (open_clip's special names are `<start_of_text>` / `<end_of_text>`, which
/// HF's files do not hold; transformers would map `<|endoftext|>` in text to its id).
public final class CLIPTokenizer: @unchecked Sendable {
    public let startOfText: Int
    public let endOfText: Int
    public let vocabularySize: Int
    let encoder: [String: Int]
    let ranks: [String: Int]          // "a b" → rank
    let byteSymbols: [String]         // byte → its character
    private var cache: [String: [Int]] = [:]
    private let lock = NSLock()

    /// open_clip and transformers both read at most this many merges (49152 − 256 − 2).
    public static let maxMerges = 48_894

    public convenience init(vocabFile: String, mergesFile: String) throws {
        guard let vocabData = FileManager.default.contents(atPath: vocabFile) else {
            throw CLIPError.invalidVocabulary(file: vocabFile, detail: "cannot read the file")
        }
        let vocab: [String: Int]
        do { vocab = try JSONDecoder().decode([String: Int].self, from: vocabData) } catch {
            throw CLIPError.invalidVocabulary(file: vocabFile, detail: "expected a JSON object of token → id (\(error))")
        }
        guard let mergesData = FileManager.default.contents(atPath: mergesFile),
              let text = String(data: mergesData, encoding: .utf8) else {
            throw CLIPError.invalidVocabulary(file: mergesFile, detail: "cannot read the file as UTF-8")
        }
        try self.init(vocabulary: vocab, mergesText: text, vocabFile: vocabFile, mergesFile: mergesFile)
    }

    /// `mergesText` is merges.txt: a header line (`#version: …`, skipped whatever it says, as both references do),
    /// then one `left right` pair per line.
    public init(vocabulary: [String: Int], mergesText: String, vocabFile: String = "vocab.json", mergesFile: String = "merges.txt") throws {
        let lines = mergesText.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false)
        var ranks: [String: Int] = [:]
        for (n, line) in lines.dropFirst().prefix(Self.maxMerges).enumerated() {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2 else {
                throw CLIPError.invalidVocabulary(file: mergesFile, detail: "line \(n + 2): expected two symbols separated by a space, found '\(line.prefix(60))'")
            }
            let key = parts[0] + " " + parts[1]
            if ranks[String(key)] == nil { ranks[String(key)] = n }
        }
        guard let sot = vocabulary["<|startoftext|>"], let eot = vocabulary["<|endoftext|>"] else {
            throw CLIPError.invalidVocabulary(file: vocabFile, detail: "expected the tokens <|startoftext|> and <|endoftext|>")
        }
        let ids = Set(vocabulary.values)
        guard ids.count == vocabulary.count, ids.min() == 0, ids.max() == vocabulary.count - 1 else {
            throw CLIPError.invalidVocabulary(file: vocabFile, detail: "ids must be 0..<\(vocabulary.count), each once")
        }
        let symbols = Self.byteToCharacter()
        if let missing = symbols.first(where: { vocabulary[$0] == nil || vocabulary[$0 + "</w>"] == nil }) {
            throw CLIPError.invalidVocabulary(file: vocabFile, detail: "the byte symbol '\(missing)' (or '\(missing)</w>') is missing: not a CLIP byte-level vocabulary")
        }
        encoder = vocabulary
        self.ranks = ranks
        byteSymbols = symbols
        startOfText = sot
        endOfText = eot
        vocabularySize = vocabulary.count
    }

    /// GPT-2's `bytes_to_unicode`: printable Latin-1 bytes map to themselves, the others to U+0100 onwards.
    static func byteToCharacter() -> [String] {
        var table = [String](repeating: "", count: 256)
        var printable = Set<Int>()
        for r in [0x21...0x7E, 0xA1...0xAC, 0xAE...0xFF] { for b in r { printable.insert(b) } }
        var next = 256
        for b in 0..<256 {
            if printable.contains(b) { table[b] = String(Unicode.Scalar(UInt32(b))!) } else {
                table[b] = String(Unicode.Scalar(UInt32(next))!); next += 1
            }
        }
        return table
    }

    /// The pre-tokenisation pieces of cleaned text.
    static func pieces(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        var out: [String] = []
        var i = 0
        func isLetter(_ c: Unicode.Scalar) -> Bool {
            switch c.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
            default: return false
            }
        }
        func isNumber(_ c: Unicode.Scalar) -> Bool {
            switch c.properties.generalCategory {
            case .decimalNumber, .letterNumber, .otherNumber: return true
            default: return false
            }
        }
        // The regex module's IGNORECASE compares simple case folds: ſ (U+017F) folds to s.
        func lowerEquals(_ c: Unicode.Scalar, _ ascii: Character) -> Bool {
            String(c).lowercased() == String(ascii) || (ascii == "s" && c == "\u{017F}")
        }
        while i < s.count {
            let c = s[i]
            if CLIPTextCleaner.isWhitespace(c) { i += 1; continue }
            if c == "'" {
                // 's 't 're 've 'm 'll 'd, in that order, case-insensitively.
                let contractions = ["s", "t", "re", "ve", "m", "ll", "d"]
                var matched = false
                for tail in contractions where i + tail.count < s.count {
                    if zip(tail, s[(i + 1)...(i + tail.count)]).allSatisfy({ lowerEquals($1, $0) }) {
                        out.append(String(String.UnicodeScalarView(s[i...(i + tail.count)])))
                        i += tail.count + 1
                        matched = true
                        break
                    }
                }
                if matched { continue }
            }
            var j = i + 1
            if isLetter(c) {
                while j < s.count, isLetter(s[j]) { j += 1 }
            } else if isNumber(c) {
                // one code point
            } else {
                while j < s.count, !isLetter(s[j]), !isNumber(s[j]), !CLIPTextCleaner.isWhitespace(s[j]) { j += 1 }
            }
            out.append(String(String.UnicodeScalarView(s[i..<j])))
            i = j
        }
        return out
    }

    /// The BPE ids of one piece.
    func bpe(_ piece: String) throws -> [Int] {
        lock.lock()
        if let hit = cache[piece] { lock.unlock(); return hit }
        lock.unlock()
        var word = Array(piece.utf8).map { byteSymbols[Int($0)] }
        word[word.count - 1] += "</w>"
        while word.count > 1 {
            var best: (rank: Int, index: Int)? = nil
            for k in 0..<(word.count - 1) {
                if let r = ranks[word[k] + " " + word[k + 1]], r < (best?.rank ?? Int.max) { best = (r, k) }
            }
            guard let chosen = best else { break }
            let first = word[chosen.index], second = word[chosen.index + 1]
            var merged: [String] = []
            merged.reserveCapacity(word.count)
            var k = 0
            while k < word.count {
                if k < word.count - 1, word[k] == first, word[k + 1] == second {
                    merged.append(first + second); k += 2
                } else {
                    merged.append(word[k]); k += 1
                }
            }
            word = merged
        }
        let ids = try word.map { symbol -> Int in
            guard let id = encoder[symbol] else {
                throw CLIPError.invalidVocabulary(file: "vocab.json", detail: "the merged symbol '\(symbol)' has no id")
            }
            return id
        }
        lock.lock(); cache[piece] = ids; lock.unlock()
        return ids
    }

    /// Ids of the cleaned text, without the start/end tokens (open_clip's `encode`).
    public func encode(_ text: String) throws -> [Int] {
        try Self.pieces(CLIPTextCleaner.clean(text)).flatMap { try bpe($0) }
    }

    /// `<|startoftext|>` + ids + `<|endoftext|>`, cut to `contextLength` with the last id set to end-of-text
    /// (open_clip's `tokenize`, without the zero padding).
    public func tokenize(_ text: String, contextLength: Int = 77) throws -> [Int] {
        precondition(contextLength >= 2)
        var ids = [startOfText] + (try encode(text)) + [endOfText]
        if ids.count > contextLength {
            ids = Array(ids.prefix(contextLength))
            ids[contextLength - 1] = endOfText
        }
        return ids
    }
}
