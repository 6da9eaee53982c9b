import Formats
import Tensors

/// uvit.py `ConvNextBlock` (channels C, condition width = the LLM's hidden size, FFN factor 4): depthwise 7×7 conv
/// (pad 3, bias) → channels last → RMSNorm(C) → Linear C→4C → GELU → GlobalResponseNorm(4C) → Linear 4C→C →
/// channels first → plus the block input → `x·(1 + scale) + shift`, with (scale, shift) the two halves of
/// `cond_embeds_mapper(silu(t_emb))`, broadcast over H and W (the modulation comes after the residual add).
struct ConvNeXtBlock {
    let depthwise: Tensor, depthwiseBias: Tensor
    let norm: Tensor
    let linear1: Tensor, bias1: Tensor
    let grnWeight: [Float], grnBias: [Float]
    let linear2: Tensor, bias2: Tensor
    let mapper: Tensor, mapperBias: Tensor
    let channels: Int, eps: Float

    init(loader: WeightLoader, prefix: String, channels c: Int, condition: Int, eps: Float) throws {
        channels = c; self.eps = eps
        depthwise = try loader.take(prefix + "depthwise.weight", shape: [c, 1, 7, 7])
        depthwiseBias = try loader.take(prefix + "depthwise.bias", shape: [c])
        norm = try loader.take(prefix + "norm.weight", shape: [c])
        linear1 = try loader.take(prefix + "channelwise_linear_1.weight", shape: [4 * c, c])
        bias1 = try loader.take(prefix + "channelwise_linear_1.bias", shape: [4 * c])
        grnWeight = try loader.take(prefix + "channelwise_norm.weight", shape: [1, 1, 1, 4 * c]).toFloats()
        grnBias = try loader.take(prefix + "channelwise_norm.bias", shape: [1, 1, 1, 4 * c]).toFloats()
        linear2 = try loader.take(prefix + "channelwise_linear_2.weight", shape: [c, 4 * c])
        bias2 = try loader.take(prefix + "channelwise_linear_2.bias", shape: [c])
        mapper = try loader.take(prefix + "cond_embeds_mapper.weight", shape: [2 * c, condition])
        mapperBias = try loader.take(prefix + "cond_embeds_mapper.bias", shape: [2 * c])
    }

    /// `x` [B, C, H, W]; `activatedCondition` = silu(t_emb) [B, condition].
    func callAsFunction(_ x: Tensor, activatedCondition: Tensor, _ a: ActivationPrecision) -> Tensor {
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let n = h * w
        let dw = Conv2D.apply(x, weight: depthwise, bias: depthwiseBias, options: Conv2D.Options(padding: 3, groups: c), activations: a)
        var t = Normalization.rmsNorm(FlowLayout.tokens(dw), weight: norm, eps: eps)   // [B, n, C]
        t = Activations.gelu(Linear.apply(t, weight: linear1, bias: bias1, activations: a))
        globalResponseNorm(t, batch: b, positions: n, channels: 4 * c)
        t = Linear.apply(t, weight: linear2, bias: bias2, activations: a)
        let modulation = Linear.apply(activatedCondition, weight: mapper, bias: mapperBias, activations: a).toFloats()   // [B, 2C]
        let out = Tensor(uninitialized: [b, c, h, w])
        x.withFloats { xp in t.withFloats { tp in out.withMutableFloats { op in
            Parallel.forEachChunk(b * c, minChunk: 8) { range in
                for bc in range {
                    let bi = bc / c, ch = bc % c
                    let scale = 1 + modulation[bi * 2 * c + ch], shift = modulation[bi * 2 * c + c + ch]
                    for p in 0..<n {
                        let v = tp[(bi * n + p) * c + ch] + xp[bc * n + p]
                        op[bc * n + p] = v * scale + shift
                    }
                }
            }
        } } }
        return out
    }

    /// GRN (ConvNeXt-V2) in place on channels-last [B, n, D]: gx = ‖x‖₂ over the positions per channel,
    /// nx = gx / (mean over channels of gx + 1e-6), x ← bias + (weight·nx + 1)·x.
    func globalResponseNorm(_ t: Tensor, batch: Int, positions n: Int, channels d: Int) {
        t.withMutableFloats { tp in
            for bi in 0..<batch {
                var gx = [Double](repeating: 0, count: d)
                for p in 0..<n { let row = (bi * n + p) * d; for ch in 0..<d { let v = Double(tp[row + ch]); gx[ch] += v * v } }
                let norms = gx.map { Float($0.squareRoot()) }
                var mean: Double = 0
                for v in norms { mean += Double(v) }
                let denominator = Float(mean / Double(d)) + 1e-6
                let factor = (0..<d).map { grnWeight[$0] * (norms[$0] / denominator) + 1 }
                for p in 0..<n {
                    let row = (bi * n + p) * d
                    for ch in 0..<d { tp[row + ch] = grnBias[ch] + factor[ch] * tp[row + ch] }
                }
            }
        }
    }
}

/// Channels-first ↔ channels-last moves for the UViT blocks.
enum FlowLayout {
    /// [B, C, H, W] → [B, H·W, C].
    static func tokens(_ x: Tensor) -> Tensor {
        let (b, c, n) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let out = Tensor(uninitialized: [b, n, c])
        x.withFloats { src in out.withMutableFloats { dst in
            Parallel.forEachChunk(b * n, minChunk: 64) { range in
                for bp in range {
                    let bi = bp / n, p = bp % n
                    for ch in 0..<c { dst[bp * c + ch] = src[(bi * c + ch) * n + p] }
                }
            }
        } }
        return out
    }

    /// [B, H·W, C] → [B, C, H, W].
    static func planes(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let (b, n, c) = (x.shape[0], x.shape[1], x.shape[2])
        let out = Tensor(uninitialized: [b, c, height, width])
        x.withFloats { src in out.withMutableFloats { dst in
            Parallel.forEachChunk(b * c, minChunk: 8) { range in
                for bc in range {
                    let bi = bc / c, ch = bc % c
                    for p in 0..<n { dst[bc * n + p] = src[(bi * n + p) * c + ch] }
                }
            }
        } }
        return out
    }

    /// RMSNorm over the channels of [B, C, H, W] (the reference permutes to channels last and back).
    static func channelRMSNorm(_ x: Tensor, weight: Tensor, eps: Float) -> Tensor {
        planes(Normalization.rmsNorm(tokens(x), weight: weight, eps: eps), height: x.shape[2], width: x.shape[3])
    }
}
