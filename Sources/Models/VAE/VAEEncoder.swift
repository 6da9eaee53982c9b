import Formats
import Tensors

/// diffusers' `Encoder` with `quant_conv` after it (AutoencoderKL.encode): conv_in, one DownEncoderBlock2D per
/// level (layers_per_block resnets, then a stride-2 3×3 conv after zero padding (0, 1, 0, 1) except at the last
/// level), mid block, GroupNorm, SiLU, conv_out to 2 × latent channels (mean and log-variance), quant_conv 1×1.
struct VAEEncoder {
    let convIn: VAEConv
    let levels: [(resnets: [VAEResnetBlock], downsample: VAEConv?)]
    let mid: VAEMidBlock
    let normOut: VAEGroupNorm
    let convOut: VAEConv
    let quant: VAEConv?

    init(config: VAEConfig, loader: WeightLoader, bf16Weights: Bool = false) throws {
        let build = VAEBlocks.Builder(loader: loader, groups: config.normNumGroups, bf16Weights: bf16Weights)
        let blocks = config.blockOutChannels, moments = 2 * config.latentChannels
        convIn = try build.conv("encoder.conv_in", blocks[0], config.inChannels, 3)
        var levels: [(resnets: [VAEResnetBlock], downsample: VAEConv?)] = []
        var channels = blocks[0]
        for (i, out) in blocks.enumerated() {
            var resnets: [VAEResnetBlock] = []
            for j in 0..<config.layersPerBlock {
                resnets.append(try build.resnet("encoder.down_blocks.\(i).resnets.\(j)", channels, out))
                channels = out
            }
            let down = i < blocks.count - 1 ? try build.conv("encoder.down_blocks.\(i).downsamplers.0.conv", out, out, 3, stride: 2) : nil
            levels.append((resnets, down))
        }
        self.levels = levels
        mid = try build.mid("encoder.mid_block", channels, attention: config.midBlockAddAttention)
        normOut = try build.norm("encoder.conv_norm_out", channels)
        convOut = try build.conv("encoder.conv_out", moments, channels, 3)
        quant = config.useQuantConv ? try build.conv("quant_conv", moments, moments, 1) : nil
    }

    /// Pixels [b, 3, H, W] in [−1, 1] → moments [b, 2C, H/f, W/f] (mean channels first, then log-variance).
    func callAsFunction(_ x: Tensor, _ a: ActivationPrecision) -> Tensor {
        var h = convIn(x, a)
        for level in levels {
            for block in level.resnets { h = block(h, a) }
            if let down = level.downsample { h = down(h, a) }
        }
        h = convOut(normOut(mid(h, a), silu: true), a)
        return quant.map { $0(h, a) } ?? h
    }
}
