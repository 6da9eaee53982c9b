/// Sizes of the VQ image tokenizer (LlamaGen VQ-16). `VQ-16` is known; another class name must carry
/// `codebook_size`, `codebook_embed_dim`, `encoder_ch_mult`, `decoder_ch_mult`, `z_channels` (and `ch`, default 128).
public struct VQ16Config: Equatable, Sendable {
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

    /// `gen_vision_config.params` for a class other than VQ-16 (the reference builds VQ_16() without params).
    public struct Params: Codable, Equatable, Sendable {
        public var codebookSize: Int?
        public var codebookEmbedDim: Int?
        public var encoderChannelMultipliers: [Int]?
        public var decoderChannelMultipliers: [Int]?
        public var zChannels: Int?
        public var baseChannels: Int?

        enum CodingKeys: String, CodingKey {
            case codebookSize = "codebook_size", codebookEmbedDim = "codebook_embed_dim"
            case encoderChannelMultipliers = "encoder_ch_mult", decoderChannelMultipliers = "decoder_ch_mult"
            case zChannels = "z_channels", baseChannels = "ch"
        }

        public init(codebookSize: Int? = nil, codebookEmbedDim: Int? = nil, encoderChannelMultipliers: [Int]? = nil,
                    decoderChannelMultipliers: [Int]? = nil, zChannels: Int? = nil, baseChannels: Int? = nil) {
            self.codebookSize = codebookSize; self.codebookEmbedDim = codebookEmbedDim
            self.encoderChannelMultipliers = encoderChannelMultipliers; self.decoderChannelMultipliers = decoderChannelMultipliers
            self.zChannels = zChannels; self.baseChannels = baseChannels
        }
    }

    public static func resolve(className: String, params: Params, file: String, field: String) throws -> VQ16Config {
        if className == "VQ-16" { return VQ16Config(name: "VQ-16") }
        let required: [(String, Any?)] = [("codebook_size", params.codebookSize), ("codebook_embed_dim", params.codebookEmbedDim),
                                          ("encoder_ch_mult", params.encoderChannelMultipliers),
                                          ("decoder_ch_mult", params.decoderChannelMultipliers), ("z_channels", params.zChannels)]
        let missing = required.filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty, let codebookSize = params.codebookSize, let embedDim = params.codebookEmbedDim,
              let encoder = params.encoderChannelMultipliers, let decoder = params.decoderChannelMultipliers,
              let z = params.zChannels else {
            throw ModelError.unknownComponent(file: file, field: "\(field).cls", name: className, missing: missing)
        }
        let ch = params.baseChannels ?? 128
        guard (1...1_048_576).contains(codebookSize), (1...4096).contains(embedDim), (1...8192).contains(z), (1...4096).contains(ch),
              !encoder.isEmpty, encoder.count <= 8, !decoder.isEmpty, decoder.count <= 8,
              (encoder + decoder).allSatisfy({ (1...64).contains($0) }) else {
            throw ModelError.invalidConfig(file: file, detail: "\(field).params: a size is out of range (codebook_size \(codebookSize), codebook_embed_dim \(embedDim), z_channels \(z), ch \(ch), encoder_ch_mult \(encoder), decoder_ch_mult \(decoder))")
        }
        return VQ16Config(name: className, codebookSize: codebookSize, codebookEmbedDim: embedDim,
                          encoderChannelMultipliers: encoder, decoderChannelMultipliers: decoder, zChannels: z,
                          baseChannels: params.baseChannels ?? 128)
    }
}
