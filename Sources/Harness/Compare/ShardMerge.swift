import Foundation
import Formats
import Suites

/// `janus-eval merge`: shard folders of one run joined into one run folder whose report equals the single-process
/// run's (the same metrics, the same items; only run.timings and run.environment differ). Refused: shards of
/// different recorded configurations, a shard count that disagrees, a shard given twice or missing, items that
/// two shards both hold, or items missing from the union.
public enum ShardMerge {
    public struct Outcome: Sendable {
        public var folder: String
        public var items: Int
        public var shards: Int
    }

    public static func merge(_ folders: [String], into out: String) throws -> Outcome {
        guard !folders.isEmpty else { throw HarnessError.merge("no shard folders given") }
        var configuration: RunConfiguration?
        var seenShards: [Int: String] = [:]
        var count: Int?
        var entries: [String: (entry: RunJournal.Entry, folder: String)] = [:]
        var environments: [JSONValue] = []
        for folder in folders {
            let run = try Runner.readRunFile(folder + "/run.json")
            if let configuration {
                let differences = configuration.differences(from: run.configuration)
                guard differences.isEmpty else {
                    throw HarnessError.merge("\(folder) is a shard of another run than \(folders[0]):\n  " + differences.joined(separator: "\n  "))
                }
            } else {
                configuration = run.configuration
            }
            let shard = try ShardSpec(parsing: run.shard)
            if let count, count != shard.count { throw HarnessError.merge("\(folder) is shard \(shard) but \(folders[0]) is of \(count) shards") }
            count = shard.count
            if let other = seenShards[shard.index] { throw HarnessError.merge("\(folder) and \(other) are both shard \(shard)") }
            seenShards[shard.index] = folder
            let journal = try RunJournal(path: folder + "/items.jsonl")
            for entry in journal.latest.values {
                if let other = entries[entry.record.id] {
                    throw HarnessError.merge("item \(entry.record.id) is in both \(other.folder) and \(folder): shards overlap")
                }
                entries[entry.record.id] = (entry, folder)
            }
            var env = run.environment
            env["folder"] = .string(folder)
            environments.append(.object(env))
        }
        let config = configuration!, n = count!
        let missingShards = (1...n).filter { seenShards[$0] == nil }
        guard missingShards.isEmpty else {
            throw HarnessError.merge("shard(s) \(missingShards.map { "\($0)/\(n)" }.joined(separator: ", ")) missing")
        }
        let ordered = entries.values.map(\.entry).sorted { $0.position < $1.position }
        guard case .object(let items)? = config.json["items"], case .int(let expected)? = items["count"],
              case .string(let digest)? = items["sha256"] else { throw HarnessError.merge("\(folders[0])/run.json records no item set") }
        guard ordered.count == Int(expected) else {
            throw HarnessError.merge("the shards hold \(ordered.count) of the run's \(expected) items (is a shard unfinished? rerun it to complete it)")
        }
        guard SHA256.hexDigest(ordered.map(\.record.id).joined(separator: "\n")) == digest else {
            throw HarnessError.merge("the shards' items are not the run's item set (positions or ids differ)")
        }
        let suiteType = try SuiteRegistry.entry(config.suiteID).type
        do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
            throw HarnessError.output(path: out, reason: "cannot create: \(FileProblem.writeReason(out, folder: true, error: error))")
        }
        // The merged folder is a run folder like any other: run.json, the journal in suite order, both reports.
        try? FileManager.default.removeItem(atPath: out + "/items.jsonl")
        let journal = try RunJournal(path: out + "/items.jsonl")
        for entry in ordered { try journal.append(entry) }
        let environment = JSONObject([("merged_from", .array(environments)), ("shard", .string("1/1"))])
        let runJSON = JSONObject([("configuration", .object(config.json)), ("config_digest", .string(config.digest)),
                                  ("shard", .string("1/1")), ("environment", .object(environment))])
        try FileOutput.write(JSONWriter(style: .indented).string(.object(runJSON)) + "\n", to: out + "/run.json")
        let report = RunReport(configuration: config, entries: ordered, suiteType: suiteType, environment: environment,
                               timings: JSONObject([("merged", .string(ISO8601DateFormatter().string(from: Date())))]))
        try report.write(to: out + "/report.json")
        // Generated images are copied next to the merged journal, so the merged page embeds them.
        for folder in folders {
            let images = folder + "/images"
            guard let groups = try? FileManager.default.contentsOfDirectory(atPath: images) else { continue }
            for g in groups where !FileManager.default.fileExists(atPath: out + "/images/" + g) {
                try? FileManager.default.createDirectory(atPath: out + "/images", withIntermediateDirectories: true)
                try? FileManager.default.copyItem(atPath: images + "/" + g, toPath: out + "/images/" + g)
            }
        }
        try HTMLReport(report: report, folder: out).write(to: out + "/report.html")
        return Outcome(folder: out, items: ordered.count, shards: n)
    }
}
