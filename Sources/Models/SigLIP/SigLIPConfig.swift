/// Sizes of the SigLIP understanding encoder. The reference looks them up by `model_name`; janus-eval knows
/// the one name the four checkpoints use, and any other name must carry its sizes in `params`.
public struct SigLIPConfig: Equatable, Sendable {
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

    /// `vision_config.params` (or `vision_und_enc_config.params`) as the official config.json writes them.
    public struct Params: Codable, Equatable, Sendable {
        public var modelName: String?
        public var imageSize: Int?
        public var patchSize: Int?
        public var width: Int?
        public var layers: Int?
        public var heads: Int?
        public var mlpRatio: Double?
        /// −1 keeps every block; a non-negative value keeps that many (the reference's rule).
        public var selectLayer: Int?

        enum CodingKeys: String, CodingKey {
            case modelName = "model_name", imageSize = "image_size", patchSize = "patch_size", width, layers, heads
            case mlpRatio = "mlp_ratio", selectLayer = "select_layer"
        }

        public init(modelName: String? = nil, imageSize: Int? = nil, patchSize: Int? = nil, width: Int? = nil, layers: Int? = nil,
                    heads: Int? = nil, mlpRatio: Double? = nil, selectLayer: Int? = nil) {
            self.modelName = modelName; self.imageSize = imageSize; self.patchSize = patchSize; self.width = width
            self.layers = layers; self.heads = heads; self.mlpRatio = mlpRatio; self.selectLayer = selectLayer
        }
    }

    static let known: [String: SigLIPConfig] = [
        "siglip_large_patch16_384": SigLIPConfig(modelName: "siglip_large_patch16_384", imageSize: 384, patchSize: 16,
                                                 width: 1024, layers: 24, heads: 16, mlpRatio: 4),
    ]

    /// The sizes for these params: a known model name (its `image_size` may be overridden), or every size given.
    public static func resolve(_ params: Params, file: String, field: String) throws -> SigLIPConfig {
        guard let name = params.modelName else {
            throw ModelError.invalidConfig(file: file, detail: "missing field \(field).params.model_name")
        }
        var spec: SigLIPConfig
        if let known = known[name] {
            spec = known
            if let size = params.imageSize { spec.imageSize = size }
        } else {
            let sizes: [(String, Any?)] = [("image_size", params.imageSize), ("patch_size", params.patchSize), ("width", params.width),
                                           ("layers", params.layers), ("heads", params.heads), ("mlp_ratio", params.mlpRatio)]
            let missing = sizes.filter { $0.1 == nil }.map(\.0)
            guard missing.isEmpty, let imageSize = params.imageSize, let patchSize = params.patchSize, let width = params.width,
                  let layers = params.layers, let heads = params.heads, let mlpRatio = params.mlpRatio else {
                throw ModelError.unknownComponent(file: file, field: "\(field).params.model_name", name: name, missing: missing)
            }
            spec = SigLIPConfig(modelName: name, imageSize: imageSize, patchSize: patchSize, width: width, layers: layers,
                                heads: heads, mlpRatio: mlpRatio)
        }
        let select = params.selectLayer ?? -1
        spec.layers = select <= 0 ? min(spec.layers, spec.layers + select + 1) : min(spec.layers, select)
        guard (1...8192).contains(spec.imageSize), (1...65_536).contains(spec.width), (0...1024).contains(spec.layers),
              spec.mlpRatio.isFinite, spec.mlpRatio > 0, spec.mlpRatio <= 64 else {
            throw ModelError.invalidConfig(file: file, detail: "\(field).params: image_size \(spec.imageSize), width \(spec.width), layers \(spec.layers) or mlp_ratio \(spec.mlpRatio) out of range")
        }
        guard spec.patchSize > 0, spec.imageSize % spec.patchSize == 0, spec.heads > 0, spec.width % spec.heads == 0 else {
            throw ModelError.invalidConfig(file: file, detail: "\(field).params: image_size \(spec.imageSize) must be a multiple of patch_size \(spec.patchSize) and width \(spec.width) a multiple of heads \(spec.heads)")
        }
        return spec
    }
}
