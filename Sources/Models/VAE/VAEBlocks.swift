import Formats
import Tensors

/// The diffusers building blocks of `AutoencoderKL` (diffusers/models/autoencoders/vae.py, resnet.py,
/// attention_processor.py), under diffusers' key names: convolutions, GroupNorm(norm_num_groups, eps 1e-6),
/// ResnetBlock2D, and the mid block's single-head self-attention.
struct VAEConv {
    let weight: Tensor
    let bias: Tensor
    let options: Conv2D.Options
    /// `normalizedBy`: this conv of the normalised `x`, the normalised tensor never stored (Conv2D.apply).
    /// `x` is consumed (Conv2D.apply): pass `consume h` when it is the last use.
    func callAsFunction(_ x: consuming Tensor, _ activations: ActivationPrecision, normalizedBy affine: ChannelAffine? = nil) -> Tensor {
        Conv2D.apply(consume x, normalizedBy: affine, weight: weight, bias: bias, options: options, activations: activations)
    }
}

struct VAEGroupNorm {
    let weight: Tensor, bias: Tensor, groups: Int
    func callAsFunction(_ x: Tensor, silu: Bool = false) -> Tensor {
        Normalization.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: 1e-6, silu: silu)
    }
    /// The norm (then SiLU) of `x` as a scale and shift per channel, for the conv that reads it.
    func affine(_ x: Tensor, silu: Bool) -> ChannelAffine {
        Normalization.groupNormAffine(x, groups: groups, weight: weight, bias: bias, eps: 1e-6, silu: silu)
    }
}

/// ResnetBlock2D (output_scale_factor 1, no time embedding): norm1 → SiLU → conv1 → norm2 → SiLU → conv2, plus the
/// input (through the 1×1 `conv_shortcut` when the channel count changes).
struct VAEResnetBlock {
    let norm1: VAEGroupNorm, conv1: VAEConv, norm2: VAEGroupNorm, conv2: VAEConv, shortcut: VAEConv?
    /// The norms are applied as the convolutions pack their inputs, and the residual sum writes over conv2's output:
    /// two image-sized blocks less than the plain sequence, the same bits.
    func callAsFunction(_ x: Tensor, _ a: ActivationPrecision) -> Tensor {
        let h = conv1(x, a, normalizedBy: norm1.affine(x, silu: true))
        let normed = norm2.affine(h, silu: true)
        let out = conv2(consume h, a, normalizedBy: normed)
        Activations.add(shortcut.map { $0(x, a) } ?? x, into: out)
        return out
    }
}

/// The mid block's `Attention` (heads = 1, dim_head = C, residual, rescale 1): GroupNorm, then q, k, v and to_out.0
/// as Linear layers over the h·w positions, softmax(q·kᵀ/√C)·v, plus the input.
struct VAEAttention {
    let norm: VAEGroupNorm
    let q: (Tensor, Tensor), k: (Tensor, Tensor), v: (Tensor, Tensor), out: (Tensor, Tensor)
    func callAsFunction(_ x: Tensor, _ a: ActivationPrecision) -> Tensor {
        let (b, c, hh, ww) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let n = hh * ww
        let tokens = VAEBlocks.tokens(norm(x))   // [b, n, c]
        func project(_ p: (Tensor, Tensor)) -> Tensor {
            Linear.apply(tokens, weight: p.0, bias: p.1, activations: a).reshaped([b, 1, n, c])
        }
        let attended = Attention.scaledDotProduct(query: project(q), key: project(k), value: project(v), causal: false)
        let projected = Linear.apply(attended.reshaped([b, n, c]), weight: out.0, bias: out.1, activations: a)
        let out = VAEBlocks.planes(projected, height: hh, width: ww)
        Activations.add(x, into: out)
        return out
    }
}

enum VAEBlocks {
    /// [b, c, h, w] → [b, h·w, c].
    static func tokens(_ x: Tensor) -> Tensor {
        let (b, c, n) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let out = Tensor(uninitialized: [b, n, c])
        x.withFloats { src in out.withMutableFloats { dst in
            for bi in 0..<b { for ch in 0..<c { for p in 0..<n { dst[(bi * n + p) * c + ch] = src[(bi * c + ch) * n + p] } } }
        } }
        return out
    }

    /// [b, h·w, c] → [b, c, h, w].
    static func planes(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let (b, n, c) = (x.shape[0], x.shape[1], x.shape[2])
        let out = Tensor(uninitialized: [b, c, height, width])
        x.withFloats { src in out.withMutableFloats { dst in
            for bi in 0..<b { for ch in 0..<c { for p in 0..<n { dst[(bi * c + ch) * n + p] = src[(bi * n + p) * c + ch] } } }
        } }
        return out
    }

    /// Takes the blocks' weights under diffusers' names. `bf16Weights`: convolution and projection weights are
    /// rounded to bf16 at load (the `--precision bf16` mode, as the official demo's bf16 VAE).
    struct Builder {
        let loader: WeightLoader
        let groups: Int
        var bf16Weights = false
        func weight(_ name: String, _ shape: [Int]) throws -> Tensor {
            let w = try loader.take(name, shape: shape)
            return bf16Weights ? w.toBF16() : w
        }
        func conv(_ name: String, _ out: Int, _ input: Int, _ k: Int, stride: Int = 1) throws -> VAEConv {
            var options = Conv2D.Options(stride: stride, padding: k / 2)
            if stride == 2 { options.padding = (0, 1, 0, 1) }   // Downsample2D(padding=0): F.pad (0, 1, 0, 1), then the conv
            return VAEConv(weight: try weight(name + ".weight", [out, input, k, k]),
                           bias: try loader.take(name + ".bias", shape: [out]), options: options)
        }
        /// Upsample2D's conv after nearest ×2, run on the input's four phases (`NearestUpsampledConv`).
        func upsample(_ name: String, _ c: Int) throws -> NearestUpsampledConv {
            let c = try conv(name, c, c, 3)
            return NearestUpsampledConv(weight: c.weight, bias: c.bias)
        }
        func norm(_ name: String, _ c: Int) throws -> VAEGroupNorm {
            VAEGroupNorm(weight: try loader.take(name + ".weight", shape: [c]), bias: try loader.take(name + ".bias", shape: [c]),
                         groups: groups)
        }
        func resnet(_ name: String, _ input: Int, _ out: Int) throws -> VAEResnetBlock {
            VAEResnetBlock(norm1: try norm(name + ".norm1", input), conv1: try conv(name + ".conv1", out, input, 3),
                           norm2: try norm(name + ".norm2", out), conv2: try conv(name + ".conv2", out, out, 3),
                           shortcut: input != out ? try conv(name + ".conv_shortcut", out, input, 1) : nil)
        }
        func linear(_ name: String, _ c: Int) throws -> (Tensor, Tensor) {
            (try weight(name + ".weight", [c, c]), try loader.take(name + ".bias", shape: [c]))
        }
        func attention(_ name: String, _ c: Int) throws -> VAEAttention {
            VAEAttention(norm: try norm(name + ".group_norm", c), q: try linear(name + ".to_q", c), k: try linear(name + ".to_k", c),
                         v: try linear(name + ".to_v", c), out: try linear(name + ".to_out.0", c))
        }
        /// UNetMidBlock2D with one attention: resnet, attention, resnet.
        func mid(_ name: String, _ c: Int, attention withAttention: Bool) throws -> VAEMidBlock {
            VAEMidBlock(first: try resnet(name + ".resnets.0", c, c),
                        attention: withAttention ? try attention(name + ".attentions.0", c) : nil,
                        second: try resnet(name + ".resnets.1", c, c))
        }
    }
}

struct VAEMidBlock {
    let first: VAEResnetBlock, attention: VAEAttention?, second: VAEResnetBlock
    func callAsFunction(_ x: Tensor, _ a: ActivationPrecision) -> Tensor {
        var h = first(x, a)
        if let attention { h = attention(h, a) }
        return second(h, a)
    }
}
