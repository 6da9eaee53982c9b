import Foundation
import Formats
import Suites

/// A finished run read back from its report.json (a run folder or the file itself): what compare, gate and merge
/// work from. Nothing of the suite's data is needed: metrics are recomputed from the records.
public struct LoadedReport {
    public var path: String
    public var configuration: RunConfiguration
    public var suiteType: any Suite.Type
    /// Metric id → (value, n, direction) as the report states them.
    public var metrics: [(id: String, value: Double?, ci95: (Double, Double)?, n: Int, higherIsBetter: Bool?)]
    public var entries: [RunJournal.Entry]

    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? path + "/report.json" : path
        self.path = file
        let c: JSONCursor
        do { c = try JSONReader.parse(file: file).cursor } catch {
            throw HarnessError.report(path: file, reason: "unreadable report (\(error))")
        }
        do {
            let schema = try c.string("schema")
            guard schema == RunReport.schema else {
                throw HarnessError.report(path: file, reason: "schema is '\(schema)', expected \(RunReport.schema)")
            }
            configuration = RunConfiguration(json: try c.field("run").field("configuration").asObject())
            suiteType = try SuiteRegistry.entry(configuration.suiteID).type
            metrics = try c.field("metrics").entries().map { id, m in
                func number(_ key: String) throws -> Double? {
                    guard let v = try m.optional(key), v.value != .null else { return nil }
                    return try v.asDouble()
                }
                var ci: (Double, Double)?
                if let interval = try m.optional("ci95"), interval.value != .null {
                    let pair = try interval.asArray()
                    if pair.count == 2 { ci = (try pair[0].asDouble(), try pair[1].asDouble()) }
                }
                let direction = try m.optional("higher_is_better")
                return (id, try number("value"), ci, try m.int("n"), direction?.value == .null ? nil : try direction?.asBool())
            }
            entries = try c.array("items").map { RunJournal.Entry(position: try $0.int("position"), record: try ItemRecord($0)) }
        } catch let error as HarnessError {
            throw error
        } catch {
            throw HarnessError.report(path: file, reason: "\(error)")
        }
    }

    public var scored: [ItemRecord] { entries.map(\.record).filter { $0.fields["error"] == nil } }
    public var ruleSetID: String {
        if case .object(let r)? = configuration.json["rule_set"], case .string(let id)? = r["id"] { return id }
        return ""
    }
    public var itemsDigest: String {
        if case .object(let i)? = configuration.json["items"], case .string(let d)? = i["sha256"] { return d }
        return ""
    }
    /// For set-level suites (FID): why the two runs measure against different things — another rule set or settings
    /// (preprocessing, dims, KID subsets) or another reference (by content digest) — or nil when they are comparable.
    public func setLevelMismatch(_ other: LoadedReport) -> String? {
        func reference(_ r: LoadedReport) -> JSONValue? {
            if case .object(let d)? = r.configuration.json["data"] { return d["reference_sha256"] }
            return nil
        }
        if configuration.json["rule_set"] != other.configuration.json["rule_set"] {
            let diff = RunConfiguration(json: JSONObject([("rule_set", configuration.json["rule_set"] ?? .null)]))
                .differences(from: RunConfiguration(json: JSONObject([("rule_set", other.configuration.json["rule_set"] ?? .null)])))
            return "different rule sets or settings (\(diff.joined(separator: "; ")))"
        }
        if reference(self) != reference(other) {
            return "different references (reference_sha256 \(reference(self).map { JSONWriter(style: .compact).string($0) } ?? "absent") vs \(reference(other).map { JSONWriter(style: .compact).string($0) } ?? "absent")): FID against one reference is not comparable with FID against another"
        }
        return nil
    }

    /// A short label: the model or the kind of outputs, and the folder.
    public var label: String {
        let folder = (path as NSString).deletingLastPathComponent
        return (folder as NSString).lastPathComponent
    }
}
