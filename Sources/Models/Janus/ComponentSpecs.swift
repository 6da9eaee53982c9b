/// Sizes of the SigLIP understanding encoder. The reference looks them up by `model_name`; janus-eval knows
/// the one name the four checkpoints use, and any other name must carry its sizes in `params`.
public struct VisionTowerSpec: Equatable, Sendable {
    public var modelName: String
    public var imageSize: Int
    public var patchSize: Int
    public var width: Int
    public var layers: Int
    public var heads: Int
    public var mlpRatio: Double
    public var layerNormEps: Float = 1e-6

    public init(modelName: String, imageSize: Int, patchSize: Int, width: Int, layers: Int, heads: Int, mlpRatio: Double,
                layerNormEps: Float = 1e-6) {
        self.modelName = modelName; self.imageSize = imageSize; self.patchSize = patchSize; self.width = width
        self.layers = layers; self.heads = heads; self.mlpRatio = mlpRatio; self.layerNormEps = layerNormEps
    }

    public var gridSide: Int { imageSize / patchSize }
    /// Understanding image tokens = (image_size / patch_size)², 576 for the real checkpoints.
    public var tokenCount: Int { gridSide * gridSide }
    public var mlpWidth: Int { Int(Double(width) * mlpRatio) }

    static let known: [String: VisionTowerSpec] = [
        "siglip_large_patch16_384": VisionTowerSpec(modelName: "siglip_large_patch16_384", imageSize: 384, patchSize: 16,
                                                    width: 1024, layers: 24, heads: 16, mlpRatio: 4),
    ]

    /// Resolves the sizes from a `vision_config` (or `vision_und_enc_config`) entry.
    public static func resolve(_ config: ComponentConfig, file: String, field: String) throws -> VisionTowerSpec {
        guard let name = config.string("model_name") else {
            throw ModelError.invalidConfig(file: file, detail: "missing field \(field).params.model_name")
        }
        var spec: VisionTowerSpec
        if let known = known[name] {
            spec = known
            if let size = config.int("image_size") { spec.imageSize = size }
        } else {
            let required = ["image_size", "patch_size", "width", "layers", "heads", "mlp_ratio"]
            let missing = required.filter { config.params[$0]?.doubleValue == nil }
            guard missing.isEmpty else {
                throw ModelError.unknownComponent(file: file, field: "\(field).params.model_name", name: name, missing: missing)
            }
            spec = VisionTowerSpec(modelName: name, imageSize: config.int("image_size")!, patchSize: config.int("patch_size")!,
                                   width: config.int("width")!, layers: config.int("layers")!, heads: config.int("heads")!,
                                   mlpRatio: config.double("mlp_ratio")!)
        }
        // select_layer −1 keeps every block; a non-negative value keeps that many (the reference's rule).
        let select = config.int("select_layer") ?? -1
        spec.layers = select <= 0 ? min(spec.layers, spec.layers + select + 1) : min(spec.layers, select)
        guard spec.patchSize > 0, spec.imageSize % spec.patchSize == 0, spec.heads > 0, spec.width % spec.heads == 0 else {
            throw ModelError.invalidConfig(file: file, detail: "\(field).params: image_size \(spec.imageSize) must be a multiple of patch_size \(spec.patchSize) and width \(spec.width) a multiple of heads \(spec.heads)")
        }
        return spec
    }
}

/// Sizes of the VQ image tokenizer (LlamaGen VQ-16). `VQ-16` is known; another class name must carry
/// `codebook_size`, `codebook_embed_dim`, `encoder_ch_mult`, `decoder_ch_mult`, `z_channels` (and `ch`, default 128).
public struct VQSpec: Equatable, Sendable {
    public var name: String
    public var codebookSize: Int = 16384
    public var codebookEmbedDim: Int = 8
    public var encoderChannelMultipliers: [Int] = [1, 1, 2, 2, 4]
    public var decoderChannelMultipliers: [Int] = [1, 1, 2, 2, 4]
    public var zChannels: Int = 256
    public var baseChannels: Int = 128
    public var resBlocks: Int = 2

    public init(name: String, codebookSize: Int = 16384, codebookEmbedDim: Int = 8,
                encoderChannelMultipliers: [Int] = [1, 1, 2, 2, 4], decoderChannelMultipliers: [Int] = [1, 1, 2, 2, 4],
                zChannels: Int = 256, baseChannels: Int = 128, resBlocks: Int = 2) {
        self.name = name; self.codebookSize = codebookSize; self.codebookEmbedDim = codebookEmbedDim
        self.encoderChannelMultipliers = encoderChannelMultipliers; self.decoderChannelMultipliers = decoderChannelMultipliers
        self.zChannels = zChannels; self.baseChannels = baseChannels; self.resBlocks = resBlocks
    }

    /// Downsampling factor between pixels and tokens: 2^(levels − 1) (16 for VQ-16).
    public var downsample: Int { 1 << (decoderChannelMultipliers.count - 1) }

    public static func resolve(_ config: ComponentConfig, file: String, field: String) throws -> VQSpec {
        if config.cls == "VQ-16" {
            // The reference builds VQ_16() without params: its sizes are fixed.
            return VQSpec(name: "VQ-16")
        }
        let required = ["codebook_size", "codebook_embed_dim", "encoder_ch_mult", "decoder_ch_mult", "z_channels"]
        let missing = required.filter { key in
            key.hasSuffix("_mult") ? config.ints(key) == nil : config.int(key) == nil
        }
        guard missing.isEmpty else {
            throw ModelError.unknownComponent(file: file, field: "\(field).cls", name: config.cls, missing: missing)
        }
        return VQSpec(name: config.cls, codebookSize: config.int("codebook_size")!,
                      codebookEmbedDim: config.int("codebook_embed_dim")!,
                      encoderChannelMultipliers: config.ints("encoder_ch_mult")!,
                      decoderChannelMultipliers: config.ints("decoder_ch_mult")!,
                      zChannels: config.int("z_channels")!, baseChannels: config.int("ch") ?? 128)
    }
}
