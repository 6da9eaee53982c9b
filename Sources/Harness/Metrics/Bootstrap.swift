import Tensors

/// Seeded bootstrap confidence intervals (percentile method, numpy's linear interpolation), optionally
/// clustered: when several items share a cluster (POPE questions about one image), whole clusters are resampled.
/// Resampling uses `NumpyRandom`, so a run's intervals are reproducible from its seed.
public enum Bootstrap {
    public struct Interval: Equatable, Sendable {
        public var estimate: Double
        public var lower: Double
        public var upper: Double
        public var level: Double
        public var resamples: Int
    }

    /// Resampled index sets: each a list of item indices (whole clusters when `clusters` is given).
    public static func resamples(itemCount n: Int, clusters: [Int]? = nil, count: Int, seed: UInt64) -> [[Int]] {
        var rng = NumpyRandom(seed: seed)
        guard let clusters else {
            return (0..<count).map { _ in (0..<n).map { _ in rng.integers(0, n) } }
        }
        precondition(clusters.count == n, "one cluster id per item")
        var members: [Int: [Int]] = [:]
        var order: [Int] = []
        for (i, c) in clusters.enumerated() {
            if members[c] == nil { order.append(c) }
            members[c, default: []].append(i)
        }
        return (0..<count).map { _ in (0..<order.count).flatMap { _ in members[order[rng.integers(0, order.count)]]! } }
    }

    /// `np.percentile(values, q)` with the default linear method.
    public static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let position = q / 100 * Double(sorted.count - 1)
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (position - Double(lo))
    }

    /// A percentile interval for `metric` (evaluated on index lists) over `n` items.
    public static func interval(itemCount n: Int, clusters: [Int]? = nil, resamples count: Int = 1000, seed: UInt64 = 0,
                                level: Double = 0.95, metric: ([Int]) -> Double) -> Interval {
        let estimate = metric(Array(0..<n))
        let stats = resamples(itemCount: n, clusters: clusters, count: count, seed: seed).map(metric)
        let alpha = (1 - level) / 2 * 100
        return Interval(estimate: estimate, lower: percentile(stats, alpha), upper: percentile(stats, 100 - alpha),
                        level: level, resamples: count)
    }
}
