import Foundation
import Formats
import Suites

/// What makes a run reproducible, recorded in run.json and report.json: the harness, the suite and its rule set,
/// the data (options and digest), the output source (model, precision, weight digests — or the files scored), the
/// seed and sampling settings, the item set. Its SHA-256 names the default run folder, and a rerun into a folder
/// whose recorded configuration differs is refused with the differences. Nothing here depends on the shard, the
/// thread count, the host or the time (those live in run.environment and run.timings).
public struct RunConfiguration: Equatable, Sendable {
    public var json: JSONObject

    public init(suite: any Suite, options: SuiteOptions, source: JSONObject, seed: UInt64, settings: JSONObject,
                limit: Int?, items: [SuiteItem]) throws {
        var harness = JSONObject([("version", .string(HarnessVersion.string))])
        harness["commit"] = HarnessVersion.commit.map(JSONValue.string) ?? .null
        var data = JSONObject()
        data["path"] = options.data.map(JSONValue.string) ?? .null
        data["images"] = options.images.map(JSONValue.string) ?? .null
        data["parser"] = options.parser.map(JSONValue.string) ?? .null
        data["samples_per_prompt"] = options.samplesPerPrompt.map { .int(Int64($0)) } ?? .null
        data["sha256"] = try options.data.map { .string(try Self.digest(of: $0)) } ?? .null
        json = JSONObject([
            ("schema", .string("janus-eval.run/1")), ("harness", .object(harness)), ("suite", .string(suite.id)),
            ("rule_set", suite.ruleSet.jsonValue), ("data", .object(data)), ("source", .object(source)),
            ("seed", Int64(exactly: seed).map(JSONValue.int) ?? .string(String(seed))), ("settings", .object(settings)),
            ("limit", limit.map { .int(Int64($0)) } ?? .null),
            ("items", .object(JSONObject([("count", .int(Int64(items.count))),
                                          ("sha256", .string(SHA256.hexDigest(items.map(\.id).joined(separator: "\n"))))]))),
            ("shard_rule", .string(ShardSpec.rule)),
        ])
    }

    public init(json: JSONObject) { self.json = json }

    public var digest: String { SHA256.hexDigest(JSONWriter(style: .compact).string(.object(json))) }
    public var suiteID: String { if case .string(let s)? = json["suite"] { return s }; return "" }

    /// The suite's options as recorded (merge rebuilds nothing from them, but reports show them).
    public var dataPath: String? { if case .object(let d)? = json["data"], case .string(let p)? = d["path"] { return p }; return nil }

    /// A file's SHA-256, or for a folder the digest of its regular files' names and digests (not recursive).
    public static func digest(of path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HarnessError.output(path: path, reason: "no such file or folder")
        }
        guard isDirectory.boolValue else { return try SHA256.hexDigest(file: path) }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        var lines: [String] = []
        for name in names {
            var sub: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &sub)
            if !sub.boolValue { lines.append(name + " " + (try SHA256.hexDigest(file: path + "/" + name))) }
        }
        return SHA256.hexDigest(lines.joined(separator: "\n"))
    }

    /// Paths where two configurations differ, as "key: recorded → now".
    public func differences(from other: RunConfiguration) -> [String] {
        var out: [String] = []
        func walk(_ a: JSONValue?, _ b: JSONValue?, _ path: String) {
            if case .object(let x)? = a, case .object(let y)? = b {
                for key in x.keys + y.keys.filter({ x[$0] == nil }) { walk(x[key], y[key], path.isEmpty ? key : path + "." + key) }
                return
            }
            if a != b {
                func show(_ v: JSONValue?) -> String { v.map { JSONWriter(style: .compact).string($0) } ?? "(absent)" }
                out.append("\(path): \(show(a)) → \(show(b))")
            }
        }
        walk(.object(json), .object(other.json), "")
        return out
    }
}
