import Foundation
import Formats
import Suites
import Tensors

/// report.json (schema `janus-eval.report/1`, docs/report-schema.md): the run (configuration and its digest,
/// environment, timings), the metrics — each with its value, a 95 % bootstrap interval over whole groups, the
/// number of items and its direction — and every item's record in suite order. Built from the journal alone, so a
/// run resumed or merged from shards gives the same file, less `run.timings` and `run.environment`.
public struct RunReport {
    public static let schema = "janus-eval.report/1"
    /// Bootstrap settings of the intervals (part of the report's contract: changing them changes every ci95).
    public static let resamples = 1000
    public static let bootstrapSeed: UInt64 = 20_241_201

    public var configuration: RunConfiguration
    public var entries: [RunJournal.Entry]
    public var suiteType: any Suite.Type
    public var environment: JSONObject
    public var timings: JSONObject

    public init(configuration: RunConfiguration, entries: [RunJournal.Entry], suiteType: any Suite.Type,
                environment: JSONObject, timings: JSONObject) {
        self.configuration = configuration
        self.entries = entries.sorted { $0.position < $1.position }
        self.suiteType = suiteType
        self.environment = environment
        self.timings = timings
    }

    /// Records that were scored (failed items are listed but never aggregated).
    public var scored: [ItemRecord] { entries.map(\.record).filter { $0.fields["error"] == nil } }
    public var failed: [ItemRecord] { entries.map(\.record).filter { $0.fields["error"] != nil } }

    /// Metric id → (value, interval, n), in definition order.
    public static func metrics(_ records: [ItemRecord], suiteType: any Suite.Type) -> JSONObject {
        let definitions = suiteType.metrics(for: records)
        let values = suiteType.aggregate(records)
        var groupIndex: [String: Int] = [:]
        let clusters = records.map { r -> Int in
            if let g = groupIndex[r.group] { return g }
            groupIndex[r.group] = groupIndex.count
            return groupIndex[r.group]!
        }
        let samples = records.isEmpty ? [] : Bootstrap.resamples(itemCount: records.count, clusters: clusters, count: resamples, seed: bootstrapSeed)
        var resampled: [String: [Double]] = [:]
        for sample in samples {
            for v in suiteType.aggregate(sample.map { records[$0] }) { resampled[v.id, default: []].append(v.value) }
        }
        var out = JSONObject()
        for definition in definitions {
            guard let v = values.first(where: { $0.id == definition.id }) else { continue }
            // A metric over no items has no value (not 0).
            var m = JSONObject([("value", v.n > 0 ? finite(v.value) : .null)])
            // A resample may lack a metric (a category it drew no item of); the interval needs it in ≥ 90 % of them.
            if let draws = resampled[definition.id], !draws.isEmpty, draws.count * 10 >= samples.count * 9, v.n > 0 {
                m["ci95"] = .array([finite(Bootstrap.percentile(draws, 2.5)), finite(Bootstrap.percentile(draws, 97.5))])
            } else {
                m["ci95"] = .null
            }
            m["n"] = .int(Int64(v.n))
            m["higher_is_better"] = definition.higherIsBetter.map(JSONValue.bool) ?? .null
            out[definition.id] = .object(m)
        }
        return out
    }

    static func finite(_ x: Double) -> JSONValue { x.isFinite ? .double(x) : .null }

    public var json: JSONObject {
        let records = scored
        var run = JSONObject([("configuration", .object(configuration.json)), ("config_digest", .string(configuration.digest))])
        run["timings"] = .object(timings)
        run["environment"] = .object(environment)
        let correct = records.filter { $0.correct == true }.count
        let summary = JSONObject([("items", .int(Int64(entries.count))), ("scored", .int(Int64(records.count))),
                                  ("failed", .int(Int64(failed.count))), ("correct", .int(Int64(correct)))])
        return JSONObject([
            ("schema", .string(Self.schema)), ("run", .object(run)), ("summary", .object(summary)),
            ("metrics", .object(Self.metrics(records, suiteType: suiteType))),
            ("items", .array(entries.map(\.jsonValue))),
        ])
    }

    public func write(to path: String) throws {
        let text = JSONWriter(style: .indented).string(.object(json)) + "\n"
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw HarnessError.output(path: path, reason: "cannot write the report: \(FileProblem.writeReason(path, error: error))")
        }
    }
}
