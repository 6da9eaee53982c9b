import Formats
import Tensors

/// diffusers' `Decoder` with `post_quant_conv` in front (AutoencoderKL.decode): post_quant_conv 1×1, conv_in,
/// mid block [resnet, attention, resnet], one UpDecoderBlock2D per level from the widest (layers_per_block + 1
/// resnets, then nearest ×2 and a 3×3 conv except at the last level), GroupNorm, SiLU, conv_out.
struct VAEDecoder {
    let postQuant: VAEConv?
    let convIn: VAEConv
    let mid: VAEMidBlock
    let levels: [(resnets: [VAEResnetBlock], upsample: NearestUpsampledConv?)]
    let normOut: VAEGroupNorm
    let convOut: VAEConv

    init(config: VAEConfig, loader: WeightLoader, bf16Weights: Bool = false) throws {
        let build = VAEBlocks.Builder(loader: loader, groups: config.normNumGroups, bf16Weights: bf16Weights)
        let latent = config.latentChannels, reversed = Array(config.blockOutChannels.reversed())
        postQuant = config.usePostQuantConv ? try build.conv("post_quant_conv", latent, latent, 1) : nil
        convIn = try build.conv("decoder.conv_in", reversed[0], latent, 3)
        mid = try build.mid("decoder.mid_block", reversed[0], attention: config.midBlockAddAttention)
        var levels: [(resnets: [VAEResnetBlock], upsample: NearestUpsampledConv?)] = []
        var channels = reversed[0]
        for (i, out) in reversed.enumerated() {
            var resnets: [VAEResnetBlock] = []
            for j in 0...config.layersPerBlock {
                resnets.append(try build.resnet("decoder.up_blocks.\(i).resnets.\(j)", channels, out))
                channels = out
            }
            let up = i < reversed.count - 1 ? try build.upsample("decoder.up_blocks.\(i).upsamplers.0.conv", out) : nil
            levels.append((resnets, up))
        }
        self.levels = levels
        normOut = try build.norm("decoder.conv_norm_out", channels)
        convOut = try build.conv("decoder.conv_out", config.outChannels, channels, 3)
    }

    /// Latents [b, C, h, w] (already divided by the scaling factor) → images [b, 3, h·f, w·f].
    func callAsFunction(_ z: Tensor, _ a: ActivationPrecision) -> Tensor {
        var h = convIn(postQuant.map { $0(z, a) } ?? z, a)
        h = mid(h, a)
        for level in levels {
            for block in level.resnets { h = block(h, a) }
            if let up = level.upsample { h = up(h, activations: a) }
        }
        return convOut(h, a, normalizedBy: normOut.affine(h, silu: true))
    }
}
