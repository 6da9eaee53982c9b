import Tensors

/// Mean and unbiased covariance of feature vectors in Float64, as `np.mean(axis=0)` and
/// `np.cov(rowvar=False)` compute them for pytorch-fid. Rows can be added in batches (streaming).
public struct FeatureStatistics: Sendable {
    public let dimension: Int
    public private(set) var count = 0
    private var sum: [Double]
    /// Σ x xᵀ over rows, accumulated around a shift (the first row) to limit cancellation.
    private var crossProducts: [Double]
    private var shift: [Double]?

    public init(dimension: Int) {
        self.dimension = dimension
        sum = [Double](repeating: 0, count: dimension)
        crossProducts = [Double](repeating: 0, count: dimension * dimension)
    }

    /// Adds rows (each `dimension` values); the cross products go through one DGEMM per batch.
    public mutating func add(_ rows: [[Double]]) throws {
        guard !rows.isEmpty else { return }
        let d = dimension
        var batch = [Double](); batch.reserveCapacity(rows.count * d)
        for row in rows {
            guard row.count == d else { throw FIDError.dimensionMismatch(expected: d, found: row.count) }
            if shift == nil { shift = row }
            for i in 0..<d { let c = row[i] - shift![i]; batch.append(c); sum[i] += c }
        }
        DoubleMatrix.gemm(transposeA: true, m: d, n: d, k: rows.count, a: batch, lda: d, b: batch, ldb: d, beta: 1,
                          c: &crossProducts, ldc: d)
        count += rows.count
    }

    public var mean: [Double] {
        guard count > 0, let shift else { return [Double](repeating: .nan, count: dimension) }
        return (0..<dimension).map { shift[$0] + sum[$0] / Double(count) }
    }

    /// Unbiased (n − 1) covariance. Needs at least two rows.
    public func covariance() throws -> [Double] {
        guard count >= 2 else { throw FIDError.tooFewSamples(count) }
        let n = Double(count)
        var out = [Double](repeating: 0, count: dimension * dimension)
        for i in 0..<dimension { for j in 0..<dimension {
            out[i * dimension + j] = (crossProducts[i * dimension + j] - sum[i] * sum[j] / n) / (n - 1)
        } }
        return out
    }

    /// The statistics FID compares, with a note when there are fewer samples than dimensions.
    public func gaussian() throws -> GaussianStatistics {
        GaussianStatistics(mu: mean, sigma: try covariance(), sampleCount: count)
    }
}

/// μ and Σ of a feature distribution (pytorch-fid's `.npz` holds exactly these as `mu` and `sigma`).
public struct GaussianStatistics: Equatable, Sendable {
    public var mu: [Double]
    /// Row-major d × d.
    public var sigma: [Double]
    public var sampleCount: Int?

    public init(mu: [Double], sigma: [Double], sampleCount: Int? = nil) {
        self.mu = mu; self.sigma = sigma; self.sampleCount = sampleCount
    }

    public var dimension: Int { mu.count }

    /// A warning when Σ must be singular (fewer samples than dimensions), as pytorch-fid users meet it.
    public var warnings: [String] {
        guard let n = sampleCount, n < dimension else { return [] }
        return ["only \(n) samples for \(dimension) dimensions: the covariance is singular and FID is biased upwards (use at least \(dimension) images)"]
    }
}

public enum FIDError: Error, CustomStringConvertible, Equatable {
    case tooFewSamples(Int)
    case dimensionMismatch(expected: Int, found: Int)
    case invalidStatistics(String)
    case lapackFailed(String, Int32)

    public var description: String {
        switch self {
        case .tooFewSamples(let n): return "need at least 2 feature vectors for a covariance, got \(n)"
        case let .dimensionMismatch(expected, found): return "feature dimensions differ: \(expected) vs \(found)"
        case .invalidStatistics(let detail): return detail
        case let .lapackFailed(routine, info): return "LAPACK \(routine) failed (info = \(info))"
        }
    }
}
