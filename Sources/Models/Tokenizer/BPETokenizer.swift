import Formats
import Foundation

/// A Hugging Face `tokenizer.json` with a byte-level BPE model, as the DeepSeek-LLM (and Janus) tokenizers are:
/// added tokens are cut out first (special ones on the raw text, the others — DeepSeek's single-character fillers
/// such as "ø" included — the same way, since there is no normalizer), then the `Sequence` of `Split` pre-tokenizers
/// (behaviour Isolated) and `ByteLevel`, then BPE with the merge ranks; BOS comes from the TemplateProcessing
/// post-processor. Ids equal the `tokenizers` library's.
public final class BPETokenizer: @unchecked Sendable {
    public let file: String
    let vocabulary: [String: Int]
    let idToToken: [Int: String]
    let ranks: [Pair: Int]
    let addedTokens: [(content: [Unicode.Scalar], id: Int, special: Bool)]
    let addedByID: [Int: (content: String, special: Bool)]
    /// Added tokens by their first code point, longest first.
    let addedByFirstScalar: [UInt32: [(content: [Unicode.Scalar], id: Int)]]
    let splits: [SplitPattern]
    let ignoreMerges: Bool
    public let bosID: Int?
    private var cache: [String: [Int]] = [:]
    private let lock = NSLock()

    struct Pair: Hashable { let a: String; let b: String }

    public convenience init(file path: String) throws {
        let doc: JSONDocument
        do { doc = try JSONReader.parse(file: path) } catch {
            throw TokenizerError.malformed(file: path, detail: "\(error)")
        }
        try self.init(document: doc)
    }

    public init(document doc: JSONDocument) throws {
        file = doc.file
        func malformed(_ detail: String) -> TokenizerError { .malformed(file: doc.file, detail: detail) }
        do {
            let root = doc.cursor
            let model = try root.object("model")
            let type = try model.string("type", default: "BPE")
            guard type == "BPE" else { throw malformed("model.type is \"\(type)\"; only BPE is supported") }
            var vocab: [String: Int] = [:]
            for (token, id) in try model.field("vocab").entries() { vocab[token] = try id.asInt() }
            guard !vocab.isEmpty else { throw malformed("model.vocab is empty") }
            var ranks: [Pair: Int] = [:]
            for (rank, merge) in try model.array("merges").enumerated() {
                let parts: [String]
                if let text = try? merge.asString() {
                    parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                } else {
                    parts = try merge.asArray().map { try $0.asString() }
                }
                guard parts.count == 2 else { throw malformed("model.merges[\(rank)] is not a pair of tokens: \(merge.value.kindDescription)") }
                if ranks[Pair(a: parts[0], b: parts[1])] == nil { ranks[Pair(a: parts[0], b: parts[1])] = rank }
            }
            ignoreMerges = try model.bool("ignore_merges", default: false)
            if try model.bool("byte_fallback", default: false) { throw TokenizerError.unsupported("model.byte_fallback true") }
            var added: [(content: [Unicode.Scalar], id: Int, special: Bool)] = []
            var addedByID: [Int: (content: String, special: Bool)] = [:]
            for t in try root.array("added_tokens") {
                let content = try t.string("content"), id = try t.int("id")
                for flag in ["lstrip", "rstrip", "single_word"] where try t.bool(flag, default: false) {
                    throw TokenizerError.unsupported("added token \"\(content)\" sets \(flag)")
                }
                added.append((Array(content.unicodeScalars), id, try t.bool("special", default: false)))
                addedByID[id] = (content, try t.bool("special", default: false))
            }
            // Longest first, so that matching at one position takes the longest token.
            addedTokens = added.sorted { $0.content.count > $1.content.count }
            self.addedByID = addedByID
            var byFirst: [UInt32: [(content: [Unicode.Scalar], id: Int)]] = [:]
            for t in addedTokens where !t.content.isEmpty { byFirst[t.content[0].value, default: []].append((t.content, t.id)) }
            addedByFirstScalar = byFirst
            var splits: [SplitPattern] = []
            if let pre = try root.optional("pre_tokenizer"), !pre.isNull {
                let pieces = try pre.string("type") == "Sequence" ? try pre.array("pretokenizers") : [pre]
                for p in pieces {
                    switch try p.string("type") {
                    case "Split":
                        let behavior = try p.string("behavior", default: "Isolated")
                        guard behavior == "Isolated", try !p.bool("invert", default: false) else {
                            throw TokenizerError.unsupported("Split with behavior \(behavior) / invert")
                        }
                        splits.append(try SplitPattern(regex: try p.object("pattern").string("Regex")))
                    case "ByteLevel":
                        guard try !p.bool("use_regex", default: true), try !p.bool("add_prefix_space", default: false) else {
                            throw TokenizerError.unsupported("ByteLevel pre-tokenizer with use_regex or add_prefix_space")
                        }
                    case let other:
                        throw TokenizerError.unsupported("pre-tokenizer \(other) (\(p.path))")
                    }
                }
            }
            if let normalizer = try root.optional("normalizer"), !normalizer.isNull {
                throw TokenizerError.unsupported("normalizer \(try normalizer.string("type"))")
            }
            self.splits = splits
            var bos: Int?
            if let post = try root.optional("post_processor"), !post.isNull, try post.string("type") == "TemplateProcessing" {
                if let first = try post.array("single").first, let special = try first.optional("SpecialToken") {
                    let name = try special.string("id")
                    bos = try post.object("special_tokens").object(name).array("ids").first.map { try $0.asInt() }
                }
            }
            bosID = bos
            vocabulary = vocab
            var inverse: [Int: String] = [:]
            for (t, i) in vocab { inverse[i] = t }
            idToToken = inverse
            self.ranks = ranks
        } catch let error as JSONError {
            throw malformed("\(error)")
        }
    }

    /// The id of a token given by its string (added tokens first, then the vocabulary).
    public func id(of token: String) -> Int? {
        if let hit = addedTokens.first(where: { String(String.UnicodeScalarView($0.content)) == token }) { return hit.id }
        return vocabulary[token]
    }

    public func requireID(of token: String) throws -> Int {
        guard let id = id(of: token) else { throw TokenizerError.unknownToken(token) }
        return id
    }

    public func encode(_ text: String, addBOS: Bool = false) -> [Int] {
        var ids: [Int] = []
        if addBOS, let bos = bosID { ids.append(bos) }
        let scalars = Array(text.unicodeScalars)
        var start = 0, i = 0
        while i < scalars.count {
            if let candidates = addedByFirstScalar[scalars[i].value], let token = candidates.first(where: { t in
                i + t.content.count <= scalars.count && scalars[i..<(i + t.content.count)].elementsEqual(t.content)
            }) {
                if start < i { encodeOrdinary(scalars, start..<i, into: &ids) }
                ids.append(token.id)
                i += token.content.count
                start = i
            } else {
                i += 1
            }
        }
        if start < scalars.count { encodeOrdinary(scalars, start..<scalars.count, into: &ids) }
        return ids
    }

    /// Pre-tokenize a stretch without added tokens (pieces are ranges of `scalars`), then BPE each piece.
    func encodeOrdinary(_ scalars: [Unicode.Scalar], _ range: Range<Int>, into ids: inout [Int]) {
        var pieces: [Range<Int>] = [range], next: [Range<Int>] = [], found: [Range<Int>] = []
        for split in splits {
            next.removeAll(keepingCapacity: true)
            for piece in pieces {
                found.removeAll(keepingCapacity: true)
                split.matches(scalars, in: piece, into: &found)
                var last = piece.lowerBound
                for m in found {
                    if m.lowerBound > last { next.append(last..<m.lowerBound) }
                    next.append(m)
                    last = m.upperBound
                }
                if last < piece.upperBound { next.append(last..<piece.upperBound) }
            }
            swap(&pieces, &next)
        }
        for piece in pieces where !piece.isEmpty {
            ids.append(contentsOf: bpe(ByteLevel.encode(scalars[piece])))
        }
    }

    /// BPE of one byte-level word: repeatedly merge the adjacent pair with the lowest rank.
    func bpe(_ word: String) -> [Int] {
        lock.lock()
        if let hit = cache[word] { lock.unlock(); return hit }
        lock.unlock()
        var result: [Int]
        if ignoreMerges, let id = vocabulary[word] {
            result = [id]
        } else {
            var symbols = word.unicodeScalars.map { String($0) }
            while symbols.count > 1 {
                var best = Int.max, at = -1
                for k in 0..<(symbols.count - 1) {
                    if let r = ranks[Pair(a: symbols[k], b: symbols[k + 1])], r < best { best = r; at = k }
                }
                if at < 0 { break }
                let a = symbols[at], b = symbols[at + 1]
                var merged: [String] = []
                merged.reserveCapacity(symbols.count)
                var k = 0
                while k < symbols.count {
                    if k + 1 < symbols.count && symbols[k] == a && symbols[k + 1] == b { merged.append(a + b); k += 2 }
                    else { merged.append(symbols[k]); k += 1 }
                }
                symbols = merged
            }
            // A symbol missing from the vocabulary cannot happen for byte-level BPE (every byte is a token).
            result = symbols.compactMap { vocabulary[$0] }
        }
        lock.lock(); cache[word] = result; lock.unlock()
        return result
    }

    /// One more than the largest id the tokenizer knows (vocabulary and added tokens).
    public var idCount: Int { max(idToToken.keys.max() ?? -1, addedByID.keys.max() ?? -1) + 1 }

    /// Refuses ids the tokenizer does not know, naming where they are (`position` prefixes the index), for ids that
    /// come from a user rather than from the model (`decode` itself skips unknown ids, as the model may emit them).
    public func checkKnown(_ ids: [Int], position: String) throws {
        for (i, id) in ids.enumerated() where addedByID[id] == nil && idToToken[id] == nil {
            throw TokenizerError.unknownID(id: id, position: "\(position)[\(i)]", vocabularySize: idCount)
        }
    }

    /// Text back from ids: byte-level tokens through the byte decoder; added tokens as their text (special ones
    /// skipped when asked). Ids the tokenizer does not know (the LLM has more output rows than tokens) decode to
    /// nothing. Unlike the `tokenizers` library, non-special added tokens such as DeepSeek's "ø" are emitted as
    /// text rather than pushed through the byte decoder (which turns them into U+FFFD), so decode(encode(s)) == s.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if let added = addedByID[id] {
                if added.special && skipSpecialTokens { continue }
                bytes.append(contentsOf: Array(added.content.utf8))
            } else if let token = idToToken[id] {
                ByteLevel.decode(token, into: &bytes)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
