import Foundation
import Formats

/// Inception features per image, on disk, keyed by what determines them: the SHA-256 of the image file's bytes, the
/// weights' digest, the preprocessing mode and the block width. Never by file or folder name, so a renamed or moved
/// image is still a hit and an edited one is recomputed.
///
/// Layout: `<root>/inception-features/<first 16 hex of the weights' SHA-256>-<mode>-<dims>/<2 hex>/<image SHA-256>.f32`,
/// each file `dims` little-endian float32 values. The root is `$JANUS_EVAL_CACHE_DIR`, else `$XDG_CACHE_HOME/janus-eval`,
/// else `~/.cache/janus-eval`. Files are written atomically; one of the wrong size is ignored and rewritten.
public struct FeatureCache: Sendable {
    public let folder: String
    public let dims: Int

    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["JANUS_EVAL_CACHE_DIR"], !dir.isEmpty { return dir }
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.cache"
        return base + "/janus-eval"
    }

    public init(root: String = FeatureCache.defaultRoot(), weightsDigest: String, mode: FIDPreprocessing, dims: Int) {
        folder = root + "/inception-features/\(weightsDigest.prefix(16))-\(mode.rawValue)-\(dims)"
        self.dims = dims
    }

    func path(_ imageDigest: String) -> String { folder + "/" + imageDigest.prefix(2) + "/" + imageDigest + ".f32" }

    public func features(imageDigest: String) -> [Float]? {
        guard let data = FileManager.default.contents(atPath: path(imageDigest)), data.count == dims * 4 else { return nil }
        return data.withUnsafeBytes { raw in (0..<dims).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
    }

    public func store(_ features: [Float], imageDigest: String) throws {
        precondition(features.count == dims)
        let file = path(imageDigest)
        var bytes = [UInt8](repeating: 0, count: dims * 4)
        bytes.withUnsafeMutableBytes { raw in for (i, v) in features.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self) } }
        do {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw InceptionError.cache(path: file, detail: "cannot write (\(error.localizedDescription)); use --no-cache or set JANUS_EVAL_CACHE_DIR")
        }
    }
}
