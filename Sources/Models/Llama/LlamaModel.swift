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
    /// bf16 run). Set before running; give KV caches the same precision.
    public var activationPrecision: ActivationPrecision = .f32

    /// Takes `<prefix>model.embed_tokens.weight`, `<prefix>model.layers.N.*`, `<prefix>model.norm.weight` and
    /// `<prefix>lm_head.weight` (prefix "language_model." in Janus checkpoints).
    public init(config: LlamaConfig, loader: WeightLoader, prefix: String = "language_model.") throws {
        self.config = config
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
                              activations: activationPrecision)
            }
        }
        cache.length += steps
        return Normalization.rmsNorm(x, weight: norm, eps: config.rmsNormEps).reshaped([cache.batch, steps, config.hiddenSize])
    }

    /// lm_head over hidden states [..., hidden] → logits [..., vocab].
    public func logits(_ hidden: Tensor) -> Tensor { Linear.apply(hidden, weight: lmHead, activations: activationPrecision) }
}

/// Keys and values of every layer, for incremental decoding. Layout per layer: [batch][kvHeads][capacity][headDim],
/// in f32, or in bf16 (rounded to nearest even, as the official bf16 run stores them) for the bf16 precision mode:
/// half the bytes every decode step reads.
public final class LlamaKVCache: @unchecked Sendable {
    public let batch: Int
    public let capacity: Int
    public let precision: ActivationPrecision
    public internal(set) var length = 0
    let kvHeads: Int, headDim: Int
    let elementSize: Int
    var keys: [UnsafeMutableRawPointer]
    var values: [UnsafeMutableRawPointer]

    public init(config: LlamaConfig, batch: Int, capacity: Int, precision: ActivationPrecision = .f32) {
        self.batch = batch
        self.capacity = capacity
        self.precision = precision
        kvHeads = config.keyValueHeads
        headDim = config.resolvedHeadDim
        elementSize = precision == .bf16 ? 2 : 4
        let bytes = batch * kvHeads * capacity * headDim * elementSize
        // Plain allocations, faulted in as positions fill. (On huge pages the first writes — the prompt's — faulted
        // and cleared the whole cache at once: 1.9 s at P = 4, for no measurable gain per step.)
        keys = (0..<config.numHiddenLayers).map { _ in .allocate(byteCount: bytes, alignment: 64) }
        values = (0..<config.numHiddenLayers).map { _ in .allocate(byteCount: bytes, alignment: 64) }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// Address of (layer, row, head, position 0).
    @inline(__always) func keyBase(_ layer: Int, _ b: Int, _ head: Int) -> UnsafeMutableRawPointer {
        keys[layer] + ((b * kvHeads + head) * capacity) * headDim * elementSize
    }
    @inline(__always) func valueBase(_ layer: Int, _ b: Int, _ head: Int) -> UnsafeMutableRawPointer {
        values[layer] + ((b * kvHeads + head) * capacity) * headDim * elementSize
    }

    /// Fills this cache's rows with copies of `source`'s: row b gets source row `rows[b]`, all layers and the
    /// source's `length` positions (a guidance batch's prompt is computed once per distinct row, then replicated).
    public func copyRows(from source: LlamaKVCache, rows: [Int]) {
        precondition(rows.count == batch && source.precision == precision && source.kvHeads == kvHeads
                     && source.headDim == headDim && source.keys.count == keys.count && source.length <= capacity,
                     "copyRows: caches of different shapes")
        let bytes = source.length * headDim * elementSize
        for layer in keys.indices { for (b, from) in rows.enumerated() { for head in 0..<kvHeads {
            keyBase(layer, b, head).copyMemory(from: source.keyBase(layer, from, head), byteCount: bytes)
            valueBase(layer, b, head).copyMemory(from: source.valueBase(layer, from, head), byteCount: bytes)
        } } }
        length = source.length
    }

    /// Stores `count` floats at element `offset` of `base` in the cache's precision.
    @inline(__always) func store(_ source: UnsafePointer<Float>, count: Int, at base: UnsafeMutableRawPointer, offset: Int) {
        if precision == .bf16 {
            let dst = (base + offset * 2).assumingMemoryBound(to: UInt16.self)
            HalfPrecision.storeBF16(source, count: count, into: dst)
        } else {
            (base + offset * 4).assumingMemoryBound(to: Float.self).update(from: source, count: count)
        }
    }

    /// `count` floats from element 0 of `base` as f32: the cache itself (f32) or widened into `scratch` (bf16).
    @inline(__always) func floats(_ base: UnsafeMutableRawPointer, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        guard precision == .bf16 else { return UnsafePointer(base.assumingMemoryBound(to: Float.self)) }
        let src = base.assumingMemoryBound(to: UInt16.self)
        for i in 0..<count { scratch[i] = Float(bitPattern: UInt32(src[i]) << 16) }
        return UnsafePointer(scratch)
    }
}
