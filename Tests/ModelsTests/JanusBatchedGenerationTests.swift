import Foundation
import Formats
import Models
import Tensors
import Testing
import TestSupport

/// Cross-prompt batching (issue 15): prompts of different lengths generated as one guidance batch give the same
/// image tokens and pixels, bit for bit, as each prompt generated alone with the same seeds — sampled and greedy,
/// f32 and bf16 activations — and a prompt that cannot run fails alone.
@Suite struct JanusBatchedGenerationTests {
    static let prompts = ["a cat", "a photo of a red bicycle and a green traffic light on a wet street at night",
                          "two dogs", "a blue clock above a yellow vase"]

    @Test(arguments: [ActivationPrecision.f32, .bf16])
    func batchedImagesEqualOnePromptAtATime(precision: ActivationPrecision) throws {
        let model = try JanusTextToImage(folder: FixturePaths.url("janus/pro-tiny"), precision: precision)
        let lengths = Set(Self.prompts.map { model.promptIDs($0).count })
        #expect(lengths.count == Self.prompts.count, "the prompts must differ in length: \(lengths)")
        for greedy in [false, true] {
            // Different image counts per prompt too.
            let requests = Self.prompts.enumerated().map { i, p in
                TextToImageRequest(prompt: p, images: [4, 2, 3, 1][i], cfgWeight: 5, greedy: greedy, seed: UInt64(100 + i))
            }
            var steps = 0
            let batched = model.generate(batch: requests, onStep: { _, _ in steps += 1 })
            #expect(steps == model.model.tokensPerImage, "one step count for the whole batch")
            for (request, outcome) in zip(requests, batched) {
                let together = try outcome.get()
                let alone = try model.generate(request)
                #expect(together.tokens == alone.tokens, "\(precision) greedy \(greedy): tokens of '\(request.prompt)'")
                #expect(together.images.map(\.pixels) == alone.images.map(\.pixels), "\(precision) greedy \(greedy): pixels of '\(request.prompt)'")
                #expect(together.images.count == request.images)
            }
        }
    }

    @Test func aPromptTooLongFailsAloneInItsBatch() throws {
        let model = try JanusTextToImage(folder: FixturePaths.url("janus/pro-tiny"))
        let limit = model.model.config.languageConfig.maxPositionEmbeddings
        let long = String(repeating: "cat ", count: limit)
        let requests = [TextToImageRequest(prompt: "a cat", images: 2, seed: 1), TextToImageRequest(prompt: long, images: 2, seed: 2)]
        let results = model.generate(batch: requests, onStep: { _, _ in })
        #expect(try results[0].get().tokens == (try model.generate(requests[0]).tokens))
        #expect(throws: ModelError.self) { try results[1].get() }
    }
}
