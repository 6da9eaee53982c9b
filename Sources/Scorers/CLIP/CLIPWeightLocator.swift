import Formats
import Foundation

/// Finds a CLIP ViT-L/14 folder in the Hugging Face layout: `--clip-weights DIR`, then `$JANUS_EVAL_CLIP_WEIGHTS`
/// (also `$JANUS_EVAL_CLIP`), then the Hugging Face cache (`$HF_HUB_CACHE`, else `$HF_HOME/hub`, else
/// `~/.cache/huggingface/hub`) `models--openai--clip-vit-large-patch14/snapshots/<revision>/`, `refs/main` first.
/// A folder counts when it holds config.json, vocab.json, merges.txt and model.safetensors or pytorch_model.bin.
public struct CLIPWeightLocator: Sendable {
    public static let repoID = "openai/clip-vit-large-patch14"
    public static let environmentVariables = ["JANUS_EVAL_CLIP_WEIGHTS", "JANUS_EVAL_CLIP"]
    public static let expectedFiles = ["config.json", "vocab.json", "merges.txt", "model.safetensors (or pytorch_model.bin)"]

    public var environment: [String: String]
    public var homeDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, homeDirectory: String = NSHomeDirectory()) {
        self.environment = environment; self.homeDirectory = homeDirectory
    }

    public static func isComplete(_ dir: String) -> Bool {
        let fm = FileManager.default
        return ["config.json", "vocab.json", "merges.txt"].allSatisfy { fm.fileExists(atPath: dir + "/" + $0) }
            && ["model.safetensors", "pytorch_model.bin"].contains { fm.fileExists(atPath: dir + "/" + $0) }
    }

    var hubCache: String {
        if let cache = environment["HF_HUB_CACHE"], !cache.isEmpty { return cache }
        if let home = environment["HF_HOME"], !home.isEmpty { return home + "/hub" }
        return homeDirectory + "/.cache/huggingface/hub"
    }

    public func locate(explicit: String? = nil) throws -> String {
        var searched: [String] = []
        if let dir = explicit {
            guard Self.isComplete(dir) else {
                throw CLIPError.weightsNotFound(searched: ["\(dir) (from --clip-weights)"], expectedFiles: Self.expectedFiles)
            }
            return dir
        }
        for name in Self.environmentVariables {
            if let dir = environment[name], !dir.isEmpty {
                searched.append("\(dir) (from $\(name))")
                if Self.isComplete(dir) { return dir }
            }
        }
        if !Self.environmentVariables.contains(where: { !(environment[$0] ?? "").isEmpty }) {
            searched.append("$\(Self.environmentVariables[0]) (not set)")
        }
        if let dir = HubCacheSnapshots.firstComplete(hubCache: hubCache, repoID: Self.repoID, searched: &searched,
                                                     isComplete: { Self.isComplete($0) }) {
            return dir
        }
        throw CLIPError.weightsNotFound(searched: searched, expectedFiles: Self.expectedFiles)
    }
}
