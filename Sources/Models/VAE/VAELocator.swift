import Formats
import Foundation

/// Finds the SDXL-VAE folder JanusFlow decodes with (contracts.md, "Weights of scorers and the VAE"): `--vae DIR`,
/// then `$JANUS_EVAL_SDXL_VAE_WEIGHTS`, then a `vae/` folder inside the model folder (the bundled demo's tiny
/// VAE, or a copy kept next to the weights), then the Hugging Face cache `models--stabilityai--sdxl-vae`
/// (snapshot `refs/main` first). A folder counts when it holds config.json and one of the weight files; otherwise
/// the error lists where it looked and how to get the VAE.
public struct VAELocator: Sendable {
    public static let environmentVariable = "JANUS_EVAL_SDXL_VAE_WEIGHTS"
    public static let repoID = "stabilityai/sdxl-vae"
    public var environment: [String: String]
    public var homeDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, homeDirectory: String = NSHomeDirectory()) {
        self.environment = environment; self.homeDirectory = homeDirectory
    }

    /// huggingface_hub's precedence: $HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub.
    var hubCache: String {
        if let cache = environment["HF_HUB_CACHE"], !cache.isEmpty { return cache }
        if let home = environment["HF_HOME"], !home.isEmpty { return home + "/hub" }
        return homeDirectory + "/.cache/huggingface/hub"
    }

    public static func isComplete(_ dir: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: dir + "/config.json") && AutoencoderKL.weightFiles.contains { fm.fileExists(atPath: dir + "/" + $0) }
    }

    public func locate(explicit: String?, modelFolder: URL?) throws -> URL {
        var searched: [String] = []
        if let explicit {
            guard Self.isComplete(explicit) else { throw Self.notFound(["\(explicit) (from --vae)"]) }
            return URL(fileURLWithPath: explicit)
        }
        if let dir = environment[Self.environmentVariable], !dir.isEmpty {
            searched.append("\(dir) (from $\(Self.environmentVariable))")
            if Self.isComplete(dir) { return URL(fileURLWithPath: dir) }
        } else {
            searched.append("$\(Self.environmentVariable) (not set)")
        }
        if let modelFolder {
            let dir = modelFolder.appendingPathComponent("vae").path
            searched.append(dir)
            if Self.isComplete(dir) { return URL(fileURLWithPath: dir) }
        }
        if let dir = HubCacheSnapshots.firstComplete(hubCache: hubCache, repoID: Self.repoID, searched: &searched,
                                                     isComplete: { Self.isComplete($0) }) {
            return URL(fileURLWithPath: dir)
        }
        throw Self.notFound(searched)
    }

    static func notFound(_ searched: [String]) -> ModelError {
        .weightsNotFound(model: "the SDXL-VAE (JanusFlow decodes its latents with it)", searched: searched,
                         expectedFiles: ["config.json", AutoencoderKL.weightFiles.joined(separator: " or ")],
                         download: "huggingface-cli download \(repoID) config.json diffusion_pytorch_model.safetensors   (or pass --vae DIR, or set $\(environmentVariable))")
    }
}
