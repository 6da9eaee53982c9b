import Formats
import Foundation
import Tensors

/// Answers a question about an image with a Janus-family checkpoint, as the reference `inference.py` does:
/// understanding system prompt, the SFT template with the model's roles, `<image_placeholder>` expanded to
/// BOI + N image tokens + EOI, greedy decoding to EOS or a token limit, decoded without special tokens.
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
}
