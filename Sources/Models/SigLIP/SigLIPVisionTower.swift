import Formats
import Tensors

/// The SigLIP understanding encoder as the Janus reference builds it (timm-style VisionTransformer,
/// janus/models/siglip_vit.py): patch embedding (conv k = s = patch), learned position embedding, no class token,
/// pre-norm blocks with a fused qkv attention and a GELU MLP, the final LayerNorm; the attention-pool head is not
/// used. Output: every patch token, [batch, (image/patch)², width].
public final class SigLIPVisionTower: @unchecked Sendable {
    public let spec: SigLIPConfig
    let patchWeight: Tensor, patchBias: Tensor, positionEmbedding: Tensor
    let blocks: [Block]
    let normWeight: Tensor, normBias: Tensor

    struct Block {
        let norm1Weight: Tensor, norm1Bias: Tensor, qkvWeight: Tensor, qkvBias: Tensor, projWeight: Tensor, projBias: Tensor
        let norm2Weight: Tensor, norm2Bias: Tensor, fc1Weight: Tensor, fc1Bias: Tensor, fc2Weight: Tensor, fc2Bias: Tensor
    }

    /// `prefix` is "vision_model.vision_tower." (Janus) or "vision_und_enc_model.vision_tower." (JanusFlow).
    public init(spec: SigLIPConfig, loader: WeightLoader, prefix: String) throws {
        self.spec = spec
        let w = spec.width, p = spec.patchSize, mlp = spec.mlpWidth
        patchWeight = try loader.take(prefix + "patch_embed.proj.weight", shape: [w, 3, p, p])
        patchBias = try loader.take(prefix + "patch_embed.proj.bias", shape: [w])
        positionEmbedding = try loader.take(prefix + "pos_embed", shape: [1, spec.tokenCount, w])
        blocks = try (0..<spec.layers).map { i in
            let b = prefix + "blocks.\(i)."
            return Block(norm1Weight: try loader.take(b + "norm1.weight", shape: [w]), norm1Bias: try loader.take(b + "norm1.bias", shape: [w]),
                         qkvWeight: try loader.take(b + "attn.qkv.weight", shape: [3 * w, w]), qkvBias: try loader.take(b + "attn.qkv.bias", shape: [3 * w]),
                         projWeight: try loader.take(b + "attn.proj.weight", shape: [w, w]), projBias: try loader.take(b + "attn.proj.bias", shape: [w]),
                         norm2Weight: try loader.take(b + "norm2.weight", shape: [w]), norm2Bias: try loader.take(b + "norm2.bias", shape: [w]),
                         fc1Weight: try loader.take(b + "mlp.fc1.weight", shape: [mlp, w]), fc1Bias: try loader.take(b + "mlp.fc1.bias", shape: [mlp]),
                         fc2Weight: try loader.take(b + "mlp.fc2.weight", shape: [w, mlp]), fc2Bias: try loader.take(b + "mlp.fc2.bias", shape: [w]))
        }
        normWeight = try loader.take(prefix + "norm.weight", shape: [w])
        normBias = try loader.take(prefix + "norm.bias", shape: [w])
    }

    /// `pixels` [batch, 3, size, size] in [−1, 1] → [batch, tokens, width].
    public func callAsFunction(_ pixels: Tensor) -> Tensor {
        let batch = pixels.shape[0], w = spec.width, n = spec.tokenCount, heads = spec.heads, hd = w / heads
        let patches = Conv2D.apply(pixels, weight: patchWeight, bias: patchBias, options: Conv2D.Options(stride: spec.patchSize))
        // [B, w, g, g] → [B, n, w] (row-major patch order), plus the position embedding.
        let x = Tensor(zeros: [batch * n, w])
        let pos = positionEmbedding.toFloats()
        patches.withFloats { src in x.withMutableFloats { dst in
            for b in 0..<batch { for t in 0..<n { for c in 0..<w {
                dst[(b * n + t) * w + c] = src[(b * w + c) * n + t] + pos[t * w + c]
            } } }
        } }
        for block in blocks {
            let h = Normalization.layerNorm(x, weight: block.norm1Weight, bias: block.norm1Bias, eps: spec.layerNormEps)
            let qkv = Linear.apply(h, weight: block.qkvWeight, bias: block.qkvBias)     // [B·n, 3w]: q | k | v, head-major
            let q = Tensor(zeros: [batch, heads, n, hd]), k = Tensor(zeros: [batch, heads, n, hd]), v = Tensor(zeros: [batch, heads, n, hd])
            qkv.withFloats { src in q.withMutableFloats { qd in k.withMutableFloats { kd in v.withMutableFloats { vd in
                for b in 0..<batch { for t in 0..<n { for hh in 0..<heads { for d in 0..<hd {
                    let row = (b * n + t) * 3 * w, dst = ((b * heads + hh) * n + t) * hd + d
                    qd[dst] = src[row + hh * hd + d]; kd[dst] = src[row + w + hh * hd + d]; vd[dst] = src[row + 2 * w + hh * hd + d]
                } } } }
            } } } }
            let attended = Attention.scaledDotProduct(query: q, key: k, value: v, causal: false)
            let merged = Tensor(zeros: [batch * n, w])
            attended.withFloats { src in merged.withMutableFloats { dst in
                for b in 0..<batch { for hh in 0..<heads { for t in 0..<n { for d in 0..<hd {
                    dst[(b * n + t) * w + hh * hd + d] = src[((b * heads + hh) * n + t) * hd + d]
                } } } }
            } }
            add(x, Linear.apply(merged, weight: block.projWeight, bias: block.projBias))
            let h2 = Normalization.layerNorm(x, weight: block.norm2Weight, bias: block.norm2Bias, eps: spec.layerNormEps)
            add(x, Linear.apply(Activations.gelu(Linear.apply(h2, weight: block.fc1Weight, bias: block.fc1Bias)), weight: block.fc2Weight, bias: block.fc2Bias))
        }
        return Normalization.layerNorm(x, weight: normWeight, bias: normBias, eps: spec.layerNormEps).reshaped([batch, n, w])
    }

    func add(_ x: Tensor, _ y: Tensor) {
        x.withMutableFloats { xp in y.withFloats { yp in for i in 0..<xp.count { xp[i] += yp[i] } } }
    }
}
