import Foundation
import Formats
import Harness
import Testing
import TestSupport

/// The gate's verdicts on runs of 300 POPE questions per split, with their exit reasons.
@Suite(.serialized) struct GateTests {
    static let perSplit = 300

    /// A run whose answers are right except where `wrong(q)`.
    static func run(_ dir: URL, _ name: String, data: String, limit: Int? = nil, wrong: @escaping (Int) -> Bool) throws -> LoadedReport {
        let folder = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let answers = try HarnessFixtures.popeAnswers(perSplit: perSplit, in: folder) { _, q, yes in (yes != wrong(q)) ? "Yes" : "No" }
        _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: folder.path + "/run", limit: limit).run(shouldStop: { false })
        return try LoadedReport(path: folder.path + "/run")
    }

    @Test func verdicts() throws {
        let dir = FixturePaths.temporaryDirectory("gate")
        let data = try HarnessFixtures.popeData(perSplit: Self.perSplit, in: dir)
        let base = try Self.run(dir, "base", data: data) { $0 % 10 == 0 }            // 90 % right
        let same = try Self.run(dir, "same", data: data) { $0 % 10 == 0 }
        let tiny = try Self.run(dir, "tiny", data: data) { $0 % 10 == 0 || $0 == 7 }  // one more wrong per split
        let worse = try Self.run(dir, "worse", data: data) { $0 % 10 == 0 || $0 % 4 == 1 }   // ~ 30 % wrong

        let identical = try Gate(baseline: base, candidate: same).evaluate()
        #expect(!identical.regressed && identical.verdicts.allSatisfy { $0.worsening == 0 })
        let small = try Gate(baseline: base, candidate: tiny, maxDrop: 0).evaluate()
        #expect(!small.regressed, "one flip per split is not significant")
        #expect(small.verdicts.first { $0.metric == "random/accuracy" }!.worsening > 0)
        let big = try Gate(baseline: base, candidate: worse).evaluate()
        #expect(big.regressed)
        let accuracy = big.verdicts.first { $0.metric == "random/accuracy" }!
        #expect(accuracy.regressed && accuracy.test == "mcnemar-midp" && accuracy.p! < 0.001)
        #expect(big.verdicts.first { $0.metric == "pooled/f1" }!.test == "paired-bootstrap")
        // Within a generous margin the same drop passes.
        #expect(!(try Gate(baseline: base, candidate: worse, maxDrop: 0.5).evaluate().regressed))
        // JUnit and markdown name every gated metric.
        let junit = Gate.junit(big)
        #expect(junit.contains("<testcase classname=\"gate.pope\" name=\"random/accuracy\"><failure"))
        #expect(Gate.markdown(big).contains("| random/accuracy |"))

        // Cannot compare: other items, a missing metric, zero comparable items.
        let fewer = try Self.run(dir, "fewer", data: data, limit: 450) { $0 % 10 == 0 }
        let other = #expect(throws: GateError.self) { _ = try Gate(baseline: base, candidate: fewer).evaluate() }
        #expect(try #require(other).description.contains("different items"))
        let missing = #expect(throws: GateError.self) { _ = try Gate(baseline: base, candidate: same, metrics: ["fid"]).evaluate() }
        #expect(try #require(missing).description.contains("fid"))
        let noDirection = #expect(throws: GateError.self) { _ = try Gate(baseline: base, candidate: same, metrics: ["random/yes_ratio"]).evaluate() }
        #expect(noDirection != nil)
        var empty = base
        empty.entries = []
        var emptyToo = same
        emptyToo.entries = []
        let none = #expect(throws: GateError.self) { _ = try Gate(baseline: empty, candidate: emptyToo).evaluate() }
        #expect(try #require(none).description.contains("no comparable items"))
    }
}
