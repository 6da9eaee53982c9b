import Foundation
import Formats
import Tensors

/// One pre-LN transformer block of either CLIP tower (transformers' `CLIPEncoderLayer`):
/// x += out_proj(attention(layer_norm1(x))); x += fc2(act(fc1(layer_norm2(x)))), with separate q/k/v projections,
/// scale head_dim^−½, a causal mask in the text tower only.
struct CLIPEncoderLayer {
    let norm1Weight: Tensor, norm1Bias: Tensor
    let qWeight: Tensor, qBias: Tensor, kWeight: Tensor, kBias: Tensor, vWeight: Tensor, vBias: Tensor
    let outWeight: Tensor, outBias: Tensor
    let norm2Weight: Tensor, norm2Bias: Tensor
    let fc1Weight: Tensor, fc1Bias: Tensor, fc2Weight: Tensor, fc2Bias: Tensor
    let heads: Int
    let eps: Float
    let activation: CLIPActivation

    /// `prefix` is e.g. "vision_model.encoder.layers.3.".
    init(loader: WeightLoader, prefix p: String, width w: Int, intermediate m: Int, heads: Int, eps: Double,
         activation: CLIPActivation) throws {
        norm1Weight = try loader.take(p + "layer_norm1.weight", shape: [w]); norm1Bias = try loader.take(p + "layer_norm1.bias", shape: [w])
        qWeight = try loader.take(p + "self_attn.q_proj.weight", shape: [w, w]); qBias = try loader.take(p + "self_attn.q_proj.bias", shape: [w])
        kWeight = try loader.take(p + "self_attn.k_proj.weight", shape: [w, w]); kBias = try loader.take(p + "self_attn.k_proj.bias", shape: [w])
        vWeight = try loader.take(p + "self_attn.v_proj.weight", shape: [w, w]); vBias = try loader.take(p + "self_attn.v_proj.bias", shape: [w])
        outWeight = try loader.take(p + "self_attn.out_proj.weight", shape: [w, w]); outBias = try loader.take(p + "self_attn.out_proj.bias", shape: [w])
        norm2Weight = try loader.take(p + "layer_norm2.weight", shape: [w]); norm2Bias = try loader.take(p + "layer_norm2.bias", shape: [w])
        fc1Weight = try loader.take(p + "mlp.fc1.weight", shape: [m, w]); fc1Bias = try loader.take(p + "mlp.fc1.bias", shape: [m])
        fc2Weight = try loader.take(p + "mlp.fc2.weight", shape: [w, m]); fc2Bias = try loader.take(p + "mlp.fc2.bias", shape: [w])
        self.heads = heads
        self.eps = Float(eps)
        self.activation = activation
    }

    /// `x` is [batch·seq, width], updated in place.
    func callAsFunction(_ x: Tensor, batch: Int, seq: Int, causal: Bool) {
        let w = x.shape[1], hd = w / heads
        let h = Normalization.layerNorm(x, weight: norm1Weight, bias: norm1Bias, eps: eps)
        let q = splitHeads(Linear.apply(h, weight: qWeight, bias: qBias), batch: batch, seq: seq, headDim: hd)
        let k = splitHeads(Linear.apply(h, weight: kWeight, bias: kBias), batch: batch, seq: seq, headDim: hd)
        let v = splitHeads(Linear.apply(h, weight: vWeight, bias: vBias), batch: batch, seq: seq, headDim: hd)
        let attended = Attention.scaledDotProduct(query: q, key: k, value: v, causal: causal)
        addInPlace(x, Linear.apply(mergeHeads(attended, batch: batch, seq: seq, headDim: hd), weight: outWeight, bias: outBias))
        let h2 = Normalization.layerNorm(x, weight: norm2Weight, bias: norm2Bias, eps: eps)
        let inner = Linear.apply(h2, weight: fc1Weight, bias: fc1Bias)
        activate(inner)
        addInPlace(x, Linear.apply(inner, weight: fc2Weight, bias: fc2Bias))
    }

    func activate(_ x: Tensor) {
        x.withMutableFloats { p in
            switch activation {
            case .quickGELU:
                // transformers' QuickGELUActivation: x · sigmoid(1.702 · x).
                for i in 0..<p.count { let v = p[i]; p[i] = v * (1 / (1 + expf(-1.702 * v))) }
            case .gelu:
                for i in 0..<p.count { let v = p[i]; p[i] = 0.5 * v * (1 + erff(v * 0.70710678118654752)) }
            }
        }
    }

    /// [B·S, H·D] → [B, H, S, D].
    func splitHeads(_ x: Tensor, batch: Int, seq: Int, headDim hd: Int) -> Tensor {
        let out = Tensor(uninitialized: [batch, heads, seq, hd])
        let w = heads * hd
        x.withFloats { src in out.withMutableFloats { dst in
            for b in 0..<batch { for hh in 0..<heads { for t in 0..<seq {
                let s = (b * seq + t) * w + hh * hd, d = ((b * heads + hh) * seq + t) * hd
                for i in 0..<hd { dst[d + i] = src[s + i] }
            } } }
        } }
        return out
    }

    /// [B, H, S, D] → [B·S, H·D].
    func mergeHeads(_ x: Tensor, batch: Int, seq: Int, headDim hd: Int) -> Tensor {
        let w = heads * hd
        let out = Tensor(uninitialized: [batch * seq, w])
        x.withFloats { src in out.withMutableFloats { dst in
            for b in 0..<batch { for hh in 0..<heads { for t in 0..<seq {
                let s = ((b * heads + hh) * seq + t) * hd, d = (b * seq + t) * w + hh * hd
                for i in 0..<hd { dst[d + i] = src[s + i] }
            } } }
        } }
        return out
    }
}

func addInPlace(_ x: Tensor, _ y: Tensor) {
    x.withMutableFloats { xp in y.withFloats { yp in for i in 0..<xp.count { xp[i] += yp[i] } } }
}

/// Rows `rows` of a [N, D] tensor of any float dtype (a memory-mapped embedding table is read row by row, never
/// converted whole).
func gatherRows(_ table: Tensor, rows: [Int]) -> [Float] {
    let d = table.shape[1]
    var out = [Float](repeating: 0, count: rows.count * d)
    let base = UnsafeRawPointer(table.rawPointer)
    for (r, row) in rows.enumerated() {
        switch table.dtype {
        case .f32:
            let p = base.assumingMemoryBound(to: Float.self) + row * d
            for i in 0..<d { out[r * d + i] = p[i] }
        case .bf16:
            for i in 0..<d { out[r * d + i] = HalfPrecision.float(fromBF16: base.loadUnaligned(fromByteOffset: (row * d + i) * 2, as: UInt16.self)) }
        case .f16:
            for i in 0..<d { out[r * d + i] = HalfPrecision.float(fromF16: base.loadUnaligned(fromByteOffset: (row * d + i) * 2, as: UInt16.self)) }
        default:
            preconditionFailure("embedding table must be f32, bf16 or f16, not \(table.dtype)")
        }
    }
    return out
}
