import Formats
import Tensors

/// CLIP's text tower (transformers' `CLIPTextTransformer` + `text_projection`): token + position embeddings, the
/// causal encoder, `final_layer_norm`, the hidden state of the pooled token (the end-of-text token), the projection.
final class CLIPTextTower: @unchecked Sendable {
    let config: CLIPTextConfig
    let tokenEmbedding: Tensor       // [vocab, hidden], stored dtype
    let positionEmbedding: [Float]   // [max_positions, hidden]
    let layers: [CLIPEncoderLayer]
    let finalNormWeight: Tensor, finalNormBias: Tensor
    let projection: Tensor           // [projection_dim, hidden]

    init(config c: CLIPTextConfig, projectionDim: Int, loader: WeightLoader, checkpoint: String) throws {
        config = c
        let w = c.hiddenSize, m = "text_model."
        tokenEmbedding = try loader.take(m + "embeddings.token_embedding.weight", shape: [c.vocabSize, w])
        guard [.f32, .bf16, .f16].contains(tokenEmbedding.dtype) || tokenEmbedding.count == 0 else {
            throw CLIPError.invalidConfig(file: checkpoint, detail: "text_model.embeddings.token_embedding.weight is \(tokenEmbedding.dtype), expected f32, bf16 or f16")
        }
        positionEmbedding = try loader.take(m + "embeddings.position_embedding.weight", shape: [c.maxPositions, w]).toFloats()
        let activation = CLIPActivation(rawValue: c.hiddenAct)!
        layers = try (0..<c.layers).map { i in
            try CLIPEncoderLayer(loader: loader, prefix: m + "encoder.layers.\(i).", width: w, intermediate: c.intermediateSize,
                                 heads: c.heads, eps: c.layerNormEps, activation: activation)
        }
        finalNormWeight = try loader.take(m + "final_layer_norm.weight", shape: [w])
        finalNormBias = try loader.take(m + "final_layer_norm.bias", shape: [w])
        projection = try loader.take("text_projection.weight", shape: [projectionDim, w])
    }

    /// The pooled position of one id sequence, transformers' rule: with the legacy `eos_token_id` 2 the first
    /// position of the largest id, otherwise the first position of `eos_token_id` (the last position if absent,
    /// where transformers' argmax over an all-false row would give 0: refused instead).
    func pooledPosition(_ ids: [Int]) throws -> Int {
        if config.eosTokenID == 2 {
            var best = 0
            for (i, id) in ids.enumerated() where id > ids[best] { best = i }
            return best
        }
        guard let i = ids.firstIndex(of: config.eosTokenID) else {
            throw CLIPError.invalidInput("the token ids \(ids.prefix(12))… hold no end-of-text id \(config.eosTokenID) (text_config.eos_token_id) to pool")
        }
        return i
    }

    /// Text embeddings [batch, projection_dim] (not normalised) for id sequences (each at most max_position_embeddings
    /// long, typically from `CLIPTokenizer`). Only the positions up to each pooled token are computed: the mask is
    /// causal, so later ones (padding) cannot change it.
    func callAsFunction(_ sequences: [[Int]]) throws -> Tensor {
        let c = config, w = c.hiddenSize, batch = sequences.count
        precondition(batch > 0)
        for ids in sequences {
            guard !ids.isEmpty, ids.count <= c.maxPositions else {
                throw CLIPError.invalidInput("a token sequence has \(ids.count) ids; the text tower takes 1...\(c.maxPositions)")
            }
            if let bad = ids.first(where: { $0 < 0 || $0 >= c.vocabSize }) {
                throw CLIPError.invalidInput("token id \(bad) is outside the vocabulary (0..<\(c.vocabSize))")
            }
        }
        let pooled = try sequences.map(pooledPosition)
        let seq = pooled.max()! + 1
        var rows: [Int] = []
        for (ids, _) in zip(sequences, pooled) { rows += (0..<seq).map { $0 < ids.count ? ids[$0] : ids[ids.count - 1] } }
        var values = gatherRows(tokenEmbedding, rows: rows)
        for b in 0..<batch { for t in 0..<seq { for i in 0..<w { values[(b * seq + t) * w + i] += positionEmbedding[t * w + i] } } }
        let x = Tensor(shape: [batch * seq, w], floats: values)
        for layer in layers { layer(x, batch: batch, seq: seq, causal: true) }
        let picked = Tensor(uninitialized: [batch, w])
        x.withFloats { src in picked.withMutableFloats { dst in
            for b in 0..<batch { for i in 0..<w { dst[b * w + i] = src[(b * seq + pooled[b]) * w + i] } }
        } }
        let normed = Normalization.layerNorm(picked, weight: finalNormWeight, bias: finalNormBias, eps: Float(c.layerNormEps))
        return Linear.apply(normed, weight: projection)
    }
}
