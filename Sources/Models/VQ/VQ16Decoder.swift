import Tensors

/// The LlamaGen VQ-16 image decoder as janus/models/vq_model.py builds it: L2-normalised codebook lookup,
/// post_quant_conv, conv_in, mid [res, attn, res], one level per channel multiplier from the lowest resolution
/// up (num_res_blocks + 1 ResnetBlocks each, single-head attention after each block at the lowest level, nearest
/// ×2 + conv between levels), GroupNorm(32, eps 1e-6), swish, conv_out. Weights under `gen_vision_model.`.
public final class VQ16Decoder: @unchecked Sendable {
    public let spec: VQSpec
    let codebook: [Float]          // L2-normalised rows [codebookSize, embedDim]
    let postQuant: Conv
    let convIn: Conv
    let mid: (ResBlock, AttnBlock, ResBlock)
    let levels: [(res: [ResBlock], attn: [AttnBlock], upsample: Conv?)]
    let normOut: Norm
    let convOut: Conv

    struct Conv { let weight: Tensor; let bias: Tensor?; let padding: Int
        func callAsFunction(_ x: Tensor) -> Tensor { Conv2D.apply(x, weight: weight, bias: bias, options: Conv2D.Options(padding: padding)) }
    }
    struct Norm { let weight: Tensor; let bias: Tensor
        func callAsFunction(_ x: Tensor) -> Tensor { Normalization.groupNorm(x, groups: 32, weight: weight, bias: bias, eps: 1e-6) }
    }
    struct ResBlock {
        let norm1: Norm, conv1: Conv, norm2: Norm, conv2: Conv, shortcut: Conv?
        func callAsFunction(_ x: Tensor) -> Tensor {
            var h = conv1(Activations.silu(norm1(x)))
            h = conv2(Activations.silu(norm2(h)))
            let skip = shortcut.map { $0(x) } ?? x
            return VQ16Decoder.sum(skip, h)
        }
    }
    struct AttnBlock {
        let norm: Norm, q: Conv, k: Conv, v: Conv, proj: Conv
        func callAsFunction(_ x: Tensor) -> Tensor {
            let h = norm(x)
            let (b, c, hh, ww) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let n = hh * ww
            // Single head over the h·w positions, scale C^-½: tokens-major [b, 1, n, c].
            func tokens(_ t: Tensor) -> Tensor {
                let out = Tensor(zeros: [b, 1, n, c])
                t.withFloats { src in out.withMutableFloats { dst in
                    for bi in 0..<b { for ch in 0..<c { for p in 0..<n { dst[(bi * n + p) * c + ch] = src[(bi * c + ch) * n + p] } } }
                } }
                return out
            }
            let attended = Attention.scaledDotProduct(query: tokens(q(h)), key: tokens(k(h)), value: tokens(v(h)), causal: false)
            let back = Tensor(zeros: [b, c, hh, ww])
            attended.withFloats { src in back.withMutableFloats { dst in
                for bi in 0..<b { for ch in 0..<c { for p in 0..<n { dst[(bi * c + ch) * n + p] = src[(bi * n + p) * c + ch] } } }
            } }
            return VQ16Decoder.sum(x, proj(back))
        }
    }

    static func sum(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = Tensor(zeros: a.shape)
        a.withFloats { ap in b.withFloats { bp in out.withMutableFloats { o in for i in 0..<o.count { o[i] = ap[i] + bp[i] } } } }
        return out
    }

    public init(spec: VQSpec, loader: WeightLoader, prefix: String = "gen_vision_model.") throws {
        self.spec = spec
        func conv(_ name: String, _ out: Int, _ input: Int, _ k: Int) throws -> Conv {
            Conv(weight: try loader.take(name + ".weight", shape: [out, input, k, k]), bias: try loader.take(name + ".bias", shape: [out]), padding: k / 2)
        }
        func norm(_ name: String, _ c: Int) throws -> Norm {
            Norm(weight: try loader.take(name + ".weight", shape: [c]), bias: try loader.take(name + ".bias", shape: [c]))
        }
        func res(_ name: String, _ input: Int, _ out: Int) throws -> ResBlock {
            ResBlock(norm1: try norm(name + ".norm1", input), conv1: try conv(name + ".conv1", out, input, 3),
                     norm2: try norm(name + ".norm2", out), conv2: try conv(name + ".conv2", out, out, 3),
                     shortcut: input != out ? try conv(name + ".nin_shortcut", out, input, 1) : nil)
        }
        func attn(_ name: String, _ c: Int) throws -> AttnBlock {
            AttnBlock(norm: try norm(name + ".norm", c), q: try conv(name + ".q", c, c, 1), k: try conv(name + ".k", c, c, 1),
                      v: try conv(name + ".v", c, c, 1), proj: try conv(name + ".proj_out", c, c, 1))
        }
        let e = spec.codebookEmbedDim
        let table = try loader.take(prefix + "quantize.embedding.weight", shape: [spec.codebookSize, e]).toFloats()
        var normalised = table
        for r in 0..<spec.codebookSize {
            var norm = 0.0
            for i in 0..<e { norm += Double(table[r * e + i]) * Double(table[r * e + i]) }
            let inv = Float(1 / max(norm.squareRoot(), 1e-12))   // F.normalize: x / max(‖x‖, eps)
            for i in 0..<e { normalised[r * e + i] = table[r * e + i] * inv }
        }
        codebook = normalised
        postQuant = try conv(prefix + "post_quant_conv", spec.zChannels, e, 1)
        let mults = spec.decoderChannelMultipliers, ch = spec.baseChannels, d = prefix + "decoder."
        var blockIn = ch * mults.last!
        convIn = try conv(d + "conv_in", blockIn, spec.zChannels, 3)
        mid = (try res(d + "mid.0", blockIn, blockIn), try attn(d + "mid.1", blockIn), try res(d + "mid.2", blockIn, blockIn))
        var levels: [(res: [ResBlock], attn: [AttnBlock], upsample: Conv?)] = []
        for (position, level) in (0..<mults.count).reversed().enumerated() {
            let blockOut = ch * mults[level]
            var blocks: [ResBlock] = [], attns: [AttnBlock] = []
            for j in 0...spec.resBlocks {
                blocks.append(try res(d + "conv_blocks.\(position).res.\(j)", blockIn, blockOut))
                blockIn = blockOut
                if level == mults.count - 1 { attns.append(try attn(d + "conv_blocks.\(position).attn.\(j)", blockIn)) }
            }
            let up = level != 0 ? try conv(d + "conv_blocks.\(position).upsample.conv", blockIn, blockIn, 3) : nil
            levels.append((blocks, attns, up))
        }
        self.levels = levels
        normOut = try norm(d + "norm_out", blockIn)
        convOut = try conv(d + "conv_out", 3, blockIn, 3)
    }

    /// Token grid side for an image of `imageSize` pixels.
    public func gridSide(imageSize: Int) -> Int { imageSize / spec.downsample }

    /// Codes [images][side·side] (row-major token order) → images [images, 3, side·16, side·16] in about [−1, 1].
    public func decode(_ codes: [[Int]], side: Int) -> Tensor {
        let e = spec.codebookEmbedDim, n = side * side
        let z = Tensor(zeros: [codes.count, e, side, side])
        z.withMutableFloats { dst in
            for (b, image) in codes.enumerated() {
                for (p, code) in image.prefix(n).enumerated() {
                    for i in 0..<e { dst[(b * e + i) * n + p] = codebook[code * e + i] }
                }
            }
        }
        var h = convIn(postQuant(z))
        h = mid.2(mid.1(mid.0(h)))
        for level in levels {
            for (j, block) in level.res.enumerated() {
                h = block(h)
                if !level.attn.isEmpty { h = level.attn[j](h) }
            }
            if let up = level.upsample { h = up(Resampling.upsampleNearest(h, factor: 2)) }
        }
        return convOut(Activations.silu(normOut(h)))
    }

    /// `clip((x + 1) / 2 · 255, 0, 255)` stored to uint8 — truncating, as the reference does. HWC per image.
    public static func pixels(_ images: Tensor) -> [[UInt8]] {
        let (b, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let v = images.toFloats()
        return (0..<b).map { bi in
            var out = [UInt8](repeating: 0, count: h * w * c)
            for y in 0..<h { for x in 0..<w { for ch in 0..<c {
                let f = (v[((bi * c + ch) * h + y) * w + x] + 1) / 2 * 255
                out[(y * w + x) * c + ch] = UInt8(min(max(f, 0), 255))
            } } }
            return out
        }
    }
}
