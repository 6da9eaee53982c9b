import Foundation

/// Opens checkpoint files and model folders by what they contain.
public enum CheckpointFiles {
    /// One file: `.safetensors`, or a PyTorch `.bin` / `.pth` / `.pt` / `.ckpt` (zip or legacy layout).
    public static func openFile(_ path: String) throws -> CheckpointReader {
        let lower = path.lowercased()
        if lower.hasSuffix(".safetensors") { return try SafetensorsFile(path: path) }
        if [".bin", ".pth", ".pt", ".ckpt"].contains(where: lower.hasSuffix) { return try PyTorchCheckpoint(path: path) }
        if lower.hasSuffix(".index.json") { return try ShardedCheckpoint(indexPath: path) }
        throw CheckpointError.unsupported(file: path, detail: "unknown checkpoint extension; expected .safetensors, .bin, .pth, .pt, .ckpt or an .index.json")
    }

    /// The weights of a model folder, in the order the Hub layouts prefer.
    public static func openFolder(_ directory: String) throws -> CheckpointReader {
        let fm = FileManager.default
        for name in ["model.safetensors.index.json", "model.safetensors", "pytorch_model.bin.index.json", "pytorch_model.bin"]
        where fm.fileExists(atPath: directory + "/" + name) {
            return try openFile(directory + "/" + name)
        }
        let files = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        if let single = files.first(where: { $0.hasSuffix(".safetensors") }) { return try openFile(directory + "/" + single) }
        throw CheckpointError.cannotOpen(file: directory, reason: "no weights found: expected model.safetensors(.index.json) or pytorch_model.bin(.index.json); the folder has \(files.isEmpty ? "no files" : files.prefix(8).joined(separator: ", "))")
    }

    /// The files holding a model folder's weights, as `openFolder` reads them: the index and its shards, or the one
    /// weights file (names relative to the folder, in the order read).
    public static func weightFiles(folder directory: String) throws -> [String] {
        let reader = try openFolder(directory)
        if let sharded = reader as? ShardedCheckpoint {
            return [(sharded.indexPath as NSString).lastPathComponent] + sharded.shardFiles
        }
        return [(reader.sourceDescription as NSString).lastPathComponent]
    }

    /// A file or a folder.
    public static func open(_ path: String) throws -> CheckpointReader {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointError.cannotOpen(file: path, reason: "no such file or folder")
        }
        return isDirectory.boolValue ? try openFolder(path) : try openFile(path)
    }
}
