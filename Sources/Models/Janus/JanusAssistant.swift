import Formats
import Foundation
import Tensors

/// Answers a question about an image with a Janus-family checkpoint, as the reference `inference.py` does:
/// understanding system prompt, the SFT template with the model's roles, `<image_placeholder>` expanded to
/// BOI + N image tokens + EOI, greedy decoding to EOS or a token limit, decoded without special tokens.
///
/// Several questions about one image (`answers`) share the prompt up to the end of the image tokens — the system
/// prompt, the user role, the image — whose keys and values are computed once (SigLIP included) and kept in a
/// prefix cache bounded by bytes, then continue it each with its own question: the same tokens as `answer`.
public final class JanusAssistant: VisualQA, @unchecked Sendable {
    public let model: JanusUnderstandingModel
    public let tokenizer: BPETokenizer
    public let template: ChatTemplate
    public let imageTokenCount: Int
    let imageID: Int, beginOfImageID: Int, endOfImageID: Int, endOfSentenceID: Int

    /// - Parameter template: nil chooses by the tokenizer: Pro roles when it has `<|User|>`, else User/Assistant.
    public var precision: ActivationPrecision { model.precision }

    public init(folder: URL, template: ChatTemplate? = nil, precision: ActivationPrecision = .f32) throws {
        let start = Date()
        model = try JanusUnderstandingModel(folder: folder, precision: precision)
        (tokenizer, self.template) = try JanusTokenizer.load(folder: folder, template: template)
        imageID = try tokenizer.requireID(of: ChatTemplate.imagePlaceholder)
        beginOfImageID = try tokenizer.requireID(of: ChatTemplate.beginOfImage)
        endOfImageID = try tokenizer.requireID(of: ChatTemplate.endOfImage)
        endOfSentenceID = try tokenizer.requireID(of: ChatTemplate.endOfSentence)
        imageTokenCount = model.vision.spec.tokenCount
        loadSeconds = Date().timeIntervalSince(start)
    }
    public let loadSeconds: Double

    /// Image prefixes (keys and values of everything through `<end_of_image>`), by image and prompt tokens.
    let prefixes = PrefixCache<LlamaKVCache>(capacityBytes: PrefixReuse.defaultCacheBytes)
    private var reuse = PrefixReuse.standard

    public var prefixReuse: PrefixReuse {
        get { reuse }
        set { reuse = newValue; prefixes.capacityBytes = newValue.enabled ? newValue.cacheBytes : 0 }
    }

    public var prefixCacheStatistics: PrefixCacheStatistics? {
        var s = prefixes.statistics
        if !reuse.enabled { s.capacityBytes = nil }
        return s
    }

    /// Continuing rows per batch are bounded by the bytes of their own keys and values (allocated for the longest
    /// answer; pages are touched only as answers grow).
    static let continuationBudgetBytes = 2 << 30
    /// A group prefix past the image (MMBench's hint and question, shared by its rotations) is computed once when
    /// it saves at least this many prompt rows over the group's questions; shorter shared text stays in each suffix.
    static let extensionMinimumSavedRows = 64

    /// Prompt ids with the placeholder expanded (what the reference processor feeds the model).
    public func promptIDs(question: String) -> [Int] {
        let ids = tokenizer.encode(template.understandingPrompt(question: question), addBOS: true)
        return ids.flatMap { $0 == imageID ? [beginOfImageID] + Array(repeating: imageID, count: imageTokenCount) + [endOfImageID] : [$0] }
    }

    public func answer(image: RGBImage, question: String, maxNewTokens: Int = 512) throws -> VisualAnswer {
        var timings: [String: Double] = [:]
        var t = Date()
        let pixels = JanusImagePreprocessor(imageSize: model.vision.spec.imageSize)(image)
        let (_, aligned) = model.imageEmbeddings(pixels)
        timings["vision_s"] = Date().timeIntervalSince(t)
        t = Date()
        let ids = promptIDs(question: question)
        let limit = model.config.languageConfig.maxPositionEmbeddings
        guard maxNewTokens >= 1, ids.count + maxNewTokens <= limit else {
            throw ModelError.tooLong(promptTokens: ids.count, newTokens: maxNewTokens, limit: limit)
        }
        let estimate = LlamaMemoryEstimate(config: model.config.languageConfig, batch: 1, promptTokens: ids.count,
                                           capacity: ids.count + maxNewTokens, precision: model.language.precision)
        try MemoryBudget.check(estimate.totalBytes, for: "answering a \(ids.count)-token prompt (\(estimate.summary))")
        let embeddings = try model.inputEmbeddings(ids: ids, imageTokenID: imageID, beginOfImageID: beginOfImageID, aligned: aligned)
        var decodeStart = Date()
        let generated = try model.greedy(embeddings: embeddings, eos: endOfSentenceID, maxNewTokens: maxNewTokens) { prefillDone in
            timings["prefill_s"] = prefillDone.timeIntervalSince(t)
            decodeStart = prefillDone
        }
        let decodeSeconds = Date().timeIntervalSince(decodeStart)
        timings["decode_s"] = decodeSeconds
        timings["decode_ms_per_token"] = generated.count > 1 ? 1000 * decodeSeconds / Double(generated.count - 1) : 0
        return VisualAnswer(text: tokenizer.decode(generated), tokenIDs: generated, promptTokens: ids.count, timings: timings)
    }

    /// The questions about one image, sharing its prompt prefix when reuse is on: the prefix (everything through
    /// `<end_of_image>`, the same tokens for every question) comes from the cache or is computed once — SigLIP,
    /// aligner and a prefill — then every question's remaining tokens continue it in one packed prefill and decode
    /// greedily. Questions that cannot share it (reuse off, a prompt without the image block) are answered alone.
    public func answers(image: RGBImage, imageKey: String, questions: [VisualQuestion]) -> [Result<VisualAnswer, any Error>] {
        var results = [Result<VisualAnswer, any Error>?](repeating: nil, count: questions.count)
        let limit = model.config.languageConfig.maxPositionEmbeddings
        var prompts: [(index: Int, ids: [Int])] = []
        for (i, q) in questions.enumerated() {
            let ids = promptIDs(question: q.question)
            if q.maxNewTokens < 1 || ids.count + q.maxNewTokens > limit {
                results[i] = .failure(ModelError.tooLong(promptTokens: ids.count, newTokens: q.maxNewTokens, limit: limit))
            } else {
                prompts.append((i, ids))
            }
        }
        // The image prefix: through the first <end_of_image>, identical in every prompt, with text after it.
        let shared: Int? = prompts.first.flatMap { first in
            guard reuse.enabled, let eoi = first.ids.firstIndex(of: endOfImageID) else { return nil }
            let length = eoi + 1
            return prompts.allSatisfy { $0.ids.count > length && $0.ids[..<length] == first.ids[..<length]
                                        && !$0.ids[length...].contains(imageID) } ? length : nil
        }
        guard let imagePrefix = shared else {
            for (i, _) in prompts {
                results[i] = Result { try answer(image: image, question: questions[i].question, maxNewTokens: questions[i].maxNewTokens) }
            }
            prefixes.record { $0.questionsRecomputed += prompts.count }
            return results.map { $0! }
        }
        // Batches of continuing rows within the byte budget.
        let c = model.config.languageConfig
        let perPosition = 2 * c.numHiddenLayers * c.keyValueHeads * c.resolvedHeadDim * (precision == .bf16 ? 2 : 4)
        let longest = prompts.map { $0.ids.count - imagePrefix + questions[$0.index].maxNewTokens }.max()!
        let rowsPerBatch = max(1, Self.continuationBudgetBytes / max(1, longest * perPosition))
        for start in stride(from: 0, to: prompts.count, by: rowsPerBatch) {
            let batch = Array(prompts[start..<min(prompts.count, start + rowsPerBatch)])
            do {
                for (k, a) in try continueBatch(image: image, imageKey: imageKey, imagePrefix: imagePrefix,
                                           prompts: batch.map(\.ids), limits: batch.map { questions[$0.index].maxNewTokens }).enumerated() {
                    results[batch[k].index] = .success(a)
                }
            } catch {
                for p in batch { results[p.index] = .failure(error) }
            }
        }
        return results.map { $0! }
    }

    /// One batch of prompts sharing the image prefix (its first `imagePrefix` ids).
    func continueBatch(image: RGBImage, imageKey: String, imagePrefix: Int, prompts: [[Int]], limits: [Int]) throws -> [VisualAnswer] {
        var timings: [String: Double] = [:]
        var t = Date()
        let head = Array(prompts[0][..<imagePrefix])
        var hit = true
        var prefix = try prefixes.value(for: imageKey + "|" + SHA256.hexDigest(head.map(String.init).joined(separator: ",")),
                                        bytes: { $0.byteCount }) {
            hit = false
            let pixels = JanusImagePreprocessor(imageSize: model.vision.spec.imageSize)(image)
            let (_, aligned) = model.imageEmbeddings(pixels)
            timings["vision_s"] = Date().timeIntervalSince(t)
            prefixes.record { $0.imagesEncoded += 1 }
            return model.prefill(prefix: try model.inputEmbeddings(ids: head, imageTokenID: imageID, beginOfImageID: beginOfImageID,
                                                                   aligned: aligned))
        }
        timings["prefix_s"] = Date().timeIntervalSince(t)
        timings["prefix_cache_hit"] = hit ? 1 : 0
        // Text every prompt shares after the image (a hint, the question before its options) joins the prefix when
        // computing it once saves enough rows; every suffix keeps at least one token.
        var length = imagePrefix
        let shortest = prompts.map(\.count).min()!
        while length < shortest - 1 && prompts.allSatisfy({ $0[length] == prompts[0][length] }) { length += 1 }
        if (prompts.count - 1) * (length - imagePrefix) >= Self.extensionMinimumSavedRows {
            t = Date()
            let extended = model.language.makeCache(batch: 1, capacity: length)
            extended.copyRows(from: prefix, rows: [0])
            let h = model.config.languageConfig.hiddenSize
            _ = model.language.forward(try model.language.embed(Array(prompts[0][imagePrefix..<length])).reshaped([1, length - imagePrefix, h]),
                                       cache: extended)
            prefix = extended
            timings["shared_text_s"] = Date().timeIntervalSince(t)
        } else {
            length = imagePrefix
        }
        t = Date()
        var decodeStart = t
        let suffixes = try zip(prompts, limits).map { ids, maxNew in (try model.language.embed(Array(ids[length...])), maxNew) }
        let generated = try model.greedy(continuing: prefix, suffixes: suffixes, eos: endOfSentenceID, decodeRows: reuse.decodeRows,
                                         prefilled: { decodeStart = $0; timings["prefill_s"] = $0.timeIntervalSince(t) })
        timings["decode_s"] = Date().timeIntervalSince(decodeStart)
        timings["batch_questions"] = Double(prompts.count)
        timings["shared_prefix_tokens"] = Double(length)
        prefixes.record { $0.questionsReused += prompts.count }
        return zip(prompts, generated).map { ids, tokens in
            VisualAnswer(text: tokenizer.decode(tokens), tokenIDs: tokens, promptTokens: ids.count, timings: timings)
        }
    }
}
