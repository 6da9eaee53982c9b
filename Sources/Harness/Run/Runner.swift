import Foundation
import Formats
import Models
import Suites
import Tensors

/// What `janus-eval run` runs: a suite's items (limited, then this process's shard of whole groups) through an
/// output source, each scored item appended to the journal as it finishes; then report.json and report.html from
/// the journal. Rerunning the same command continues where a killed run stopped.
public final class Runner {
    public struct Progress: Sendable {
        /// Items of this shard finished (including those found in the journal), and the shard's total.
        public var done: Int
        public var total: Int
        /// Items finished by this process, and how long it has been running.
        public var doneHere: Int
        public var elapsed: Double
        public var lastID: String
        public var lastFailed: Bool
        /// The model's prompt-prefix cache so far (nil when the outputs come from files or reuse does not apply).
        public var prefixCache: PrefixCacheStatistics?
    }

    public struct Outcome: Sendable {
        public var folder: String
        public var reportPath: String
        public var htmlPath: String
        public var items: Int
        public var scored: Int
        public var failed: [(id: String, reason: String)]
        public var resumedItems: Int
        public var interrupted: Bool
        public var metrics: JSONObject
        public var prefixCache: PrefixCacheStatistics?
    }

    public let suite: any Suite
    public let options: SuiteOptions
    public let source: any ItemOutputSource
    public let folder: String
    public let shard: ShardSpec
    public let limit: Int?
    public let seed: UInt64
    public let settings: JSONObject
    public var environment: JSONObject
    public let fresh: Bool
    /// Seconds spent building the model before the run (recorded under run.timings).
    public var loadSeconds = 0.0

    public init(suite: any Suite, options: SuiteOptions, source: any ItemOutputSource, folder: String, shard: ShardSpec = .whole,
                limit: Int? = nil, seed: UInt64 = 0, settings: JSONObject = JSONObject(), environment: JSONObject = JSONObject(),
                fresh: Bool = false) {
        self.suite = suite; self.options = options; self.source = source; self.folder = folder; self.shard = shard
        self.limit = limit; self.seed = seed; self.settings = settings; self.environment = environment; self.fresh = fresh
    }

    /// The suite's items after `--limit` (the first N in suite order), with their positions.
    public var items: [SuiteItem] { limit.map { Array(suite.items.prefix($0)) } ?? suite.items }

    public func configuration() throws -> RunConfiguration {
        try RunConfiguration(suite: suite, options: options, source: source.configuration, seed: seed, settings: settings,
                             limit: limit, items: items)
    }

    /// The default run folder: reports/<suite>-<source>-<first 8 hex of the configuration digest>, plus the shard.
    public static func defaultFolder(root: String = "reports", suite: String, source: String, configuration: RunConfiguration,
                                     shard: ShardSpec) -> String {
        let safe = source.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        return root + "/" + suite + "-" + String(safe) + "-" + configuration.digest.prefix(8)
            + (shard.isWhole ? "" : "-shard-\(shard.index)of\(shard.count)")
    }

    public func run(progress: (Progress) -> Void = { _ in }, shouldStop: () -> Bool = { StopSignal.isRequested }) throws -> Outcome {
        let start = Date()
        let fm = FileManager.default
        let config = try configuration()
        let runFile = folder + "/run.json", journalFile = folder + "/items.jsonl"
        if fm.fileExists(atPath: runFile) && !fresh {
            let recorded = try Self.readRunFile(runFile)
            let differences = recorded.configuration.differences(from: config)
            guard differences.isEmpty else { throw HarnessError.configurationDiffers(folder: folder, differences: differences) }
            if recorded.shard != shard.description {
                throw HarnessError.configurationDiffers(folder: folder, differences: ["shard: \(recorded.shard) → \(shard)"])
            }
        }
        do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw HarnessError.output(path: folder, reason: "cannot create the run folder: \(FileProblem.writeReason(folder, folder: true, error: error))")
        }
        if fresh {
            for name in ["items.jsonl", "report.json", "report.html", "run.json"] { try? fm.removeItem(atPath: folder + "/" + name) }
        }
        var environment = self.environment
        environment["shard"] = .string(shard.description)
        let runJSON = JSONObject([("configuration", .object(config.json)), ("config_digest", .string(config.digest)),
                                  ("shard", .string(shard.description)), ("environment", .object(environment))])
        do {
            try Data((JSONWriter(style: .indented).string(.object(runJSON)) + "\n").utf8).write(to: URL(fileURLWithPath: runFile), options: .atomic)
        } catch { throw HarnessError.output(path: runFile, reason: "cannot write: \(FileProblem.writeReason(runFile, error: error))") }

        let journal = try RunJournal(path: journalFile)
        let all = items
        let positions = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1.id, $0) })
        // Work groups (every question about one image; a GenEval prompt) in first-seen order: each runs as one
        // batch, so an image is encoded and its prompt prefix computed once per process — also when a rerun
        // continues it with only some of its items pending — and shards deal whole work groups.
        var groups: [(key: String, items: [SuiteItem])] = []
        var groupOf: [String: Int] = [:]
        for item in all {
            if let g = groupOf[item.workKey] { groups[g].items.append(item) } else {
                groupOf[item.workKey] = groups.count
                groups.append((item.workKey, [item]))
            }
        }
        let mine = groups.enumerated().filter { shard.owns(groupIndex: $0.offset) }
        let total = mine.reduce(0) { $0 + $1.element.items.count }
        var latest = journal.latest
        // Records of items outside this run's item set (another --limit) are refused by the configuration check;
        // a failed item is retried.
        let resumed = mine.flatMap(\.element.items).filter { latest[$0.id].map { $0.record.fields["error"] == nil } ?? false }.count
        var done = resumed, doneHere = 0
        var interrupted = false
        var outputSeconds = 0.0, scoringSeconds = 0.0
        // Groups with pending items, handed to the source `groupsPerCall` at a time (several GenEval prompts
        // generated as one batch); each group's items are journaled as soon as its call returns.
        let work = mine.compactMap { groupIndex, group -> (items: [SuiteItem], group: String, groupIndex: Int)? in
            let pending = group.items.filter { item in latest[item.id].map { $0.record.fields["error"] != nil } ?? true }
            return pending.isEmpty ? nil : (pending, group.key, groupIndex)
        }
        let perCall = max(1, source.groupsPerCall)
        outer: for first in stride(from: 0, to: work.count, by: perCall) {
            if shouldStop() { interrupted = true; break }
            let call = Array(work[first..<min(work.count, first + perCall)])
            let t0 = Date()
            let callOutputs = perCall == 1 ? [source.outputs(for: call[0].items, group: call[0].group, groupIndex: call[0].groupIndex)]
                : source.outputs(forGroups: call)
            outputSeconds += Date().timeIntervalSince(t0)
            for (pending, outputs) in zip(call.map(\.items), callOutputs) { for item in pending {
                let t1 = Date()
                let record: ItemRecord
                switch outputs[item.id] ?? .failure(HarnessError.outputs(path: source.name, reason: "no output for \(item.id)")) {
                case .success(let output):
                    do { record = try suite.score(item, output: output) } catch { record = Self.failure(item, error) }
                case .failure(let error):
                    record = Self.failure(item, error)
                }
                scoringSeconds += Date().timeIntervalSince(t1)
                let entry = RunJournal.Entry(position: positions[item.id]!, record: record)
                try journal.append(entry)
                latest[item.id] = entry
                done += 1; doneHere += 1
                progress(Progress(done: done, total: total, doneHere: doneHere, elapsed: Date().timeIntervalSince(start),
                                  lastID: item.id, lastFailed: record.fields["error"] != nil, prefixCache: source.prefixCacheStatistics))
            } }
            if shouldStop() { interrupted = true; break outer }
        }
        let mineIDs = Set(mine.flatMap(\.element.items).map(\.id))
        let entries = latest.values.filter { mineIDs.contains($0.record.id) }
        var timings = JSONObject([
            ("start", .string(ISO8601DateFormatter().string(from: start))), ("end", .string(ISO8601DateFormatter().string(from: Date()))),
            ("load_s", .double(loadSeconds)), ("outputs_s", .double(outputSeconds)), ("scoring_s", .double(scoringSeconds)),
            ("items_this_process", .int(Int64(doneHere))), ("items_from_journal", .int(Int64(resumed)))])
        if let cache = source.prefixCacheStatistics { timings["prefix_cache"] = .object(Self.json(cache)) }
        if let sourceTimings = source.timings { for (key, value) in sourceTimings.entries { timings[key] = value } }
        var reportEnvironment = environment
        reportEnvironment["resumed_items"] = .int(Int64(resumed))
        if journal.droppedTornLine { reportEnvironment["dropped_torn_journal_line"] = .bool(true) }
        let report = RunReport(configuration: config, entries: Array(entries), suiteType: type(of: suite),
                               environment: reportEnvironment, timings: timings)
        let reportPath = folder + "/report.json", htmlPath = folder + "/report.html"
        try report.write(to: reportPath)
        try HTMLReport(report: report, folder: folder, imageRoot: (source as? ImageFolderOutputs)?.folder).write(to: htmlPath)
        let failed = report.failed.map { ($0.id, $0.reason) }
        return Outcome(folder: folder, reportPath: reportPath, htmlPath: htmlPath, items: total, scored: report.scored.count,
                       failed: failed, resumedItems: resumed, interrupted: interrupted,
                       metrics: RunReport.metrics(report.scored, suiteType: type(of: suite)), prefixCache: source.prefixCacheStatistics)
    }

    /// The prefix cache's counts as report.json records them (under run.timings: they describe this process).
    public static func json(_ s: PrefixCacheStatistics) -> JSONObject {
        JSONObject([("reuse", .bool(s.capacityBytes != nil)), ("capacity_bytes", s.capacityBytes.map { .int(Int64($0)) } ?? .null),
                    ("bytes", .int(Int64(s.bytes))), ("peak_bytes", .int(Int64(s.peakBytes))), ("entries", .int(Int64(s.entries))),
                    ("hits", .int(Int64(s.hits))), ("prefixes_computed", .int(Int64(s.misses))), ("evictions", .int(Int64(s.evictions))),
                    ("images_encoded", .int(Int64(s.imagesEncoded))), ("questions_from_shared_prefix", .int(Int64(s.questionsReused))),
                    ("questions_whole_prompt", .int(Int64(s.questionsRecomputed)))])
    }

    static func failure(_ item: SuiteItem, _ error: any Error) -> ItemRecord {
        ItemRecord(id: item.id, group: item.group, correct: nil, reason: "failed: \(error)",
                   fields: JSONObject([("error", .string("\(error)")), ("text", .string(item.text))]))
    }

    /// run.json: the recorded configuration and shard.
    public static func readRunFile(_ path: String) throws -> (configuration: RunConfiguration, shard: String, environment: JSONObject) {
        do {
            let c = try JSONReader.parse(file: path).cursor
            return (RunConfiguration(json: try c.field("configuration").asObject()), try c.string("shard"),
                    try c.field("environment").asObject())
        } catch let error as HarnessError {
            throw error
        } catch {
            throw HarnessError.report(path: path, reason: "not a janus-eval run.json (\(error))")
        }
    }
}
