import Foundation

/// The `params` of JanusFlow's `vision_gen_enc_config` (ShallowUViTEncoder) and `vision_gen_dec_config`
/// (ShallowUViTDecoder). Absent fields take the reference constructors' defaults (janus/janusflow/models/uvit.py);
/// `image_size` is janus-eval's (the reference hard-codes 384).
public enum JanusFlowParams {
    public struct Encoder: Codable, Equatable, Sendable {
        public var inputChannels: Int?
        public var stride: Int?
        public var kernelSize: Int?
        public var padding: Int?
        public var blockOutChannels: [Int]?
        public var layersInMiddle: Int?
        public var hiddenSize: Int?
        public var normEps: Float?
        public var useMidBlock: Bool?
        public var imageSize: Int?
        enum CodingKeys: String, CodingKey {
            case inputChannels = "input_channels", stride, kernelSize = "kernel_size", padding
            case blockOutChannels = "block_out_channels", layersInMiddle = "layers_in_middle", hiddenSize = "hidden_size"
            case normEps = "norm_eps", useMidBlock = "use_mid_block", imageSize = "image_size"
        }
    }

    public struct Decoder: Codable, Equatable, Sendable {
        public var inChannels: Int?
        public var outChannels: Int?
        public var blockOutChannels: [Int]?
        public var upsamples: Int?
        public var layersInMiddle: Int?
        public var hiddenSize: Int?
        public var normEps: Float?
        public var useMidBlock: Bool?
        enum CodingKeys: String, CodingKey {
            case inChannels = "in_channels", outChannels = "out_channels", blockOutChannels = "block_out_channels"
            case upsamples, layersInMiddle = "layers_in_middle", hiddenSize = "hidden_size", normEps = "norm_eps"
            case useMidBlock = "use_mid_block"
        }
    }
}

/// Resolved JanusFlow generation sizes (contracts.md, "JanusFlow sizes").
public struct JanusFlowSizes: Equatable, Sendable {
    /// Latent channels the encoder reads (4 for the SDXL-VAE).
    public var latentChannels: Int
    /// Encoder width (768): in_conv output, ConvNeXt channels, aligner input.
    public var encoderWidth: Int
    public var encoderLayers: Int
    public var stride: Int
    /// in_conv padding; nil: ceil(kernel − stride) with the kernel read from the weight, as the reference.
    public var padding: Int?
    /// Decoder: LLM-feature channels (in_channels, 768) and the skip's channels (block_out_channels[-1]).
    public var decoderIn: Int
    public var decoderSkip: Int
    public var decoderOut: Int
    public var decoderLayers: Int
    public var upsamples: Int
    public var condWidth: Int
    public var normEps: Float
    /// Generated image side in pixels (384 unless `vision_gen_enc_config.params.image_size` says otherwise).
    public var imageSize: Int

    static func resolve(encoder e: JanusFlowParams.Encoder, decoder d: JanusFlowParams.Decoder, hidden: Int,
                        file: String) throws -> JanusFlowSizes {
        func fail(_ detail: String) -> ModelError { .invalidConfig(file: file, detail: detail) }
        guard e.useMidBlock ?? true, d.useMidBlock ?? true else {
            throw fail("vision_gen_enc_config / vision_gen_dec_config use_mid_block false is not supported (JanusFlow uses the mid blocks)")
        }
        let width = e.blockOutChannels?.last ?? 768
        let sizes = JanusFlowSizes(latentChannels: e.inputChannels ?? 3, encoderWidth: width, encoderLayers: e.layersInMiddle ?? 2,
                                   stride: e.stride ?? 4, padding: e.padding,
                                   decoderIn: d.inChannels ?? 768, decoderSkip: d.blockOutChannels?.last ?? 768,
                                   decoderOut: d.outChannels ?? 3, decoderLayers: d.layersInMiddle ?? 2, upsamples: d.upsamples ?? 2,
                                   condWidth: e.hiddenSize ?? 2048, normEps: e.normEps ?? 1e-6, imageSize: e.imageSize ?? 384)
        for (name, value, range) in [("vision_gen_enc_config.params.input_channels", sizes.latentChannels, 1...64),
                                     ("vision_gen_enc_config.params.block_out_channels", width, 1...8192),
                                     ("vision_gen_enc_config.params.layers_in_middle", sizes.encoderLayers, 0...64),
                                     ("vision_gen_enc_config.params.stride", sizes.stride, 1...64),
                                     ("vision_gen_enc_config.params.image_size", sizes.imageSize, 8...4096),
                                     ("vision_gen_dec_config.params.in_channels", sizes.decoderIn, 1...8192),
                                     ("vision_gen_dec_config.params.out_channels", sizes.decoderOut, 1...64),
                                     ("vision_gen_dec_config.params.layers_in_middle", sizes.decoderLayers, 0...64),
                                     ("vision_gen_dec_config.params.upsamples", sizes.upsamples, 1...8)] where !range.contains(value) {
            throw fail("\(name) is \(value); expected \(range.lowerBound)…\(range.upperBound)")
        }
        guard sizes.condWidth == hidden, (d.hiddenSize ?? 2048) == hidden else {
            throw fail("vision_gen_enc_config / vision_gen_dec_config hidden_size (\(sizes.condWidth), \(d.hiddenSize ?? 2048)) must equal language_config.hidden_size \(hidden)")
        }
        guard sizes.decoderOut == sizes.latentChannels else {
            throw fail("vision_gen_dec_config.params.out_channels \(sizes.decoderOut) must equal the encoder's input_channels \(sizes.latentChannels) (the velocity has the latent's shape)")
        }
        guard sizes.decoderSkip == width else {
            throw fail("vision_gen_dec_config.params.block_out_channels[-1] \(sizes.decoderSkip) must equal the encoder's width \(width) (the skip connection)")
        }
        return sizes
    }
}

extension JanusCheckpointConfig {
    /// The generation encoder and decoder sizes of a JanusFlow config (errors name the file and the field).
    public func flowSizes(file: String) throws -> JanusFlowSizes {
        guard let enc = visionGenEncConfig, let dec = visionGenDecConfig else {
            throw ModelError.invalidConfig(file: file, detail: "missing field vision_gen_enc_config / vision_gen_dec_config (JanusFlow text-to-image needs them)")
        }
        return try JanusFlowSizes.resolve(encoder: enc.decodeParams(JanusFlowParams.Encoder.self, file: file, field: "vision_gen_enc_config"),
                                          decoder: dec.decodeParams(JanusFlowParams.Decoder.self, file: file, field: "vision_gen_dec_config"),
                                          hidden: languageConfig.hiddenSize, file: file)
    }
}
