import Formats
import Tensors

/// The DeepSeek-LLM decoder (transformers' LlamaForCausalLM): pre-norm blocks with RMSNorm, rotate-half RoPE,
/// multi-head attention with a KV cache, SwiGLU MLP, final RMSNorm, untied lm_head; no biases.
/// Weights stay in their stored dtype (bf16 views of the mapped checkpoint); activations are f32.
public final class LlamaModel: @unchecked Sendable {
    public let config: LlamaConfig
    public let embedTokens: Tensor
    public let layers: [LlamaBlock]
    public let norm: Tensor
    public let lmHead: Tensor
    let rope: RotaryEmbedding
    /// How products with bf16 weights treat their activations (`.f32`: exactly; `.bf16`: rounded, as the official
    /// bf16 run) and how `makeCache` stores keys and values. Chosen once, when the model is built.
    public let precision: ActivationPrecision

    /// Takes `<prefix>model.embed_tokens.weight`, `<prefix>model.layers.N.*`, `<prefix>model.norm.weight` and
    /// `<prefix>lm_head.weight` (prefix "language_model." in Janus checkpoints).
    public init(config: LlamaConfig, loader: WeightLoader, prefix: String = "language_model.",
                precision: ActivationPrecision = .f32) throws {
        self.config = config
        self.precision = precision
        let h = config.hiddenSize, v = config.vocabSize
        embedTokens = try loader.take(prefix + "model.embed_tokens.weight", shape: [v, h])
        layers = try (0..<config.numHiddenLayers).map { try LlamaBlock(config: config, loader: loader, prefix: prefix + "model.layers.\($0).") }
        norm = try loader.take(prefix + "model.norm.weight", shape: [h])
        lmHead = try loader.take(prefix + "lm_head.weight", shape: [v, h])
        rope = RotaryEmbedding(headDim: config.resolvedHeadDim, theta: config.ropeTheta)
    }

    /// Rows of the embedding table as f32 [ids.count, hidden]; ids past the table are an error.
    public func embed(_ ids: [Int]) throws -> Tensor {
        let h = config.hiddenSize, v = config.vocabSize
        let out = Tensor(zeros: [ids.count, h])
        let table = embedTokens
        try out.withMutableFloats { dst in
            for (row, id) in ids.enumerated() {
                guard id >= 0 && id < v else { throw ModelError.invalidConfig(file: "token ids", detail: "token id \(id) is outside the embedding table of \(v) rows") }
                let src = table.rawPointer + id * h * table.dtype.byteSize
                for i in 0..<h {
                    dst[row * h + i] = switch table.dtype {
                    case .bf16: HalfPrecision.float(fromBF16: src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                    case .f16: HalfPrecision.float(fromF16: src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
                    default: src.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
                    }
                }
            }
        }
        return out
    }

    /// Runs the blocks on `embeddings` [batch, steps, hidden] appended after what `cache` holds, and returns the
    /// final-normed hidden states [batch, steps, hidden]. Positions are cache.length ..< cache.length + steps for
    /// every row (as the reference's direct `language_model.model` calls use). `keyMask[b][t]` false hides
    /// position t of row b from every query (padding); it covers the cached and the new positions.
    public func forward(_ embeddings: Tensor, cache: LlamaKVCache, keyMask: [[Bool]]? = nil) -> Tensor {
        precondition(embeddings.rank == 3 && embeddings.shape[2] == config.hiddenSize, "embeddings must be [batch, steps, hidden]")
        precondition(embeddings.shape[0] == cache.batch, "cache batch \(cache.batch) vs input batch \(embeddings.shape[0])")
        let steps = embeddings.shape[1]
        let positions = Array(cache.length..<(cache.length + steps))
        var x = embeddings.reshaped([cache.batch * steps, config.hiddenSize])
        // Copy so the caller's tensor is not modified by the in-place residual adds.
        x = Tensor(shape: x.shape, floats: x.toFloats())
        // Few rows (decode): our kernels stream the weights on every core; keep OpenBLAS to one thread.
        Parallel.withBLASThreads(cache.batch * steps <= Linear.gemvRowLimit ? 1 : Parallel.threadCount) {
            for (i, layer) in layers.enumerated() {
                layer.forward(&x, steps: steps, positions: positions, rope: rope, cache: cache, layer: i, keyMask: keyMask,
                              activations: precision)
            }
        }
        cache.length += steps
        return Normalization.rmsNorm(x, weight: norm, eps: config.rmsNormEps).reshaped([cache.batch, steps, config.hiddenSize])
    }

    /// An empty KV cache for `batch` rows of up to `capacity` positions, stored in the model's precision.
    public func makeCache(batch: Int, capacity: Int) -> LlamaKVCache {
        LlamaKVCache(config: config, batch: batch, capacity: capacity, precision: precision)
    }

    /// lm_head over hidden states [..., hidden] → logits [..., vocab].
    public func logits(_ hidden: Tensor) -> Tensor { Linear.apply(hidden, weight: lmHead, activations: precision) }
}
