import Testing
import Tensors
import Models

@Suite struct LlamaMemoryEstimateTests {
    /// The KV cache at the Janus-Pro-7B shape over its whole context: 30 layers × keys and values × 16,384 positions ×
    /// 4096 wide × 4 bytes = 15 GiB in f32, half in bf16 — what the estimate must see before anything is allocated.
    @Test func kvCacheAtThePro7BShape() throws {
        var config = LlamaConfig()
        config.hiddenSize = 4096; config.numHiddenLayers = 30; config.numAttentionHeads = 32
        config.intermediateSize = 11008; config.vocabSize = 102_400; config.maxPositionEmbeddings = 16_384
        let f32 = LlamaMemoryEstimate(config: config, batch: 1, promptTokens: 600, capacity: 16_384, precision: .f32, threads: 2)
        #expect(f32.kvCacheBytes == 30 * 2 * 16_384 * 4096 * 4)
        #expect(f32.kvCacheBytes == 15 << 30)
        let bf16 = LlamaMemoryEstimate(config: config, batch: 1, promptTokens: 600, capacity: 16_384, precision: .bf16, threads: 2)
        #expect(bf16.kvCacheBytes * 2 == f32.kvCacheBytes)
        // Prefill: 600 rows × (6 × 4096 + 3 × 11008) floats, two 600² score matrices, one row of logits.
        #expect(f32.prefillBytes == 600 * 4096 * 4 * 6 + 600 * 11008 * 4 * 3 + 2 * 600 * 600 * 4 + 102_400 * 4)
        #expect(throws: MemoryBudget.Refusal.self) {
            try MemoryBudget.check(f32.totalBytes, for: "x", available: (8 << 30, "test"))
        }
    }
}
