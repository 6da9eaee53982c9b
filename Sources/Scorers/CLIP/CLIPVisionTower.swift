import Formats
import Tensors

/// CLIP's image tower (transformers' `CLIPVisionTransformer` + `visual_projection`): patch embedding (a conv with
/// kernel = stride = patch, no bias, here an unfold and one matrix product), the class token in front, learned
/// position embeddings, `pre_layrnorm`, the encoder, `post_layernorm` on the class token, then the projection.
final class CLIPVisionTower: @unchecked Sendable {
    let config: CLIPVisionConfig
    let patchWeight: Tensor          // [hidden, 3·p·p] (a view of the [hidden, 3, p, p] conv weight)
    let classEmbedding: [Float]
    let positionEmbedding: [Float]   // [tokens, hidden]
    let preNormWeight: Tensor, preNormBias: Tensor
    let layers: [CLIPEncoderLayer]
    let postNormWeight: Tensor, postNormBias: Tensor
    let projection: Tensor           // [projection_dim, hidden]

    init(config c: CLIPVisionConfig, projectionDim: Int, loader: WeightLoader) throws {
        config = c
        let w = c.hiddenSize, p = c.patchSize, m = "vision_model."
        patchWeight = try loader.take(m + "embeddings.patch_embedding.weight", shape: [w, c.channels, p, p]).reshaped([w, c.channels * p * p])
        classEmbedding = try loader.take(m + "embeddings.class_embedding", shape: [w]).toFloats()
        positionEmbedding = try loader.take(m + "embeddings.position_embedding.weight", shape: [c.tokenCount, w]).toFloats()
        preNormWeight = try loader.take(m + "pre_layrnorm.weight", shape: [w]); preNormBias = try loader.take(m + "pre_layrnorm.bias", shape: [w])
        let activation = CLIPActivation(rawValue: c.hiddenAct)!
        layers = try (0..<c.layers).map { i in
            try CLIPEncoderLayer(loader: loader, prefix: m + "encoder.layers.\(i).", width: w, intermediate: c.intermediateSize,
                                 heads: c.heads, eps: c.layerNormEps, activation: activation)
        }
        postNormWeight = try loader.take(m + "post_layernorm.weight", shape: [w]); postNormBias = try loader.take(m + "post_layernorm.bias", shape: [w])
        projection = try loader.take("visual_projection.weight", shape: [projectionDim, w])
    }

    /// `pixels` [batch, 3, size, size] (normalised) → image embeddings [batch, projection_dim] (not normalised).
    func callAsFunction(_ pixels: Tensor) -> Tensor {
        let c = config, batch = pixels.shape[0], w = c.hiddenSize, p = c.patchSize, g = c.gridSide, n = c.tokenCount
        let size = c.imageSize, patchLength = c.channels * p * p
        precondition(pixels.shape == [batch, c.channels, size, size], "CLIP vision: pixels \(pixels.shape), expected [B, 3, \(size), \(size)]")
        // Unfold: one row per patch, (channel, ky, kx) order as the conv weight is flattened.
        let unfolded = Tensor(uninitialized: [batch * g * g, patchLength])
        pixels.withFloats { src in unfolded.withMutableFloats { dst in
            for b in 0..<batch { for gy in 0..<g { for gx in 0..<g {
                let row = ((b * g + gy) * g + gx) * patchLength
                for ch in 0..<c.channels { for ky in 0..<p {
                    let s = ((b * c.channels + ch) * size + gy * p + ky) * size + gx * p
                    let d = row + (ch * p + ky) * p
                    for kx in 0..<p { dst[d + kx] = src[s + kx] }
                } }
            } } }
        } }
        let patches = Linear.apply(unfolded, weight: patchWeight)
        let x = Tensor(uninitialized: [batch * n, w])
        patches.withFloats { src in x.withMutableFloats { dst in
            for b in 0..<batch {
                for i in 0..<w { dst[b * n * w + i] = classEmbedding[i] + positionEmbedding[i] }
                for t in 1..<n { for i in 0..<w {
                    dst[(b * n + t) * w + i] = src[(b * (n - 1) + t - 1) * w + i] + positionEmbedding[t * w + i]
                } }
            }
        } }
        let hidden = Normalization.layerNorm(x, weight: preNormWeight, bias: preNormBias, eps: Float(c.layerNormEps))
        for layer in layers { layer(hidden, batch: batch, seq: n, causal: false) }
        let pooled = Tensor(uninitialized: [batch, w])
        hidden.withFloats { src in pooled.withMutableFloats { dst in
            for b in 0..<batch { for i in 0..<w { dst[b * w + i] = src[b * n * w + i] } }
        } }
        let normed = Normalization.layerNorm(pooled, weight: postNormWeight, bias: postNormBias, eps: Float(c.layerNormEps))
        return Linear.apply(normed, weight: projection)
    }
}
