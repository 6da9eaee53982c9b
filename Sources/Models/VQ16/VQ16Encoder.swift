import Formats
import Tensors

/// The LlamaGen VQ-16 image encoder and quantizer (janus/models/vq_model.py `VQModel.encode`): conv_in, one level
/// per channel multiplier (num_res_blocks ResnetBlocks each, single-head attention after each at the last level,
/// a stride-2 convolution after zero padding (0, 1, 0, 1) between levels), mid [res, attn, res], GN, swish,
/// conv_out, quant_conv; then each latent vector is L2-normalised and replaced by its nearest L2-normalised
/// codebook row. Janus does not use it to generate; it closes the image → codes → image round trip.
public final class VQ16Encoder: @unchecked Sendable {
    public let spec: VQ16Config
    public let codebook: VQCodebook
    let convIn: VQConv
    let levels: [(res: [VQResBlock], attn: [VQAttnBlock], downsample: VQConv?)]
    let mid: (VQResBlock, VQAttnBlock, VQResBlock)
    let normOut: VQNorm
    let convOut: VQConv
    let quantConv: VQConv

    public init(spec: VQ16Config, loader: WeightLoader, prefix: String = "gen_vision_model.") throws {
        self.spec = spec
        let build = VQBlocks.Builder(loader: loader)
        codebook = try VQCodebook(loader: loader, prefix: prefix, spec: spec)
        let mults = spec.encoderChannelMultipliers, ch = spec.baseChannels, e = prefix + "encoder."
        convIn = try build.conv(e + "conv_in", ch, 3, 3)
        var blockIn = ch
        var levels: [(res: [VQResBlock], attn: [VQAttnBlock], downsample: VQConv?)] = []
        for (level, mult) in mults.enumerated() {
            let blockOut = ch * mult
            var blocks: [VQResBlock] = [], attns: [VQAttnBlock] = []
            for j in 0..<spec.resBlocks {
                blocks.append(try build.res(e + "conv_blocks.\(level).res.\(j)", blockIn, blockOut))
                blockIn = blockOut
                if level == mults.count - 1 { attns.append(try build.attn(e + "conv_blocks.\(level).attn.\(j)", blockIn)) }
            }
            let down = level != mults.count - 1
                ? try build.conv(e + "conv_blocks.\(level).downsample.conv", blockIn, blockIn, 3, stride: 2) : nil
            levels.append((blocks, attns, down))
        }
        self.levels = levels
        mid = (try build.res(e + "mid.0", blockIn, blockIn), try build.attn(e + "mid.1", blockIn), try build.res(e + "mid.2", blockIn, blockIn))
        normOut = try build.norm(e + "norm_out", blockIn)
        convOut = try build.conv(e + "conv_out", spec.zChannels, blockIn, 3)
        quantConv = try build.conv(prefix + "quant_conv", spec.codebookEmbedDim, spec.zChannels, 1)
    }

    /// Pixels [images, 3, H, W] in [−1, 1] → the latent after quant_conv [images, embedDim, H/16, W/16] (before
    /// quantization) and each image's codes in row-major token order (the order the generator emits them).
    public func encode(_ pixels: Tensor) -> (latent: Tensor, codes: [[Int]]) {
        var h = convIn(pixels)
        for level in levels {
            for (j, block) in level.res.enumerated() {
                h = block(h)
                if !level.attn.isEmpty { h = level.attn[j](h) }
            }
            if let down = level.downsample { h = down(h) }
        }
        h = mid.2(mid.1(mid.0(h)))
        let latent = quantConv(convOut(normOut(h, silu: true)))
        return (latent, codebook.quantize(latent))
    }
}
