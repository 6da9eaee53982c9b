import Foundation

/// `config.json` of a diffusers `AutoencoderKL` folder (stabilityai/sdxl-vae: block_out_channels [128, 256, 512,
/// 512], layers_per_block 2, GroupNorm 32, 4 latent channels, scaling_factor 0.13025). Absent fields take
/// diffusers' constructor defaults; block types other than DownEncoderBlock2D / UpDecoderBlock2D are refused.
public struct VAEConfig: Codable, Equatable, Sendable {
    public var inChannels = 3
    public var outChannels = 3
    public var downBlockTypes = ["DownEncoderBlock2D"]
    public var upBlockTypes = ["UpDecoderBlock2D"]
    public var blockOutChannels = [64]
    public var layersPerBlock = 1
    public var actFn = "silu"
    public var latentChannels = 4
    public var normNumGroups = 32
    public var scalingFactor: Float = 0.18215
    public var shiftFactor: Float?
    public var useQuantConv = true
    public var usePostQuantConv = true
    public var midBlockAddAttention = true

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", downBlockTypes = "down_block_types"
        case upBlockTypes = "up_block_types", blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block"
        case actFn = "act_fn", latentChannels = "latent_channels", normNumGroups = "norm_num_groups"
        case scalingFactor = "scaling_factor", shiftFactor = "shift_factor", useQuantConv = "use_quant_conv"
        case usePostQuantConv = "use_post_quant_conv", midBlockAddAttention = "mid_block_add_attention"
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = VAEConfig()
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? d.inChannels
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? d.outChannels
        downBlockTypes = try c.decodeIfPresent([String].self, forKey: .downBlockTypes) ?? d.downBlockTypes
        upBlockTypes = try c.decodeIfPresent([String].self, forKey: .upBlockTypes) ?? d.upBlockTypes
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? d.blockOutChannels
        layersPerBlock = try c.decodeIfPresent(Int.self, forKey: .layersPerBlock) ?? d.layersPerBlock
        actFn = try c.decodeIfPresent(String.self, forKey: .actFn) ?? d.actFn
        latentChannels = try c.decodeIfPresent(Int.self, forKey: .latentChannels) ?? d.latentChannels
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? d.normNumGroups
        scalingFactor = try c.decodeIfPresent(Float.self, forKey: .scalingFactor) ?? d.scalingFactor
        shiftFactor = try c.decodeIfPresent(Float.self, forKey: .shiftFactor)
        useQuantConv = try c.decodeIfPresent(Bool.self, forKey: .useQuantConv) ?? d.useQuantConv
        usePostQuantConv = try c.decodeIfPresent(Bool.self, forKey: .usePostQuantConv) ?? d.usePostQuantConv
        midBlockAddAttention = try c.decodeIfPresent(Bool.self, forKey: .midBlockAddAttention) ?? d.midBlockAddAttention
    }

    /// Pixels per latent position along each side: 2^(levels − 1) (8 for the SDXL-VAE).
    public var downsampleFactor: Int { 1 << max(blockOutChannels.count - 1, 0) }

    public static func load(from url: URL) throws -> VAEConfig {
        let file = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.invalidConfig(file: file, detail: "cannot read the VAE config (\(error.localizedDescription))")
        }
        let config: VAEConfig
        do { config = try JSONDecoder().decode(VAEConfig.self, from: data) } catch {
            throw ModelError.invalidConfig(file: file, detail: "not a diffusers AutoencoderKL config: \(error)")
        }
        try config.validate(file: file)
        return config
    }

    public func validate(file: String) throws {
        func fail(_ detail: String) -> ModelError { .invalidConfig(file: file, detail: detail) }
        guard (1...8).contains(blockOutChannels.count), blockOutChannels.allSatisfy({ (1...4096).contains($0) }) else {
            throw fail("block_out_channels \(blockOutChannels): expected 1…8 levels of 1…4096 channels")
        }
        guard downBlockTypes == Array(repeating: "DownEncoderBlock2D", count: blockOutChannels.count),
              upBlockTypes == Array(repeating: "UpDecoderBlock2D", count: blockOutChannels.count) else {
            throw fail("down_block_types / up_block_types must be \(blockOutChannels.count) × DownEncoderBlock2D / UpDecoderBlock2D (found \(downBlockTypes) / \(upBlockTypes))")
        }
        guard (1...16).contains(layersPerBlock) else { throw fail("layers_per_block is \(layersPerBlock); expected 1…16") }
        guard actFn == "silu" else { throw fail("act_fn is '\(actFn)'; expected 'silu'") }
        guard (1...64).contains(latentChannels), (1...16).contains(inChannels), (1...16).contains(outChannels) else {
            throw fail("latent_channels \(latentChannels), in_channels \(inChannels), out_channels \(outChannels): expected 1…64, 1…16, 1…16")
        }
        guard normNumGroups >= 1, blockOutChannels.allSatisfy({ $0 % normNumGroups == 0 }) else {
            throw fail("norm_num_groups \(normNumGroups) does not divide every block_out_channels entry \(blockOutChannels)")
        }
        guard scalingFactor.isFinite, scalingFactor > 0, shiftFactor?.isFinite ?? true else {
            throw fail("scaling_factor \(scalingFactor) must be positive and finite (shift_factor finite)")
        }
    }
}
