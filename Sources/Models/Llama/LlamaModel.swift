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
        precondition(cache.length + steps <= cache.capacity, "KV cache capacity \(cache.capacity) exceeded")
        let sequences = (0..<cache.batch).map { LlamaSequenceRows(start: $0 * steps, steps: steps, past: cache.length, row: $0) }
        let hidden = run(embeddings.reshaped([cache.batch * steps, config.hiddenSize]), sequences: sequences, prefix: nil, own: cache,
                         keyMask: keyMask)
        cache.length += steps
        return hidden.reshaped([cache.batch, steps, config.hiddenSize])
    }

    /// One decode step of a cross-prompt batch: `embeddings` [rows, 1, hidden], row r at position `batch.lengths[r]`.
    /// Each group's rows give the bits a forward of that group alone gives (its own cache, the same lengths).
    public func forward(_ embeddings: Tensor, batch: LlamaBatchCache) -> Tensor {
        precondition(embeddings.rank == 3 && embeddings.shape[0] == batch.rows && embeddings.shape[1] == 1
                     && embeddings.shape[2] == config.hiddenSize, "batch decode: embeddings must be [\(batch.rows), 1, hidden]")
        precondition(batch.lengths.allSatisfy { $0 < batch.capacity }, "KV cache capacity \(batch.capacity) exceeded")
        let sequences = (0..<batch.rows).map { LlamaSequenceRows(start: $0, steps: 1, past: batch.lengths[$0], row: $0) }
        let hidden = run(embeddings.reshaped([batch.rows, config.hiddenSize]), sequences: sequences, prefix: nil, own: batch.own,
                         keyMask: nil, rowGroups: batch.rowGroups)
        for r in 0..<batch.rows { batch.lengths[r] += 1 }
        return hidden.reshaped([batch.rows, 1, config.hiddenSize])
    }

    /// Continues rows of `continuation`: `segments[j]` appends `embeddings` [steps, hidden] (or [1, steps, hidden])
    /// to row `row` (each row at most once per call). All segments run as one packed forward — the products see
    /// every new row at once (the questions of one image share each weight read) — and each row attends the shared
    /// prefix and its own positions. Returns each segment's final-normed hidden states [steps, hidden]. Every row's
    /// result equals what a forward of that row's whole sequence in one piece gives, bit for bit, when the
    /// products choose the same kernels for it (prompt rows: always; decode rows: when each step is one row).
    public func forward(_ segments: [(row: Int, embeddings: Tensor)], continuing continuation: LlamaContinuation) -> [Tensor] {
        let h = config.hiddenSize
        var sequences: [LlamaSequenceRows] = []
        var start = 0
        for (row, embeddings) in segments {
            precondition(embeddings.count % h == 0 && row < continuation.rows && !sequences.contains { $0.row == row },
                         "continuation segments: one [steps, hidden] block per row")
            let steps = embeddings.count / h
            precondition(continuation.lengths[row] + steps <= continuation.capacity, "continuation capacity \(continuation.capacity) exceeded")
            sequences.append(LlamaSequenceRows(start: start, steps: steps, past: continuation.lengths[row], row: row))
            start += steps
        }
        var packed = [Float]()
        packed.reserveCapacity(start * h)
        for (_, embeddings) in segments { packed += embeddings.toFloats() }
        let hidden = run(Tensor(shape: [start, h], floats: packed), sequences: sequences, prefix: continuation.prefix,
                         own: continuation.own, keyMask: nil)
        for s in sequences { continuation.lengths[s.row] += s.steps }
        return hidden.withFloats { all in
            sequences.map { s in Tensor(shape: [s.steps, h], floats: Array(all[(s.start * h)..<((s.start + s.steps) * h)])) }
        }
    }

    /// The products' row-count rule: a forward holding prompt rows (a sequence of more than one new row) multiplies
    /// at least `Linear.gemvRowLimit + 1` rows, padding with zero rows (which stay zero through every layer), so
    /// prompt rows always take the many-row kernels however few of them a call holds; decode steps (one row per
    /// sequence) keep the streaming kernels. With `Linear`'s even row counts, every prompt row is then computed
    /// the same way whatever else it is multiplied with.
    static func productRows(_ rows: Int, sequences: [LlamaSequenceRows]) -> Int {
        sequences.contains { $0.steps > 1 } ? max(rows, Linear.gemvRowLimit + 1) : rows
    }

    func run(_ input: Tensor, sequences: [LlamaSequenceRows], prefix: LlamaKVCache?, own: LlamaKVCache, keyMask: [[Bool]]?,
             rowGroups: [Int]? = nil) -> Tensor {
        let h = config.hiddenSize, rows = input.count / h
        let padded = Self.productRows(rows, sequences: sequences)
        // Copy so the caller's tensor is not modified by the in-place residual adds.
        var x = Tensor(zeros: [padded, h])
        input.withFloats { src in x.withMutableFloats { dst in dst.baseAddress!.update(from: src.baseAddress!, count: rows * h) } }
        // Few rows (decode): our kernels stream the weights on every core; keep OpenBLAS to one thread.
        Parallel.withBLASThreads(padded <= Linear.gemvRowLimit ? 1 : Parallel.threadCount) {
            for (i, layer) in layers.enumerated() {
                layer.forward(&x, sequences: sequences, prefix: prefix, own: own, layer: i, rope: rope, keyMask: keyMask,
                              activations: precision, rowGroups: rowGroups)
            }
        }
        let normed = Normalization.rmsNorm(x, weight: norm, eps: config.rmsNormEps)
        guard padded > rows else { return normed }
        return Tensor(shape: [rows, h], floats: Array(normed.toFloats().prefix(rows * h)))
    }

    /// An empty KV cache for `batch` rows of up to `capacity` positions, stored in the model's precision.
    public func makeCache(batch: Int, capacity: Int) -> LlamaKVCache {
        LlamaKVCache(config: config, batch: batch, capacity: capacity, precision: precision)
    }

    /// lm_head over hidden states [..., hidden] → logits [..., vocab].
    public func logits(_ hidden: Tensor) -> Tensor { Linear.apply(hidden, weight: lmHead, activations: precision) }
}
