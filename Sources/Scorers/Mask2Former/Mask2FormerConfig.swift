import Foundation

/// Sizes of a Mask2Former with a Swin backbone, read from the Hugging Face `config.json` layout
/// (`facebook/mask2former-swin-small-coco-instance`). Absent fields take transformers' defaults
/// (`Mask2FormerConfig` / `SwinConfig`, 4.57.6); every size is checked against what the network can build.
public struct Mask2FormerConfig: Codable, Equatable, Sendable {
    public struct Backbone: Codable, Equatable, Sendable {
        public var modelType: String = "swin"
        public var numChannels: Int = 3
        public var patchSize: Int = 4
        public var embedDim: Int = 96
        public var depths: [Int] = [2, 2, 18, 2]
        public var numHeads: [Int] = [3, 6, 12, 24]
        public var windowSize: Int = 7
        public var mlpRatio: Double = 4
        public var qkvBias: Bool = true
        public var hiddenAct: String = "gelu"
        public var useAbsoluteEmbeddings: Bool = false
        public var layerNormEps: Double = 1e-5
        public var outFeatures: [String] = ["stage1", "stage2", "stage3", "stage4"]

        enum CodingKeys: String, CodingKey {
            case modelType = "model_type", numChannels = "num_channels", patchSize = "patch_size", embedDim = "embed_dim"
            case depths, numHeads = "num_heads", windowSize = "window_size", mlpRatio = "mlp_ratio", qkvBias = "qkv_bias"
            case hiddenAct = "hidden_act", useAbsoluteEmbeddings = "use_absolute_embeddings", layerNormEps = "layer_norm_eps"
            case outFeatures = "out_features"
        }

        public init() {}

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Backbone()
            modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? d.modelType
            numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? d.numChannels
            patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? d.patchSize
            embedDim = try c.decodeIfPresent(Int.self, forKey: .embedDim) ?? d.embedDim
            depths = try c.decodeIfPresent([Int].self, forKey: .depths) ?? d.depths
            numHeads = try c.decodeIfPresent([Int].self, forKey: .numHeads) ?? d.numHeads
            windowSize = try c.decodeIfPresent(Int.self, forKey: .windowSize) ?? d.windowSize
            mlpRatio = try c.decodeIfPresent(Double.self, forKey: .mlpRatio) ?? d.mlpRatio
            qkvBias = try c.decodeIfPresent(Bool.self, forKey: .qkvBias) ?? d.qkvBias
            hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
            useAbsoluteEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .useAbsoluteEmbeddings) ?? d.useAbsoluteEmbeddings
            layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? d.layerNormEps
            outFeatures = try c.decodeIfPresent([String].self, forKey: .outFeatures) ?? d.outFeatures
        }

        /// Channels of stage i's output (embed_dim · 2^i).
        public func channels(stage i: Int) -> Int { embedDim << i }
        public var mlpWidth: Int { Int(mlpRatio * Double(embedDim)) }
    }

    public var backbone = Backbone()
    public var featureSize: Int = 256
    public var maskFeatureSize: Int = 256
    public var hiddenDim: Int = 256
    public var encoderFeedforwardDim: Int = 1024
    public var activationFunction: String = "relu"
    public var encoderLayers: Int = 6
    public var decoderLayers: Int = 10
    public var numAttentionHeads: Int = 8
    public var dimFeedforward: Int = 2048
    public var preNorm: Bool = false
    public var enforceInputProjection: Bool = false
    public var commonStride: Int = 4
    public var numQueries: Int = 100
    public var featureStrides: [Int] = [4, 8, 16, 32]
    /// Class names by index (`id2label`); their count is `num_labels`.
    public var labels: [String] = []

    public var numLabels: Int { labels.count }

    enum CodingKeys: String, CodingKey {
        case backbone = "backbone_config", featureSize = "feature_size", maskFeatureSize = "mask_feature_size"
        case hiddenDim = "hidden_dim", encoderFeedforwardDim = "encoder_feedforward_dim"
        case activationFunction = "activation_function", encoderLayers = "encoder_layers", decoderLayers = "decoder_layers"
        case numAttentionHeads = "num_attention_heads", dimFeedforward = "dim_feedforward", preNorm = "pre_norm"
        case enforceInputProjection = "enforce_input_projection", commonStride = "common_stride", numQueries = "num_queries"
        case featureStrides = "feature_strides", id2label, numLabels = "num_labels"
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = Mask2FormerConfig()
        backbone = try c.decodeIfPresent(Backbone.self, forKey: .backbone) ?? d.backbone
        featureSize = try c.decodeIfPresent(Int.self, forKey: .featureSize) ?? d.featureSize
        maskFeatureSize = try c.decodeIfPresent(Int.self, forKey: .maskFeatureSize) ?? d.maskFeatureSize
        hiddenDim = try c.decodeIfPresent(Int.self, forKey: .hiddenDim) ?? d.hiddenDim
        encoderFeedforwardDim = try c.decodeIfPresent(Int.self, forKey: .encoderFeedforwardDim) ?? d.encoderFeedforwardDim
        activationFunction = try c.decodeIfPresent(String.self, forKey: .activationFunction) ?? d.activationFunction
        encoderLayers = try c.decodeIfPresent(Int.self, forKey: .encoderLayers) ?? d.encoderLayers
        decoderLayers = try c.decodeIfPresent(Int.self, forKey: .decoderLayers) ?? d.decoderLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        dimFeedforward = try c.decodeIfPresent(Int.self, forKey: .dimFeedforward) ?? d.dimFeedforward
        preNorm = try c.decodeIfPresent(Bool.self, forKey: .preNorm) ?? d.preNorm
        enforceInputProjection = try c.decodeIfPresent(Bool.self, forKey: .enforceInputProjection) ?? d.enforceInputProjection
        commonStride = try c.decodeIfPresent(Int.self, forKey: .commonStride) ?? d.commonStride
        numQueries = try c.decodeIfPresent(Int.self, forKey: .numQueries) ?? d.numQueries
        featureStrides = try c.decodeIfPresent([Int].self, forKey: .featureStrides) ?? d.featureStrides
        let names = try c.decodeIfPresent([String: String].self, forKey: .id2label) ?? [:]
        var labels: [String] = []
        for i in 0..<names.count {
            guard let name = names[String(i)] else {
                throw DecodingError.dataCorruptedError(forKey: .id2label, in: c,
                                                       debugDescription: "id2label must hold the ids 0..<\(names.count); id \(i) is missing")
            }
            labels.append(name)
        }
        if let count = try c.decodeIfPresent(Int.self, forKey: .numLabels), count != labels.count {
            throw DecodingError.dataCorruptedError(forKey: .numLabels, in: c,
                                                   debugDescription: "num_labels is \(count) but id2label names \(labels.count) classes")
        }
        self.labels = labels
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(backbone, forKey: .backbone)
        try c.encode(featureSize, forKey: .featureSize); try c.encode(maskFeatureSize, forKey: .maskFeatureSize)
        try c.encode(hiddenDim, forKey: .hiddenDim); try c.encode(encoderFeedforwardDim, forKey: .encoderFeedforwardDim)
        try c.encode(activationFunction, forKey: .activationFunction); try c.encode(encoderLayers, forKey: .encoderLayers)
        try c.encode(decoderLayers, forKey: .decoderLayers); try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(dimFeedforward, forKey: .dimFeedforward); try c.encode(preNorm, forKey: .preNorm)
        try c.encode(enforceInputProjection, forKey: .enforceInputProjection); try c.encode(commonStride, forKey: .commonStride)
        try c.encode(numQueries, forKey: .numQueries); try c.encode(featureStrides, forKey: .featureStrides)
        try c.encode(Dictionary(uniqueKeysWithValues: labels.enumerated().map { (String($0.offset), $0.element) }), forKey: .id2label)
        try c.encode(labels.count, forKey: .numLabels)
    }

    /// Levels the deformable encoder and the masked decoder read (transformers fixes it at 3).
    public static let transformerLevels = 3
    /// Sampling points per head and level in the deformable attention (fixed at 4).
    public static let samplingPoints = 4

    /// FPN levels below the transformer's finest level: log2(8) − log2(common_stride) (1 for stride 4).
    public var fpnLevels: Int {
        let finest = featureStrides.suffix(Self.transformerLevels).min() ?? 8
        return Int((log2(Double(finest)) - log2(Double(commonStride))).rounded())
    }

    /// Reads and validates `config.json`.
    public static func load(path: String) throws -> Mask2FormerConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Mask2FormerError.invalidConfig(file: path, detail: "cannot read the file")
        }
        let config: Mask2FormerConfig
        do { config = try JSONDecoder().decode(Mask2FormerConfig.self, from: data) } catch {
            throw Mask2FormerError.invalidConfig(file: path, detail: "not a Mask2Former config.json: \(error)")
        }
        try config.validate(file: path)
        return config
    }

    /// Throws naming the first field the network cannot be built from.
    public func validate(file: String) throws {
        func fail(_ detail: String) -> Mask2FormerError { .invalidConfig(file: file, detail: detail) }
        let b = backbone
        guard b.modelType == "swin" else { throw fail("backbone_config.model_type is '\(b.modelType)'; only 'swin' is supported") }
        guard b.depths.count == 4, b.numHeads.count == 4 else {
            throw fail("backbone_config.depths and num_heads must have 4 stages, found \(b.depths) and \(b.numHeads)")
        }
        guard b.outFeatures == ["stage1", "stage2", "stage3", "stage4"] else {
            throw fail("backbone_config.out_features must be [stage1, stage2, stage3, stage4], found \(b.outFeatures)")
        }
        guard !b.useAbsoluteEmbeddings else { throw fail("backbone_config.use_absolute_embeddings is true; only false is supported") }
        guard b.hiddenAct == "gelu" else { throw fail("backbone_config.hidden_act is '\(b.hiddenAct)'; only 'gelu' is supported") }
        guard activationFunction == "relu" else { throw fail("activation_function is '\(activationFunction)'; only 'relu' is supported") }
        guard (1...64).contains(b.patchSize), (1...64).contains(b.windowSize), (1...8).contains(b.numChannels),
              (1...4096).contains(b.embedDim), b.depths.allSatisfy({ (0...64).contains($0) }),
              b.mlpRatio > 0, b.mlpRatio <= 16, b.layerNormEps > 0, b.layerNormEps < 1 else {
            throw fail("backbone_config sizes out of range: patch_size \(b.patchSize), window_size \(b.windowSize), embed_dim \(b.embedDim), depths \(b.depths), mlp_ratio \(b.mlpRatio)")
        }
        for (i, h) in b.numHeads.enumerated() where h <= 0 || b.channels(stage: i) % h != 0 {
            throw fail("backbone_config.num_heads[\(i)] = \(h) does not divide stage \(i + 1)'s \(b.channels(stage: i)) channels")
        }
        for (name, value) in [("feature_size", featureSize), ("mask_feature_size", maskFeatureSize), ("hidden_dim", hiddenDim),
                              ("encoder_feedforward_dim", encoderFeedforwardDim), ("dim_feedforward", dimFeedforward)]
        where !(1...65_536).contains(value) {
            throw fail("\(name) = \(value) is out of range")
        }
        guard featureSize % 32 == 0 else { throw fail("feature_size = \(featureSize) must be a multiple of 32 (GroupNorm(32))") }
        guard numAttentionHeads > 0, featureSize % numAttentionHeads == 0, hiddenDim % numAttentionHeads == 0 else {
            throw fail("num_attention_heads = \(numAttentionHeads) must divide feature_size \(featureSize) and hidden_dim \(hiddenDim)")
        }
        guard featureSize % 4 == 0, hiddenDim % 4 == 0 else {
            throw fail("feature_size \(featureSize) and hidden_dim \(hiddenDim) must be multiples of 4 (sine position embedding)")
        }
        guard (0...64).contains(encoderLayers), (1...64).contains(decoderLayers), (1...10_000).contains(numQueries) else {
            throw fail("encoder_layers \(encoderLayers), decoder_layers \(decoderLayers) or num_queries \(numQueries) out of range")
        }
        guard featureStrides == [4, 8, 16, 32], commonStride == 4 else {
            throw fail("feature_strides must be [4, 8, 16, 32] and common_stride 4 (the Swin layout), found \(featureStrides) and \(commonStride)")
        }
        guard (1...10_000).contains(labels.count) else { throw fail("id2label names \(labels.count) classes; expected 1...10000") }
    }
}
