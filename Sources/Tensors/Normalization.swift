#if canImport(Glibc)
import Glibc
#endif
import CKernels

/// Layer, RMS and group normalisation. Statistics accumulate in Double (at least as accurate as the
/// references' f32 accumulation); each row/group is independent, so results do not depend on threads.
public enum Normalization {
    /// LayerNorm over the last dimension: (x − mean)/√(var + eps)·weight + bias (biased variance).
    public static func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float) -> Tensor {
        let d = x.shape.last!, rows = x.count / max(d, 1)
        let w = weight?.toF32().toFloats(), b = bias?.toF32().toFloats()
        let out = Tensor(uninitialized: x.shape)
        x.withFloats { px in out.withMutableFloats { py in
            Parallel.forEachChunk(rows, minChunk: 16) { range in
                for r in range {
                    let row = px.baseAddress! + r * d, dst = py.baseAddress! + r * d
                    var sum = 0.0
                    for i in 0..<d { sum += Double(row[i]) }
                    let mean = sum / Double(d)
                    var sq = 0.0
                    for i in 0..<d { let c = Double(row[i]) - mean; sq += c * c }
                    let inv = Float(1 / (sq / Double(d) + Double(eps)).squareRoot())
                    let m = Float(mean)
                    for i in 0..<d {
                        var v = (row[i] - m) * inv
                        if let w { v *= w[i] }
                        if let b { v += b[i] }
                        dst[i] = v
                    }
                }
            }
        } }
        return out
    }

    /// RMSNorm as transformers' LlamaRMSNorm: variance = mean(x²) in f32, x·rsqrt(variance + eps), then ·weight.
    public static func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float) -> Tensor {
        let d = x.shape.last!, rows = x.count / max(d, 1)
        let w = weight.toF32().toFloats()
        let out = Tensor(uninitialized: x.shape)
        x.withFloats { px in out.withMutableFloats { py in
            Parallel.forEachChunk(rows, minChunk: 16) { range in
                for r in range {
                    let row = px.baseAddress! + r * d, dst = py.baseAddress! + r * d
                    var sq = 0.0
                    for i in 0..<d { sq += Double(row[i]) * Double(row[i]) }
                    let inv = 1 / (Float(sq / Double(d)) + eps).squareRoot()
                    for i in 0..<d { dst[i] = w[i] * (row[i] * inv) }
                }
            }
        } }
        return out
    }

    /// GroupNorm on NCHW: channels split into `groups`, statistics over (channels of the group × H × W).
    /// `silu: true` applies SiLU to the output in the same pass (the VQ blocks' GN → swish), bit-equal to
    /// `Activations.silu` of the plain result.
    public static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float, silu: Bool = false) -> Tensor {
        groupNormAffine(x, groups: groups, weight: weight, bias: bias, eps: eps, silu: silu).applied(to: x)
    }

    /// GroupNorm's per-channel scale and shift for `x` (its statistics taken, nothing written): what `groupNorm`
    /// applies, for a consumer that applies it itself (`Conv2D.apply(_:normalizedBy:…)`).
    public static func groupNormAffine(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float, silu: Bool = false) -> ChannelAffine {
        precondition(x.rank >= 2 && x.shape[1] % groups == 0, "groupNorm: \(x.shape[1]) channels in \(groups) groups")
        let n = x.shape[0], c = x.shape[1], spatial = x.count / max(n * c, 1)
        let perGroup = c / groups * spatial
        let w = weight?.toF32().toFloats(), b = bias?.toF32().toFloats()
        var scale = [Float](repeating: 0, count: n * c), shift = [Float](repeating: 0, count: n * c)
        let level = Int32(KernelDispatch.level)
        x.withFloats { px in scale.withUnsafeMutableBufferPointer { ps in shift.withUnsafeMutableBufferPointer { pt in
            let (px, ps, pt) = (px.baseAddress!, ps.baseAddress!, pt.baseAddress!)
            Parallel.forEachChunk(n * groups, minChunk: 1) { range in
                for ng in range {
                    var mean = 0.0, variance = 0.0
                    jk_group_moments(level, px + ng * perGroup, perGroup, &mean, &variance)
                    let inv = Float(1 / (variance + Double(eps)).squareRoot()), m = Float(mean)
                    let firstChannel = (ng % groups) * (c / groups)
                    // Per channel: scale and shift are constants over its spatial run.
                    for k in 0..<(c / groups) {
                        let channel = firstChannel + k, at = (ng / groups) * c + channel
                        ps[at] = inv * (w?[channel] ?? 1)
                        pt[at] = (b?[channel] ?? 0) - m * ps[at]
                    }
                }
            }
        } } }
        return ChannelAffine(images: n, channels: c, scale: scale, shift: shift, silu: silu)
    }
}
