import Foundation
import Tensors

/// What `janus-eval inspect` prints, built once and rendered as text or JSON.
public struct CheckpointReport {
    /// Opens `path` (a checkpoint file, an index or a model folder) and reads the config.json beside it, if any.
    public init(path: String) throws {
        let reader = try CheckpointFiles.open(path)
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let folder = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let config = (folder.isEmpty ? "." : folder) + "/config.json"
        self.init(reader: reader, configPath: FileManager.default.fileExists(atPath: config) ? config : nil)
    }

    public struct Group { var prefix: String; var count = 0; var elements = 0; var bytes = 0; var dtypes: Set<String> = [] }

    public let source: String
    public let infos: [TensorInfo]
    let shardOf: (String) -> String?
    public let notes: [String]
    public let configSummary: [(String, String)]

    public init(reader: CheckpointReader, configPath: String?) {
        source = reader.sourceDescription
        infos = reader.infos
        notes = reader.notes
        if let sharded = reader as? ShardedCheckpoint {
            shardOf = { sharded.shard(of: $0) }
        } else {
            shardOf = { _ in nil }
        }
        var config: [(String, String)] = []
        if let configPath {
            do {
                let doc = try JSONReader.parse(file: configPath)
                config.append(("config", configPath))
                if let type = try doc.cursor.optional("model_type") { config.append(("model_type", (try? type.asString()) ?? "?")) }
                for (key, value) in try doc.cursor.entries() where key.hasSuffix("_config") {
                    if let cls = try? value.string("cls") {
                        let name = (try? value.field("params").string("model_name")).map { " (\($0))" } ?? ""
                        config.append((key, cls + name))
                    } else if let type = try? value.string("model_type") {
                        let layers = (try? value.int("num_hidden_layers")).map { ", \($0) layers" } ?? ""
                        config.append((key, type + layers))
                    }
                }
            } catch {
                config.append(("config", "\(configPath) could not be read: \(error)"))
            }
        }
        configSummary = config
    }

    public var totalBytes: Int { infos.reduce(0) { $0 + $1.byteCount } }
    public var totalElements: Int { infos.reduce(0) { $0 + $1.elementCount } }

    public func groups() -> [Group] {
        var order: [String] = []
        var groups: [String: Group] = [:]
        for info in infos {
            let prefix = info.name.split(separator: ".").prefix(2).joined(separator: ".")
            if groups[prefix] == nil { order.append(prefix); groups[prefix] = Group(prefix: prefix) }
            groups[prefix]!.count += 1
            groups[prefix]!.elements += info.elementCount
            groups[prefix]!.bytes += info.byteCount
            groups[prefix]!.dtypes.insert(info.dtype.rawValue)
        }
        return order.map { groups[$0]! }
    }

    public func shards() -> [(String, Int, Int)] {
        var order: [String] = []
        var totals: [String: (Int, Int)] = [:]
        for info in infos {
            guard let shard = shardOf(info.name) else { continue }
            if totals[shard] == nil { order.append(shard); totals[shard] = (0, 0) }
            totals[shard]!.0 += 1
            totals[shard]!.1 += info.byteCount
        }
        return order.map { ($0, totals[$0]!.0, totals[$0]!.1) }
    }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(n), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.2f %@", value, units[unit])
    }

    static func count(_ n: Int) -> String {
        if n >= 1_000_000_000 { return String(format: "%.2fB", Double(n) / 1e9) }
        if n >= 1_000_000 { return String(format: "%.2fM", Double(n) / 1e6) }
        if n >= 1_000 { return String(format: "%.1fK", Double(n) / 1e3) }
        return String(n)
    }

    public func text(summary: Bool) -> String {
        var out = "\(source)\n"
        for (key, value) in configSummary { out += "  \(key): \(value)\n" }
        let shardList = shards()
        if summary {
            let width = max(6, groups().map(\.prefix.count).max() ?? 0)
            out += "\n" + "prefix".padding(toLength: width, withPad: " ", startingAt: 0) + "  tensors      params       bytes  dtypes\n"
            for g in groups() {
                out += g.prefix.padding(toLength: width, withPad: " ", startingAt: 0)
                    + String(repeating: " ", count: max(1, 9 - String(g.count).count)) + String(g.count)
                    + Self.pad(Self.count(g.elements), 12) + Self.pad(Self.bytes(g.bytes), 12)
                    + "  " + g.dtypes.sorted().joined(separator: ",") + "\n"
            }
        } else {
            let width = max(4, infos.map(\.name.count).max() ?? 0)
            for info in infos {
                out += info.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                    + info.dtype.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
                    + " " + "\(info.shape)".padding(toLength: 20, withPad: " ", startingAt: 0)
                    + Self.pad(Self.bytes(info.byteCount), 11)
                    + (shardOf(info.name).map { "  " + $0 } ?? "") + "\n"
            }
        }
        if !shardList.isEmpty {
            out += "\nshards:\n"
            for (shard, count, bytes) in shardList { out += "  \(shard): \(count) tensors, \(Self.bytes(bytes))\n" }
        }
        out += "\ntotal: \(infos.count) tensors, \(Self.count(totalElements)) parameters, \(Self.bytes(totalBytes))\n"
        for note in notes { out += "note: \(note)\n" }
        return out
    }

    static func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(1, width - s.count)) + s }

    public func json(summary: Bool) -> String {
        var root: [(String, JSONValue)] = [("source", .string(source))]
        root.append(("config", .object(JSONObject(configSummary.map { ($0.0, JSONValue.string($0.1)) }))))
        if summary {
            root.append(("groups", .array(groups().map { g in
                .object(JSONObject([("prefix", .string(g.prefix)), ("tensors", .int(Int64(g.count))),
                                    ("parameters", .int(Int64(g.elements))), ("bytes", .int(Int64(g.bytes))),
                                    ("dtypes", .array(g.dtypes.sorted().map { .string($0) }))]))
            })))
        } else {
            root.append(("tensors", .array(infos.map { info in
                var fields: [(String, JSONValue)] = [("name", .string(info.name)), ("dtype", .string(info.dtype.rawValue)),
                                                     ("shape", .array(info.shape.map { .int(Int64($0)) })),
                                                     ("bytes", .int(Int64(info.byteCount)))]
                if let shard = shardOf(info.name) { fields.append(("shard", .string(shard))) }
                return .object(JSONObject(fields))
            })))
        }
        let shardList = shards()
        if !shardList.isEmpty {
            root.append(("shards", .array(shardList.map { s in
                .object(JSONObject([("file", .string(s.0)), ("tensors", .int(Int64(s.1))), ("bytes", .int(Int64(s.2)))]))
            })))
        }
        root.append(("total", .object(JSONObject([("tensors", .int(Int64(infos.count))),
                                                  ("parameters", .int(Int64(totalElements))),
                                                  ("bytes", .int(Int64(totalBytes)))]))))
        root.append(("notes", .array(notes.map { .string($0) })))
        return JSONWriter(style: .pythonDumps).string(.object(JSONObject(root))) + "\n"
    }
}
