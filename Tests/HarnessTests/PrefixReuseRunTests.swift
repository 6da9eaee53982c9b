import Foundation
import Formats
import Harness
import Suites
import Testing
import TestSupport

/// Prompt-prefix reuse in runs (issue 16), with the demo model (tiny random Janus-Pro layout) on the demo POPE set
/// (6 images, 6 questions each over the three splits): each image's prefix is computed once per process — also when
/// a rerun continues a stopped run, and across shards (whole images per shard) — and the report equals a run that
/// computes every prompt whole.
@Suite(.serialized) struct PrefixReuseRunTests {
    static let data = FixturePaths.repositoryRoot.appendingPathComponent("suites/demo/pope").path
    static let images = 6, questions = 36

    static func runner(out: String, reuse: Bool = true, shard: ShardSpec = .whole) throws -> Runner {
        var request = RunRequest(suite: "pope")
        request.data = data
        request.model = .preset("demo")
        request.out = out
        request.shard = shard
        if !reuse { request.prefixReuse = .off }
        return try RunPlan.make(request)
    }

    static func cache(_ folder: String) throws -> JSONCursor {
        try JSONReader.parse(file: folder + "/report.json").cursor.field("run").field("timings").field("prefix_cache")
    }

    @Test func eachImagesPrefixIsComputedOnceAndTheAnswersEqualWholePrompts() throws {
        let dir = FixturePaths.temporaryDirectory("prefix-run")
        let reused = dir.appendingPathComponent("reused").path, whole = dir.appendingPathComponent("whole").path
        let outcome = try Self.runner(out: reused).run(shouldStop: { false })
        #expect(outcome.scored == Self.questions)
        let stats = try #require(outcome.prefixCache)
        #expect(stats.misses == Self.images && stats.imagesEncoded == Self.images && stats.hits == 0)
        #expect(stats.questionsReused == Self.questions && stats.questionsRecomputed == 0)
        #expect(stats.peakBytes > 0 && stats.peakBytes <= 2 << 30)
        let recorded = try Self.cache(reused)
        #expect(try recorded.int("prefixes_computed") == Self.images && recorded.int("images_encoded") == Self.images)
        #expect(try recorded.int("questions_from_shared_prefix") == Self.questions && recorded.int("capacity_bytes") == 2 << 30)

        let off = try Self.runner(out: whole, reuse: false).run(shouldStop: { false })
        #expect(off.prefixCache?.questionsRecomputed == Self.questions && off.prefixCache?.misses == 0)
        #expect(try Self.cache(whole).bool("reuse") == false)
        // Same answers, same report (timings and environment aside).
        #expect(try StableReport.of(folder: reused) == StableReport.of(folder: whole))
        let a = try RunJournal(path: reused + "/items.jsonl").latest, b = try RunJournal(path: whole + "/items.jsonl").latest
        #expect(a.count == Self.questions && a.keys.allSatisfy { a[$0]!.record.fields["output"] == b[$0]!.record.fields["output"] })
    }

    @Test func aContinuedRunComputesOnlyThePendingImagesPrefixesOnce() throws {
        let dir = FixturePaths.temporaryDirectory("prefix-resume")
        let out = dir.appendingPathComponent("run").path
        // Stop after two images' questions (the runner asks before and after each work group).
        var calls = 0
        let first = try Self.runner(out: out).run(shouldStop: { calls += 1; return calls > 4 })
        #expect(first.interrupted && first.scored == 12 && first.prefixCache?.misses == 2)
        let second = try Self.runner(out: out).run(shouldStop: { false })
        #expect(second.scored == Self.questions && second.resumedItems == 12)
        #expect(second.prefixCache?.misses == Self.images - 2 && second.prefixCache?.questionsReused == Self.questions - 12)
    }

    @Test func shardsDealWholeImagesSoNoImageIsEncodedTwice() throws {
        let dir = FixturePaths.temporaryDirectory("prefix-shards")
        var encoded = 0
        var seen: [String: Int] = [:]
        for i in 1...4 {
            let folder = dir.appendingPathComponent("shard-\(i)").path
            let outcome = try Self.runner(out: folder, shard: ShardSpec(index: i, count: 4)).run(shouldStop: { false })
            encoded += outcome.prefixCache?.imagesEncoded ?? 0
            for entry in try RunJournal(path: folder + "/items.jsonl").entries {
                let image = entry.record.string("image")
                #expect(seen[image, default: i] == i, "image \(image) in shard \(seen[image] ?? 0) and \(i)")
                seen[image] = i
            }
        }
        #expect(encoded == Self.images && seen.count == Self.images)
    }
}
