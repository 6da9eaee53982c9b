import Formats
import Foundation

/// Finds a model's folder: the preset's environment variable, then the Hugging Face cache
/// (`$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`), snapshot `refs/main` first.
/// A folder counts only when it holds every expected file; otherwise the error lists where it looked,
/// what it expected and how to download it.
public struct WeightLocator: Sendable {
    public var environment: [String: String]
    public var homeDirectory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                homeDirectory: String = NSHomeDirectory()) {
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// The hub cache root, following huggingface_hub's precedence.
    public var hubCache: String {
        if let cache = environment["HF_HUB_CACHE"], !cache.isEmpty { return cache }
        if let home = environment["HF_HOME"], !home.isEmpty { return home + "/hub" }
        return homeDirectory + "/.cache/huggingface/hub"
    }

    /// Where bundled checkpoints are looked for: $JANUS_EVAL_HOME, the current folder, the checkout this binary was
    /// built from.
    public var bundleRoots: [String] {
        var roots: [String] = []
        if let home = environment["JANUS_EVAL_HOME"], !home.isEmpty { roots.append(home) }
        roots.append(FileManager.default.currentDirectoryPath)
        roots.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path)
        return roots
    }

    public func locate(_ preset: ModelPreset) throws -> URL {
        var searched: [String] = []
        let fm = FileManager.default
        func complete(_ dir: String) -> Bool {
            preset.expectedFiles.allSatisfy { fm.fileExists(atPath: dir + "/" + $0) }
        }
        if let bundled = preset.bundledPath {
            for root in bundleRoots {
                let dir = root + "/" + bundled
                searched.append(dir)
                if complete(dir) { return URL(fileURLWithPath: dir) }
            }
            throw ModelError.weightsNotFound(model: "\(preset.displayName) (\(preset.name))", searched: searched,
                                             expectedFiles: preset.expectedFiles, download: preset.downloadCommand)
        }
        if let dir = environment[preset.environmentVariable], !dir.isEmpty {
            searched.append("\(dir) (from $\(preset.environmentVariable))")
            if complete(dir) { return URL(fileURLWithPath: dir) }
        } else {
            searched.append("$\(preset.environmentVariable) (not set)")
        }
        if let dir = HubCacheSnapshots.firstComplete(hubCache: hubCache, repoID: preset.repoID, searched: &searched,
                                                     isComplete: { complete($0) }) {
            return URL(fileURLWithPath: dir)
        }
        throw ModelError.weightsNotFound(model: "\(preset.displayName) (\(preset.name))", searched: searched,
                                         expectedFiles: preset.expectedFiles,
                                         download: preset.downloadCommand + "   (or pass --weights DIR)")
    }
}
