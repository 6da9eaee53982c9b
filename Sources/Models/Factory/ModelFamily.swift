import Formats
import Foundation
import Tensors

/// Choices made once, when a model is built.
public struct ModelBuildOptions: Sendable {
    /// How the model's products treat activations (each family documents what runs in bf16).
    public var precision: ActivationPrecision
    /// Chat roles; nil lets the family decide (for Janus: Pro roles when the tokenizer has `<|User|>`).
    public var template: ChatTemplate?
    /// JanusFlow: the SDXL-VAE folder (`--vae`); nil lets `VAELocator` find it.
    public var vaeFolder: String?

    public init(precision: ActivationPrecision = .f32, template: ChatTemplate? = nil, vaeFolder: String? = nil) {
        self.precision = precision; self.template = template; self.vaeFolder = vaeFolder
    }
}

/// An architecture family: which checkpoints it reads (decided by their config.json) and what it can build from
/// them. A family lacking a capability keeps the default, which throws `ModelError.missingCapability`.
public protocol ModelFamily: Sendable {
    /// Stable id, as presets and reports name it (`janus`, `janusflow`).
    static var id: String { get }
    static var capabilities: [ModelCapability] { get }
    /// Whether this family reads a checkpoint whose config.json is `config`.
    static func reads(config: JSONObject) -> Bool
    static func visualQA(folder: URL, options: ModelBuildOptions) throws -> any VisualQA
    static func textToImage(folder: URL, options: ModelBuildOptions) throws -> any TextToImage
    static func imageFeatures(folder: URL, options: ModelBuildOptions) throws -> any ImageFeatures
}

extension ModelFamily {
    public static func visualQA(folder: URL, options: ModelBuildOptions) throws -> any VisualQA {
        throw missing(.visualQA)
    }
    public static func textToImage(folder: URL, options: ModelBuildOptions) throws -> any TextToImage {
        throw missing(.textToImage)
    }
    public static func imageFeatures(folder: URL, options: ModelBuildOptions) throws -> any ImageFeatures {
        throw missing(.imageFeatures)
    }

    static func missing(_ capability: ModelCapability) -> ModelError {
        .missingCapability(family: id, capability: capability.rawValue,
                           detail: "it offers \(capabilities.map(\.rawValue).joined(separator: ", "))")
    }
}
