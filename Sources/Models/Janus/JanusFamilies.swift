import Formats
import Foundation

/// Janus-1.3B and Janus-Pro (1B, 7B): `model_type: multi_modality` with `vision_config` (SigLIP + MLP aligner
/// for understanding, VQ-16 tokens for generation). Pro differs in sizes and chat roles only.
public enum JanusFamily: ModelFamily {
    public static let id = "janus"
    public static let capabilities: [ModelCapability] = [.visualQA, .textToImage]

    public static func reads(config: JSONObject) -> Bool {
        config["model_type"] == .string("multi_modality") && config["vision_und_enc_config"] == nil
    }

    public static func visualQA(folder: URL, options: ModelBuildOptions) throws -> any VisualQA {
        try JanusAssistant(folder: folder, template: options.template, precision: options.precision)
    }

    public static func textToImage(folder: URL, options: ModelBuildOptions) throws -> any TextToImage {
        try JanusTextToImage(folder: folder, template: options.template, precision: options.precision)
    }
}

/// JanusFlow-1.3B: `multi_modality` with `vision_und_enc_config`; understanding like Janus (one Linear aligner and a
/// learned begin-of-image vector); text-to-image by rectified flow on SDXL-VAE latents (`JanusFlowTextToImage`).
public enum JanusFlowFamily: ModelFamily {
    public static let id = "janusflow"
    public static let capabilities: [ModelCapability] = [.visualQA, .textToImage]

    public static func reads(config: JSONObject) -> Bool {
        config["model_type"] == .string("multi_modality") && config["vision_und_enc_config"] != nil
    }

    public static func visualQA(folder: URL, options: ModelBuildOptions) throws -> any VisualQA {
        try JanusAssistant(folder: folder, template: options.template, precision: options.precision)
    }

    public static func textToImage(folder: URL, options: ModelBuildOptions) throws -> any TextToImage {
        let vae = try VAELocator().locate(explicit: options.vaeFolder, modelFolder: folder)
        return try JanusFlowTextToImage(folder: folder, vaeFolder: vae, template: options.template, precision: options.precision)
    }
}
