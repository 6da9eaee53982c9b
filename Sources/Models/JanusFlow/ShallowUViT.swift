#if canImport(Glibc)
import Glibc
#endif
import Formats
import Tensors

/// uvit.py `ShallowUViTEncoder` (`vision_gen_enc_model.`): the timestep embedding (diffusers `Timesteps(C,
/// flip_sin_to_cos=True, downscale_freq_shift=0)` then `TimestepEmbedding(C, hidden)`: linear_1, SiLU, linear_2),
/// `in_conv` (kernel read from the weight, stride from the config, padding from the config or ceil(k − s)), and
/// the mid block's ConvNeXt blocks conditioned on the time embedding.
public struct ShallowUViTEncoder: @unchecked Sendable {
    let timeLinear1: Tensor, timeBias1: Tensor, timeLinear2: Tensor, timeBias2: Tensor
    let inConv: Tensor, inConvBias: Tensor
    let options: Conv2D.Options
    let blocks: [ConvNeXtBlock]
    public let sizes: JanusFlowSizes
    /// in_conv's kernel side, from its weight.
    public let kernel: Int

    init(loader: WeightLoader, prefix: String = "vision_gen_enc_model.", sizes: JanusFlowSizes, kernel: Int) throws {
        self.sizes = sizes
        self.kernel = kernel
        let c = sizes.encoderWidth, hidden = sizes.condWidth
        timeLinear1 = try loader.take(prefix + "time_embed.linear_1.weight", shape: [hidden, c])
        timeBias1 = try loader.take(prefix + "time_embed.linear_1.bias", shape: [hidden])
        timeLinear2 = try loader.take(prefix + "time_embed.linear_2.weight", shape: [hidden, hidden])
        timeBias2 = try loader.take(prefix + "time_embed.linear_2.bias", shape: [hidden])
        inConv = try loader.take(prefix + "in_conv.weight", shape: [c, sizes.latentChannels, kernel, kernel])
        inConvBias = try loader.take(prefix + "in_conv.bias", shape: [c])
        options = Conv2D.Options(stride: sizes.stride, padding: sizes.padding ?? max(0, kernel - sizes.stride))
        blocks = try (0..<sizes.encoderLayers).map {
            try ConvNeXtBlock(loader: loader, prefix: prefix + "mid_block.res_blocks.\($0).", channels: c, condition: hidden, eps: sizes.normEps)
        }
    }

    /// diffusers `get_timestep_embedding` (f32): freqs_i = exp(−ln(10000)·i / (C/2)), arg = t·freqs, [cos, sin].
    public static func sinusoid(_ timesteps: [Float], width: Int) -> Tensor {
        let half = width / 2
        let exponentScale = -Float(log(10000.0))
        let freqs = (0..<half).map { expf(exponentScale * Float($0) / Float(half)) }
        var out = [Float](repeating: 0, count: timesteps.count * width)
        for (r, t) in timesteps.enumerated() {
            for i in 0..<half {
                let arg = t * freqs[i]
                out[r * width + i] = cosf(arg)
                out[r * width + half + i] = sinf(arg)
            }
        }
        return Tensor(shape: [timesteps.count, width], floats: out)
    }

    /// t_emb [B, hidden] for one timestep per row.
    public func timeEmbedding(_ timesteps: [Float], _ a: ActivationPrecision = .f32) -> Tensor {
        let projected = Self.sinusoid(timesteps, width: sizes.encoderWidth)
        let first = Activations.silu(Linear.apply(projected, weight: timeLinear1, bias: timeBias1, activations: a))
        return Linear.apply(first, weight: timeLinear2, bias: timeBias2, activations: a)
    }

    /// z [B, C_latent, s, s] and t_emb [B, hidden] → x_emb [B, width, s/stride, s/stride] (also the decoder's skip).
    public func callAsFunction(_ z: Tensor, timeEmbedding: Tensor, _ a: ActivationPrecision = .f32) -> Tensor {
        var x = Conv2D.apply(z, weight: inConv, bias: inConvBias, options: options, activations: a)
        let condition = Activations.silu(timeEmbedding)
        for block in blocks { x = block(x, activatedCondition: condition, a) }
        return x
    }
}

/// uvit.py `ShallowUViTDecoder` (`vision_gen_dec_model.`): `input_norm` RMSNorm over the LLM features' channels,
/// concatenation [LLM features, encoder skip] along channels, the mid block's ConvNeXt blocks at the sum of both
/// widths, then `out_convs`: Unpatchify (RMSNorm over channels, 1×1 conv to out·4, PixelShuffle 2) per upsample.
public struct ShallowUViTDecoder: @unchecked Sendable {
    let inputNorm: Tensor
    let blocks: [ConvNeXtBlock]
    let outConvs: [(norm: Tensor, weight: Tensor, bias: Tensor)]
    let eps: Float

    init(loader: WeightLoader, prefix: String = "vision_gen_dec_model.", sizes: JanusFlowSizes) throws {
        eps = sizes.normEps
        let c = sizes.decoderIn + sizes.decoderSkip
        inputNorm = try loader.take(prefix + "input_norm.weight", shape: [sizes.decoderIn])
        blocks = try (0..<sizes.decoderLayers).map {
            try ConvNeXtBlock(loader: loader, prefix: prefix + "mid_block.res_blocks.\($0).", channels: c, condition: sizes.condWidth,
                              eps: sizes.normEps)
        }
        outConvs = try (0..<sizes.upsamples).map { rank in
            let input = rank == 0 ? c : sizes.decoderSkip
            let output = rank == sizes.upsamples - 1 ? sizes.decoderOut : sizes.decoderSkip
            let p = prefix + "out_convs.\(rank)."
            return (try loader.take(p + "norm.weight", shape: [input]), try loader.take(p + "unpatch_conv.weight", shape: [output * 4, input, 1, 1]),
                    try loader.take(p + "unpatch_conv.bias", shape: [output * 4]))
        }
    }

    /// LLM features [B, in, g, g], the encoder's skip [B, skip, g, g], t_emb [B, hidden] → velocity [B, out, g·2^u, g·2^u].
    public func callAsFunction(_ features: Tensor, skip: Tensor, timeEmbedding: Tensor, _ a: ActivationPrecision = .f32) -> Tensor {
        let normed = FlowLayout.channelRMSNorm(features, weight: inputNorm, eps: eps)
        let (b, c1, h, w) = (normed.shape[0], normed.shape[1], normed.shape[2], normed.shape[3])
        let c2 = skip.shape[1], plane = h * w
        var x = Tensor(uninitialized: [b, c1 + c2, h, w])
        normed.withFloats { np in skip.withFloats { sp in x.withMutableFloats { xp in
            for bi in 0..<b {
                (xp.baseAddress! + bi * (c1 + c2) * plane).update(from: np.baseAddress! + bi * c1 * plane, count: c1 * plane)
                (xp.baseAddress! + (bi * (c1 + c2) + c1) * plane).update(from: sp.baseAddress! + bi * c2 * plane, count: c2 * plane)
            }
        } } }
        let condition = Activations.silu(timeEmbedding)
        for block in blocks { x = block(x, activatedCondition: condition, a) }
        for out in outConvs {
            let normedOut = FlowLayout.channelRMSNorm(x, weight: out.norm, eps: eps)
            x = Resampling.pixelShuffle(Conv2D.apply(normedOut, weight: out.weight, bias: out.bias, activations: a), factor: 2)
        }
        return x
    }
}
