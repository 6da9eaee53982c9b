import Tensors

/// What a Llama request allocates beyond its (memory-mapped) weights, estimated before it starts so a request the
/// machine cannot hold is refused up front (`MemoryBudget`): the KV cache for every position it may reach, and the
/// prefill's activations (the hidden states, the MLP's gate/up/product at the intermediate width, and one L×L score
/// matrix per attention worker thread).
public struct LlamaMemoryEstimate: Sendable, Equatable {
    public let kvCacheBytes: Int
    public let prefillBytes: Int
    public var totalBytes: Int { kvCacheBytes + prefillBytes }

    public init(config: LlamaConfig, batch: Int, promptTokens: Int, capacity: Int,
                precision: ActivationPrecision, threads: Int = Parallel.threadCount) {
        let kvHeads = config.numKeyValueHeads ?? config.numAttentionHeads
        let headDim = config.headDim ?? config.hiddenSize / max(1, config.numAttentionHeads)
        let element = precision == .bf16 ? 2 : 4
        let perLayer = 2 * batch * kvHeads * capacity * headDim * element
        kvCacheBytes = config.numHiddenLayers * perLayer
        let rows = batch * promptTokens
        let hidden = rows * config.hiddenSize * 4 * 6
        let mlp = rows * config.intermediateSize * 4 * 3
        let scores = max(1, threads) * promptTokens * promptTokens * 4
        prefillBytes = hidden + mlp + scores + batch * config.vocabSize * 4
    }

    public var summary: String {
        "KV cache \(MemoryBudget.format(kvCacheBytes)), prefill activations \(MemoryBudget.format(prefillBytes))"
    }
}
