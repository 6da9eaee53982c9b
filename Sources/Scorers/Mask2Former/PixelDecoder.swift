import Formats
import Tensors

/// The multi-scale deformable-attention pixel decoder (transformers' `Mask2FormerPixelDecoder`): 1×1 projections
/// + GroupNorm of the three coarsest backbone maps, a deformable-attention encoder over them (sine position and level
/// embeddings), then FPN levels down to stride 4 (lateral 1×1 + GN, bilinear upsampling, 3×3 + GN + ReLU) and the
/// 1×1 mask projection.
struct PixelDecoder {
    struct EncoderLayer {
        let attention: DeformableAttention
        let attentionNorm: LayerNormLayer
        let fc1: DenseLayer, fc2: DenseLayer
        let finalNorm: LayerNormLayer

        init(_ loader: WeightLoader, prefix: String, config: Mask2FormerConfig) throws {
            let dim = config.featureSize
            attention = try DeformableAttention(loader, prefix: prefix + "self_attn.", dim: dim, heads: config.numAttentionHeads,
                                                levels: Mask2FormerConfig.transformerLevels, points: Mask2FormerConfig.samplingPoints)
            attentionNorm = try LayerNormLayer(loader, prefix + "self_attn_layer_norm", width: dim)
            fc1 = try DenseLayer(loader, prefix + "fc1", input: dim, output: config.encoderFeedforwardDim)
            fc2 = try DenseLayer(loader, prefix + "fc2", input: config.encoderFeedforwardDim, output: dim)
            finalNorm = try LayerNormLayer(loader, prefix + "final_layer_norm", width: dim)
        }

        func callAsFunction(_ x: Tensor, position: Tensor, shapes: [(Int, Int)], reference: [Float]) -> Tensor {
            let attended = attention(query: FeatureMap.add(x, position), input: x, shapes: shapes, reference: reference)
            let h = attentionNorm(FeatureMap.add(x, attended))
            return finalNorm(FeatureMap.add(h, fc2(FeatureMap.relu(fc1(h)))))
        }
    }

    struct Output {
        /// [1, mask_feature_size, H/4, W/4]
        let maskFeatures: Tensor
        /// The three coarsest outputs, coarsest first: [1, C, H/32, W/32], [.., H/16, ..], [.., H/8, ..].
        let multiScale: [Tensor]
    }

    let config: Mask2FormerConfig
    /// Index 0 projects the coarsest backbone map.
    let inputProjections: [(ConvLayer, GroupNormLayer)]
    let levelEmbed: [[Float]]
    let layers: [EncoderLayer]
    /// Finest-last order as applied: lateral and output convolutions per FPN level (coarse to fine).
    let fpn: [(lateral: ConvLayer, lateralNorm: GroupNormLayer, output: ConvLayer, outputNorm: GroupNormLayer)]
    let maskProjection: ConvLayer

    init(_ loader: WeightLoader, prefix: String, config: Mask2FormerConfig) throws {
        self.config = config
        let dim = config.featureSize, levels = Mask2FormerConfig.transformerLevels
        inputProjections = try (0..<levels).map { level in
            let channels = config.backbone.channels(stage: 3 - level)
            return (try ConvLayer(loader, prefix + "input_projections.\(level).0", input: channels, output: dim, kernel: 1),
                    try GroupNormLayer(loader, prefix + "input_projections.\(level).1", channels: dim))
        }
        let embed = try loader.take(prefix + "level_embed", shape: [levels, dim]).toFloats()
        levelEmbed = embed.count == levels * dim ? (0..<levels).map { Array(embed[($0 * dim)..<(($0 + 1) * dim)]) } : []
        layers = try (0..<config.encoderLayers).map { try EncoderLayer(loader, prefix: prefix + "encoder.layers.\($0).", config: config) }
        fpn = try (0..<config.fpnLevels).reversed().map { f in
            let channels = config.backbone.channels(stage: f)
            return (try ConvLayer(loader, prefix + "adapter_\(f + 1).0", input: channels, output: dim, kernel: 1, bias: false),
                    try GroupNormLayer(loader, prefix + "adapter_\(f + 1).1", channels: dim),
                    try ConvLayer(loader, prefix + "layer_\(f + 1).0", input: dim, output: dim, kernel: 3, padding: 1, bias: false),
                    try GroupNormLayer(loader, prefix + "layer_\(f + 1).1", channels: dim))
        }
        maskProjection = try ConvLayer(loader, prefix + "mask_projection", input: dim, output: config.maskFeatureSize, kernel: 1)
    }

    func callAsFunction(_ features: [Tensor]) -> Output {
        let levels = Mask2FormerConfig.transformerLevels, dim = config.featureSize
        var shapes: [(Int, Int)] = []
        var inputs: [Tensor] = [], positions: [Tensor] = [], reference: [Float] = []
        for level in 0..<levels {
            let map = features[features.count - 1 - level]
            let (h, w) = (map.shape[2], map.shape[3])
            shapes.append((h, w))
            let (conv, norm) = inputProjections[level]
            inputs.append(FeatureMap.tokens(norm(conv(map))))
            positions.append(FeatureMap.addRow(SinePositionEmbedding.tokens(height: h, width: w, features: dim / 2), levelEmbed[level]))
            for y in 0..<h { for x in 0..<w {
                reference.append((Float(x) + 0.5) / Float(w)); reference.append((Float(y) + 0.5) / Float(h))
            } }
        }
        var x = FeatureMap.concatRows(inputs)
        let position = FeatureMap.concatRows(positions)
        for layer in layers { x = layer(x, position: position, shapes: shapes, reference: reference) }
        var outputs: [Tensor] = []
        var start = 0
        for (h, w) in shapes {
            outputs.append(FeatureMap.planes(FeatureMap.rows(x, from: start, count: h * w), height: h, width: w))
            start += h * w
        }
        for (i, level) in fpn.enumerated() {
            let feature = features[config.fpnLevels - 1 - i]
            let lateral = level.lateralNorm(level.lateral(feature))
            let up = BilinearResize.resize(outputs.last!, height: lateral.shape[2], width: lateral.shape[3])
            outputs.append(FeatureMap.relu(level.outputNorm(level.output(FeatureMap.add(lateral, up)))))
        }
        return Output(maskFeatures: maskProjection(outputs.last!), multiScale: Array(outputs.prefix(levels)))
    }
}
