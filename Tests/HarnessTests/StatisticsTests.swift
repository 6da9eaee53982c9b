import Formats
import Harness
import Testing
import TestSupport

@Suite struct StatisticsTests {
    static let doc = try! JSONReader.parse(file: FixturePaths.path("stats/cases.json")).cursor

    @Test func mcNemarMidPEqualsScipy() throws {
        for c in try Self.doc.array("mcnemar") {
            let (b, cc, want) = (try c.int("b"), try c.int("c"), try c.double("p"))
            let got = PairedComparison.mcNemarMidP(onlyFirstCorrect: b, onlySecondCorrect: cc)
            #expect(abs(got - want) <= 1e-10 * max(want, 1e-300) + 1e-15, "b=\(b) c=\(cc): ours \(got), scipy \(want)")
        }
        let r = PairedComparison.mcNemarMidP([true, true, false, false, true], [true, false, true, true, false])
        #expect(r.onlyFirst == 2 && r.onlySecond == 2 && r.p == 1)
    }

    @Test func normalQuantileEqualsScipy() throws {
        for q in try Self.doc.array("quantiles") {
            let p = try q.double("p"), z = try q.double("z")
            #expect(abs(DetectableEffect.normalQuantile(p) - z) <= 1e-9 * max(1, abs(z)), "p=\(p)")
        }
    }

    @Test func bootstrapResamplesAndPercentilesEqualNumpy() throws {
        let b = try Self.doc.object("bootstrap")
        let values = try b.array("values").map { try $0.asDouble() }
        let seed = UInt64(try b.int("seed")), count = try b.int("resamples")
        let draws = Bootstrap.resamples(itemCount: values.count, count: count, seed: seed)
        let first = try b.array("first_draws").map { try $0.asInt() }
        #expect(draws[0] == first)
        let ci = Bootstrap.interval(itemCount: values.count, resamples: count, seed: seed) { idx in
            idx.map { values[$0] }.reduce(0, +) / Double(idx.count)
        }
        let lower = try b.double("lower"), upper = try b.double("upper")
        #expect(abs(ci.lower - lower) < 1e-12 && abs(ci.upper - upper) < 1e-12)
        #expect(ci.estimate == values.reduce(0, +) / Double(values.count))
    }

    @Test func clusteredResamplingKeepsClustersWhole() {
        // Items 0-2 are image A, 3-5 image B: every resample holds whole triples.
        let clusters = [7, 7, 7, 9, 9, 9]
        for sample in Bootstrap.resamples(itemCount: 6, clusters: clusters, count: 50, seed: 1) {
            #expect(sample.count == 6)
            let groups = stride(from: 0, to: 6, by: 3).map { Array(sample[$0..<$0 + 3]) }
            #expect(groups.allSatisfy { $0 == [0, 1, 2] || $0 == [3, 4, 5] })
        }
    }

    @Test func pairedBootstrapSeesARealDifference() {
        var rng = TestRandom(seed: 3)
        let n = 400
        let a = (0..<n).map { _ in rng.uniform(0, 1) < 0.8 }, b = (0..<n).map { _ in rng.uniform(0, 1) < 0.6 }
        let acc = { (run: [Bool]) in { (idx: [Int]) in Double(idx.filter { run[$0] }.count) / Double(idx.count) } }
        let d = PairedComparison.pairedBootstrap(itemCount: n, resamples: 500, seed: 4, first: acc(a), second: acc(b))
        #expect(d.difference > 0.1 && d.lower > 0 && d.p < 0.01)
        let same = PairedComparison.pairedBootstrap(itemCount: n, resamples: 500, seed: 4, first: acc(a), second: acc(a))
        #expect(same.difference == 0 && same.p == 1)
    }

    @Test func minimumDetectableEffect() {
        // 1.96 + 0.8416 = 2.8016; √(0.2/500) = 0.02 → 0.0560.
        #expect(abs(DetectableEffect.pairedBinary(itemCount: 500, discordantShare: 0.2) - 2.801585218 * 0.02) < 1e-6)
        #expect(abs(DetectableEffect.independentBinary(itemCount: 553, accuracy: 0.8) - 2.801585218 * (0.32 / 553).squareRoot()) < 1e-6)
    }
}
