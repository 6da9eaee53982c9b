import Foundation
import Tensors

/// A checkpoint split over several files with an index (`model.safetensors.index.json` or
/// `pytorch_model.bin.index.json`): `weight_map` names the shard of every tensor.
public final class ShardedCheckpoint: CheckpointReader, @unchecked Sendable {
    public let indexPath: String
    public private(set) var tensorNames: [String] = []
    public private(set) var notes: [String] = []
    public var sourceDescription: String { indexPath }
    /// Shard file names in first-use order, and each shard's reader.
    public private(set) var shardFiles: [String] = []
    private var shards: [String: CheckpointReader] = [:]
    private var shardOf: [String: String] = [:]

    public init(indexPath: String) throws {
        self.indexPath = indexPath
        let directory = (indexPath as NSString).deletingLastPathComponent
        let document: JSONDocument
        do { document = try JSONReader.parse(file: indexPath) } catch {
            throw CheckpointError.malformed(file: indexPath, detail: "index: \(error)")
        }
        let map: [(key: String, value: JSONCursor)]
        do { map = try document.cursor.field("weight_map").entries() } catch {
            throw CheckpointError.malformed(file: indexPath, detail: "\(error)")
        }
        for (name, fileValue) in map {
            let shard: String
            do { shard = try fileValue.asString() } catch { throw CheckpointError.malformed(file: indexPath, detail: "\(error)") }
            guard !shard.contains("/") && !shard.hasPrefix("..") else {
                throw CheckpointError.malformed(file: indexPath, detail: "weight_map entry '\(name)' points outside the folder: \(shard)")
            }
            if shards[shard] == nil {
                let shardPath = directory.isEmpty ? shard : directory + "/" + shard
                guard FileManager.default.fileExists(atPath: shardPath) else {
                    throw CheckpointError.malformed(file: indexPath, detail: "shard '\(shard)' (holding '\(name)') does not exist in \(directory.isEmpty ? "." : directory)")
                }
                shards[shard] = try CheckpointFiles.openFile(shardPath)
                shardFiles.append(shard)
            }
            guard shards[shard]!.info(named: name) != nil else {
                throw CheckpointError.malformed(file: indexPath, detail: "weight_map puts '\(name)' in \(shard), but that shard has no such tensor")
            }
            shardOf[name] = shard
            tensorNames.append(name)
        }
        let mapped = Set(tensorNames)
        for shard in shardFiles {
            let extra = shards[shard]!.tensorNames.filter { !mapped.contains($0) }
            if !extra.isEmpty { notes.append("\(shard) holds \(extra.count) tensor(s) the index does not list, e.g. \(extra[0])") }
            notes += shards[shard]!.notes.map { "\(shard): \($0)" }
        }
    }

    public func shard(of name: String) -> String? { shardOf[name] }

    public func info(named name: String) -> TensorInfo? {
        shardOf[name].flatMap { shards[$0]?.info(named: name) }
    }

    public func tensor(named name: String) throws -> Tensor {
        guard let shard = shardOf[name] else { throw CheckpointError.missingTensor(file: indexPath, name: name) }
        return try shards[shard]!.tensor(named: name)
    }
}
