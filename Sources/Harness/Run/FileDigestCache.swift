import Foundation
import Formats

/// SHA-256 of weight files, cached by (absolute path, size, modification time) in
/// `$XDG_CACHE_HOME/janus-eval/sha256.json` (default `~/.cache/janus-eval/`), so a 15 GB checkpoint is hashed once,
/// not on every run. A file whose size or time changed is hashed again.
public enum FileDigestCache {
    static var cacheFile: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        return base + "/janus-eval/sha256.json"
    }

    public static func sha256(file path: String) throws -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let attributes = try FileManager.default.attributesOfItem(atPath: absolute)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let key = "\(absolute)|\(size)|\(mtime)"
        var cache: [String: String] = [:]
        if let data = FileManager.default.contents(atPath: cacheFile),
           let decoded = try? JSONDecoder().decode([String: String].self, from: data) { cache = decoded }
        if let hit = cache[key] { return hit }
        let digest = try SHA256.hexDigest(file: absolute)
        cache[key] = digest
        if let data = try? JSONEncoder().encode(cache) {
            try? FileManager.default.createDirectory(atPath: (cacheFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? data.write(to: URL(fileURLWithPath: cacheFile), options: .atomic)
        }
        return digest
    }
}
