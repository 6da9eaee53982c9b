import Foundation
import Scorers

/// The Fréchet distance at d = 2048 (Inception pool features) on random SPD covariances.
enum FIDBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let d = 2048
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        func spd() -> [Double] {
            // X Xᵀ / d from 2d samples: full rank, realistic spectrum.
            var stats = FeatureStatistics(dimension: d)
            let rows = (0..<(2 * d)).map { _ in (0..<d).map { _ in uniform() } }
            try! stats.add(rows)
            return try! stats.covariance()
        }
        let s1 = spd(), s2 = spd()
        let a = GaussianStatistics(mu: [Double](repeating: 0, count: d), sigma: s1)
        let b = GaussianStatistics(mu: [Double](repeating: 0.01, count: d), sigma: s2)
        var value = 0.0
        let seconds = medianSeconds(repeats: 3, warmup: 0) { value = try! FrechetDistance.compute(a, b).value }
        report.add([("benchmark", "frechet_distance"), ("d", String(d)), ("seconds", format(seconds, 2)), ("fid", format(value, 4))])
    }
}
