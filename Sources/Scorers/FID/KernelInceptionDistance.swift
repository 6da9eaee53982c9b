import Tensors

/// KID as torch-fidelity computes it: the unbiased MMD² with the polynomial kernel k(x, y) = (x·y/d + 1)³,
/// averaged over subsets (default 100 subsets of 1000 rows, or of the smaller set's size), mean ± std
/// (numpy's population std).
public enum KernelInceptionDistance {
    public struct Result: Equatable, Sendable {
        public var mean: Double
        public var std: Double
        public var subsets: Int
        public var subsetSize: Int
    }

    /// Subsets drawn with our seeded numpy-compatible generator (`choice(n, m, replace=False)` per set per subset).
    public static func subsets(count: Int, size: Int, n1: Int, n2: Int, seed: UInt64) -> [(first: [Int], second: [Int])] {
        var rng = NumpyRandom(seed: seed)
        return (0..<count).map { _ in (rng.choice(n1, size: size, replace: false), rng.choice(n2, size: size, replace: false)) }
    }

    /// - Parameters: features as row-major [n × d]; `subsets` gives the rows of each set per subset.
    public static func compute(first: [Double], second: [Double], dimension d: Int,
                               subsets: [(first: [Int], second: [Int])]) throws -> Result {
        guard d > 0, first.count % d == 0, second.count % d == 0 else { throw FIDError.dimensionMismatch(expected: d, found: first.count % max(d, 1)) }
        guard let m = subsets.first?.first.count, m >= 2 else { throw FIDError.tooFewSamples(subsets.first?.first.count ?? 0) }
        var values: [Double] = []
        for s in subsets {
            guard s.first.count == m, s.second.count == m else { throw FIDError.invalidStatistics("all KID subsets must have \(m) rows") }
            let x = gather(first, s.first, d), y = gather(second, s.second, d)
            let kxx = kernel(x, x, m: m, d: d), kyy = kernel(y, y, m: m, d: d), kxy = kernel(x, y, m: m, d: d)
            var sumXX = 0.0, sumYY = 0.0, sumXY = 0.0
            for i in 0..<m { for j in 0..<m {
                if i != j { sumXX += kxx[i * m + j]; sumYY += kyy[i * m + j] }
                sumXY += kxy[i * m + j]
            } }
            let md = Double(m)
            values.append((sumXX + sumYY) / (md * (md - 1)) - 2 * sumXY / (md * md))
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        return Result(mean: mean, std: std, subsets: subsets.count, subsetSize: m)
    }

    /// Default protocol: 100 subsets of min(1000, n1, n2) rows, seeded.
    public static func compute(first: [Double], second: [Double], dimension d: Int, subsetCount: Int = 100,
                               subsetSize: Int = 1000, seed: UInt64 = 2020) throws -> Result {
        let n1 = first.count / d, n2 = second.count / d
        let size = min(subsetSize, n1, n2)
        guard size >= 2 else { throw FIDError.tooFewSamples(min(n1, n2)) }
        return try compute(first: first, second: second, dimension: d,
                           subsets: subsets(count: subsetCount, size: size, n1: n1, n2: n2, seed: seed))
    }

    static func gather(_ rows: [Double], _ index: [Int], _ d: Int) -> [Double] {
        var out = [Double](); out.reserveCapacity(index.count * d)
        for i in index { out += rows[(i * d)..<(i * d + d)] }
        return out
    }

    static func kernel(_ x: [Double], _ y: [Double], m: Int, d: Int) -> [Double] {
        var k = [Double](repeating: 0, count: m * m)
        DoubleMatrix.gemm(transposeB: true, m: m, n: m, k: d, alpha: 1 / Double(d), a: x, lda: d, b: y, ldb: d, c: &k, ldc: m)
        for i in 0..<k.count { let t = k[i] + 1; k[i] = t * t * t }
        return k
    }
}
