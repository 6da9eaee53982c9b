import Formats
import Tensors

/// The LlamaGen VQ-16 image decoder as janus/models/vq_model.py builds it: L2-normalised codebook lookup,
/// post_quant_conv, conv_in, mid [res, attn, res], one level per channel multiplier from the lowest resolution
/// up (num_res_blocks + 1 ResnetBlocks each, single-head attention after each block at the lowest level, nearest
/// ×2 + conv between levels), GroupNorm(32, eps 1e-6), swish, conv_out. Weights under `gen_vision_model.`.
public final class VQ16Decoder: @unchecked Sendable {
    public let spec: VQ16Config
    let codebook: VQCodebook
    let postQuant: VQConv
    let convIn: VQConv
    let mid: (VQResBlock, VQAttnBlock, VQResBlock)
    let levels: [(res: [VQResBlock], attn: [VQAttnBlock], upsample: NearestUpsampledConv?)]
    let normOut: VQNorm
    let convOut: VQConv

    /// `.bf16` rounds every convolution's input to bf16 (bf16 dot products where the CPU has them), as the official
    /// bf16 run computes; the normalisations, swish and attention stay in f32 either way.
    public let precision: ActivationPrecision

    public init(spec: VQ16Config, loader: WeightLoader, prefix: String = "gen_vision_model.", precision: ActivationPrecision = .f32) throws {
        self.spec = spec
        self.precision = precision
        let build = VQBlocks.Builder(loader: loader)
        codebook = try VQCodebook(loader: loader, prefix: prefix, spec: spec)
        postQuant = try build.conv(prefix + "post_quant_conv", spec.zChannels, spec.codebookEmbedDim, 1)
        let mults = spec.decoderChannelMultipliers, ch = spec.baseChannels, d = prefix + "decoder."
        var blockIn = ch * mults.last!
        convIn = try build.conv(d + "conv_in", blockIn, spec.zChannels, 3)
        mid = (try build.res(d + "mid.0", blockIn, blockIn), try build.attn(d + "mid.1", blockIn), try build.res(d + "mid.2", blockIn, blockIn))
        var levels: [(res: [VQResBlock], attn: [VQAttnBlock], upsample: NearestUpsampledConv?)] = []
        for (position, level) in (0..<mults.count).reversed().enumerated() {
            let blockOut = ch * mults[level]
            var blocks: [VQResBlock] = [], attns: [VQAttnBlock] = []
            for j in 0...spec.resBlocks {
                blocks.append(try build.res(d + "conv_blocks.\(position).res.\(j)", blockIn, blockOut))
                blockIn = blockOut
                if level == mults.count - 1 { attns.append(try build.attn(d + "conv_blocks.\(position).attn.\(j)", blockIn)) }
            }
            // Nearest ×2 then this conv, run on the input's four phases (`NearestUpsampledConv`).
            let up = level != 0 ? try build.conv(d + "conv_blocks.\(position).upsample.conv", blockIn, blockIn, 3).upsampled : nil
            levels.append((blocks, attns, up))
        }
        self.levels = levels
        normOut = try build.norm(d + "norm_out", blockIn)
        convOut = try build.conv(d + "conv_out", 3, blockIn, 3)
    }

    /// Token grid side for an image of `imageSize` pixels.
    public func gridSide(imageSize: Int) -> Int { imageSize / spec.downsample }

    /// Codes [images][side·side] (row-major token order) → images [images, 3, side·16, side·16] in about [−1, 1].
    /// Convolutions run in the decoder's `precision`.
    /// Images are decoded one at a time: a 384² image's activations are 75 MB per tensor at 128 channels, four
    /// at once 302 MB, which overflows the cache of freed large blocks, so every op paid for fresh zeroed pages
    /// (Pro shape, bf16: 2.9–3.2 → ~2.1 s per image).
    public func decode(_ codes: [[Int]], side: Int) -> Tensor {
        guard codes.count > 1 else { return decodeBatch(codes, side: side) }
        let images = codes.map { decodeBatch([$0], side: side) }
        let out = Tensor(zeros: [codes.count] + images[0].shape.dropFirst())
        out.withMutableFloats { dst in
            for (i, image) in images.enumerated() {
                image.withFloats { src in (dst.baseAddress! + i * src.count).update(from: src.baseAddress!, count: src.count) }
            }
        }
        return out
    }

    func decodeBatch(_ codes: [[Int]], side: Int) -> Tensor {
        let e = spec.codebookEmbedDim, n = side * side
        let z = Tensor(zeros: [codes.count, e, side, side])
        z.withMutableFloats { dst in
            for (b, image) in codes.enumerated() {
                for (p, code) in image.prefix(n).enumerated() {
                    for i in 0..<e { dst[(b * e + i) * n + p] = codebook.rows[code * e + i] }
                }
            }
        }
        let a = precision
        var h = convIn(postQuant(z, a), a)
        h = mid.2(mid.1(mid.0(h, a), a), a)
        for level in levels {
            for (j, block) in level.res.enumerated() {
                h = block(h, a)
                if !level.attn.isEmpty { h = level.attn[j](h, a) }
            }
            if let up = level.upsample { h = up(h, activations: a) }
        }
        return convOut(h, a, normalizedBy: normOut.affine(h, silu: true))
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
