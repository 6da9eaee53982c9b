import Foundation
import Harness
import Models
import Testing
import TestSupport

/// `--batch-images` (cross-prompt batching, issue 15): whole prompts, the memory default and its ceiling, and the
/// refusals before any work — a count below 1, or a batch whose KV cache alone exceeds the memory available.
@Suite struct GenerationBatchSizeTests {
    static let model: JanusTextToImage = try! JanusTextToImage(folder: FixturePaths.url("janus/pro-tiny"))

    @Test func requestedCountsRoundDownToWholePrompts() throws {
        let plenty = (bytes: 1 << 40, source: "test")
        #expect(try GenerationBatchSize.choose(requested: 8, samples: 4, model: Self.model, available: plenty).prompts == 2)
        let six = try GenerationBatchSize.choose(requested: 6, samples: 4, model: Self.model, available: plenty)
        #expect(six.prompts == 1 && six.reason.contains("whole prompts"))
        #expect(try GenerationBatchSize.choose(requested: 1, samples: 4, model: Self.model, available: plenty).prompts == 1)
        #expect(throws: HarnessError.self) { try GenerationBatchSize.choose(requested: 0, samples: 4, model: Self.model, available: plenty) }
    }

    @Test func theDefaultFitsHalfTheMemoryUpToItsCeiling() throws {
        let perPrompt = try #require(Self.model.batchBytes(images: 4, promptTokens: GenerationBatchSize.sizingPromptTokens))
        let roomy = try GenerationBatchSize.choose(requested: nil, samples: 4, model: Self.model, available: (bytes: 1 << 40, source: "test"))
        #expect(roomy.prompts == GenerationBatchSize.defaultImageLimit / 4)
        // Room for exactly three prompts' KV cache in half the memory.
        let tight = try GenerationBatchSize.choose(requested: nil, samples: 4, model: Self.model, available: (bytes: 6 * perPrompt + 1, source: "test"))
        #expect(tight.prompts == 3 && tight.reason.contains("half of"))
        let none = try GenerationBatchSize.choose(requested: nil, samples: 4, model: Self.model, available: (bytes: 0, source: "test"))
        #expect(none.prompts == 1)
    }

    @Test func aBatchThatCannotFitIsRefusedUpFront() throws {
        let perPrompt = try #require(Self.model.batchBytes(images: 4, promptTokens: GenerationBatchSize.sizingPromptTokens))
        #expect {
            try GenerationBatchSize.choose(requested: 32, samples: 4, model: Self.model, available: (bytes: 3 * perPrompt, source: "test"))
        } throws: { error in
            "\(error)".contains("--batch-images 32") && "\(error)".contains("--batch-images 12 or less")
        }
    }
}
