#if canImport(Glibc)
import Glibc
#endif

/// Comparing two runs on the same items.
public enum PairedComparison {
    /// McNemar's exact test with the mid-p correction on the discordant pairs (b: only A right, c: only B right):
    /// p = 2·P(X ≤ min(b, c)) − P(X = min(b, c)) for X ~ Binomial(b + c, ½), capped at 1.
    public static func mcNemarMidP(onlyFirstCorrect b: Int, onlySecondCorrect c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        var cdf = 0.0
        for i in 0...k { cdf += binomialHalfPMF(i, n) }
        return min(1, 2 * cdf - binomialHalfPMF(k, n))
    }

    /// McNemar mid-p from per-item correctness of the two runs.
    public static func mcNemarMidP(_ first: [Bool], _ second: [Bool]) -> (onlyFirst: Int, onlySecond: Int, p: Double) {
        precondition(first.count == second.count, "paired runs must score the same items")
        let b = zip(first, second).filter { $0 && !$1 }.count, c = zip(first, second).filter { !$0 && $1 }.count
        return (b, c, mcNemarMidP(onlyFirstCorrect: b, onlySecondCorrect: c))
    }

    /// C(n, k) / 2ⁿ computed in log space (exact enough for n in the millions).
    static func binomialHalfPMF(_ k: Int, _ n: Int) -> Double {
        exp(lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1) - Double(n) * log(2.0))
    }

    public struct Difference: Equatable, Sendable {
        /// metric(first) − metric(second) on all items.
        public var difference: Double
        public var lower: Double
        public var upper: Double
        /// Two-sided bootstrap p-value: 2·min(share of resampled differences ≤ 0, share ≥ 0), capped at 1.
        public var p: Double
        public var resamples: Int
    }

    /// Paired bootstrap of any metric (F1, GenEval's mean of task means, …): the same resampled items are scored
    /// for both runs, so per-item correlation is kept.
    public static func pairedBootstrap(itemCount n: Int, clusters: [Int]? = nil, resamples count: Int = 1000, seed: UInt64 = 0,
                                       level: Double = 0.95, first: ([Int]) -> Double, second: ([Int]) -> Double) -> Difference {
        let all = Array(0..<n)
        let observed = first(all) - second(all)
        let diffs = Bootstrap.resamples(itemCount: n, clusters: clusters, count: count, seed: seed).map { first($0) - second($0) }
        let alpha = (1 - level) / 2 * 100
        let below = Double(diffs.filter { $0 <= 0 }.count) / Double(count)
        let above = Double(diffs.filter { $0 >= 0 }.count) / Double(count)
        return Difference(difference: observed, lower: Bootstrap.percentile(diffs, alpha), upper: Bootstrap.percentile(diffs, 100 - alpha),
                          p: min(1, 2 * min(below, above)), resamples: count)
    }
}
