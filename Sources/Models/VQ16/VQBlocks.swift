import Formats
import Tensors

/// The LlamaGen VQ building blocks shared by the VQ-16 encoder and decoder (janus/models/vq_model.py):
/// convolutions, GroupNorm(32, eps 1e-6), ResnetBlock, single-head AttnBlock, and the L2-normalised codebook.
struct VQConv {
    let weight: Tensor
    let bias: Tensor?
    let options: Conv2D.Options
    /// `normalizedBy`: this conv of the normalised `x`, the normalised tensor never stored (Conv2D.apply).
    /// `x` is consumed (Conv2D.apply): pass `consume h` when it is the last use.
    func callAsFunction(_ x: consuming Tensor, _ activations: ActivationPrecision = .f32, normalizedBy affine: ChannelAffine? = nil) -> Tensor {
        Conv2D.apply(consume x, normalizedBy: affine, weight: weight, bias: bias, options: options, activations: activations)
    }
    /// This 3 × 3 conv after nearest ×2 (the decoder's Upsample), run on the input's four phases.
    var upsampled: NearestUpsampledConv { NearestUpsampledConv(weight: weight, bias: bias) }
}

struct VQNorm {
    let weight: Tensor, bias: Tensor
    /// `silu: true`: GN then swish in one pass.
    func callAsFunction(_ x: Tensor, silu: Bool = false) -> Tensor {
        Normalization.groupNorm(x, groups: 32, weight: weight, bias: bias, eps: 1e-6, silu: silu)
    }
    /// The norm (then swish) of `x` as a scale and shift per channel, for the conv that reads it.
    func affine(_ x: Tensor, silu: Bool) -> ChannelAffine {
        Normalization.groupNormAffine(x, groups: 32, weight: weight, bias: bias, eps: 1e-6, silu: silu)
    }
}

/// GN → swish → conv3×3 → GN → swish → conv3×3, plus the input (through `nin_shortcut` when channels change).
/// `activations` is the convolutions' input precision (Conv2D.apply). The norms are applied as the convolutions pack
/// their inputs and the residual sum writes over conv2's output, so a block holds the input, conv1's output and
/// conv2's (and a grid) at most: two image-sized blocks less than the plain sequence, the same bits.
struct VQResBlock {
    let norm1: VQNorm, conv1: VQConv, norm2: VQNorm, conv2: VQConv, shortcut: VQConv?
    func callAsFunction(_ x: Tensor, _ activations: ActivationPrecision = .f32) -> Tensor {
        let h = conv1(x, activations, normalizedBy: norm1.affine(x, silu: true))
        let normed = norm2.affine(h, silu: true)
        let out = conv2(consume h, activations, normalizedBy: normed)
        Activations.add(shortcut.map { $0(x, activations) } ?? x, into: out)
        return out
    }
}

/// GN, then one attention head over the h·w positions with scale C^-½ (q, k, v, proj_out are 1×1 convs); residual.
struct VQAttnBlock {
    let norm: VQNorm, q: VQConv, k: VQConv, v: VQConv, proj: VQConv
    func callAsFunction(_ x: Tensor, _ activations: ActivationPrecision = .f32) -> Tensor {
        let h = norm(x)
        let (b, c, hh, ww) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let n = hh * ww
        func tokens(_ t: Tensor) -> Tensor {   // [b, c, h, w] → [b, 1, n, c]
            let out = Tensor(uninitialized: [b, 1, n, c])
            t.withFloats { src in out.withMutableFloats { dst in
                for bi in 0..<b { for ch in 0..<c { for p in 0..<n { dst[(bi * n + p) * c + ch] = src[(bi * c + ch) * n + p] } } }
            } }
            return out
        }
        let attended = Attention.scaledDotProduct(query: tokens(q(h, activations)), key: tokens(k(h, activations)),
                                                  value: tokens(v(h, activations)), causal: false)
        let back = Tensor(uninitialized: [b, c, hh, ww])
        attended.withFloats { src in back.withMutableFloats { dst in
            for bi in 0..<b { for ch in 0..<c { for p in 0..<n { dst[(bi * c + ch) * n + p] = src[(bi * n + p) * c + ch] } } }
        } }
        let out = proj(back, activations)
        Activations.add(x, into: out)
        return out
    }
}

/// `quantize.embedding.weight` with every row L2-normalised as F.normalize does (x / max(‖x‖, 1e-12)), and the
/// quantizer that maps latent vectors to their nearest row.
public struct VQCodebook: Sendable {
    public let size: Int, dim: Int
    /// Normalised rows [size, dim].
    public let rows: [Float]

    /// From raw (unnormalised) rows [size · dim].
    public init(rawRows: [Float], dim: Int) {
        precondition(dim > 0 && rawRows.count % dim == 0, "codebook of \(rawRows.count) values is not rows of \(dim)")
        self.dim = dim; size = rawRows.count / dim
        rows = VQBlocks.l2Normalised(rawRows, dim: dim)
    }

    init(loader: WeightLoader, prefix: String, spec: VQ16Config) throws {
        self.init(rawRows: try loader.take(prefix + "quantize.embedding.weight", shape: [spec.codebookSize, spec.codebookEmbedDim]).toFloats(),
                  dim: spec.codebookEmbedDim)
    }

    /// Codes per image for a latent [images, dim, h, w], row-major over (h, w): each latent vector is
    /// L2-normalised and matched to the row with the smallest ‖z‖² + ‖e‖² − 2 z·e in f32, as the reference's
    /// VectorQuantizer computes it (the first index wins a tie, as torch.argmin).
    public func quantize(_ latent: Tensor) -> [[Int]] {
        let (b, e, hh, ww) = (latent.shape[0], latent.shape[1], latent.shape[2], latent.shape[3])
        precondition(e == dim, "latent has \(e) channels, the codebook \(dim)")
        let n = hh * ww, values = latent.toFloats()
        var squaredRows = [Float](repeating: 0, count: size)
        for r in 0..<size { var s: Float = 0; for i in 0..<dim { s += rows[r * dim + i] * rows[r * dim + i] }; squaredRows[r] = s }
        return (0..<b).map { bi in
            var raw = [Float](repeating: 0, count: n * e)   // b c h w → (h w) c
            for c in 0..<e { for p in 0..<n { raw[p * e + c] = values[(bi * e + c) * n + p] } }
            let z = VQBlocks.l2Normalised(raw, dim: e)
            return (0..<n).map { p in
                var zz: Float = 0
                for i in 0..<dim { zz += z[p * dim + i] * z[p * dim + i] }
                var best = 0, bestDistance = Float.infinity
                for r in 0..<size {
                    var dot: Float = 0
                    for i in 0..<dim { dot += z[p * dim + i] * rows[r * dim + i] }
                    let d = zz + squaredRows[r] - 2 * dot
                    if d < bestDistance { bestDistance = d; best = r }
                }
                return best
            }
        }
    }
}

enum VQBlocks {
    /// Rows of `dim` values each divided by max(‖row‖, 1e-12).
    static func l2Normalised(_ values: [Float], dim: Int) -> [Float] {
        var out = values
        for r in 0..<(values.count / dim) {
            var norm = 0.0
            for i in 0..<dim { norm += Double(values[r * dim + i]) * Double(values[r * dim + i]) }
            let inv = Float(1 / max(norm.squareRoot(), 1e-12))
            for i in 0..<dim { out[r * dim + i] = values[r * dim + i] * inv }
        }
        return out
    }

    /// Takes conv / norm / block weights under the official names.
    struct Builder {
        let loader: WeightLoader
        func conv(_ name: String, _ out: Int, _ input: Int, _ k: Int, stride: Int = 1, padding: Int? = nil) throws -> VQConv {
            var options = Conv2D.Options(stride: stride, padding: padding ?? k / 2)
            if stride == 2 && padding == nil { options.padding = (0, 1, 0, 1) }   // Downsample: F.pad (0, 1, 0, 1), then pad 0
            return VQConv(weight: try loader.take(name + ".weight", shape: [out, input, k, k]),
                          bias: try loader.take(name + ".bias", shape: [out]), options: options)
        }
        func norm(_ name: String, _ c: Int) throws -> VQNorm {
            VQNorm(weight: try loader.take(name + ".weight", shape: [c]), bias: try loader.take(name + ".bias", shape: [c]))
        }
        func res(_ name: String, _ input: Int, _ out: Int) throws -> VQResBlock {
            VQResBlock(norm1: try norm(name + ".norm1", input), conv1: try conv(name + ".conv1", out, input, 3),
                       norm2: try norm(name + ".norm2", out), conv2: try conv(name + ".conv2", out, out, 3),
                       shortcut: input != out ? try conv(name + ".nin_shortcut", out, input, 1) : nil)
        }
        func attn(_ name: String, _ c: Int) throws -> VQAttnBlock {
            VQAttnBlock(norm: try norm(name + ".norm", c), q: try conv(name + ".q", c, c, 1), k: try conv(name + ".k", c, c, 1),
                        v: try conv(name + ".v", c, c, 1), proj: try conv(name + ".proj_out", c, c, 1))
        }
    }
}
