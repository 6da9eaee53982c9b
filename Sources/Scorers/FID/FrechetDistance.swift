import Tensors

/// The Fréchet distance between two Gaussians, ‖μ1 − μ2‖² + tr Σ1 + tr Σ2 − 2·tr((Σ1 Σ2)^½), equal to
/// pytorch-fid's `calculate_frechet_distance`.
///
/// The trace term is computed by the symmetric eigen route instead of scipy's `sqrtm`: with S = Σ1^½ (from an
/// eigendecomposition of Σ1, negative rounding-noise eigenvalues clamped to 0), tr((Σ1Σ2)^½) = Σ √λ(S Σ2 S),
/// and S Σ2 S is symmetric positive semi-definite, so LAPACK `dsyevd` gives its eigenvalues stably. This is
/// ~10× faster than sqrtm at d = 2048 and has no imaginary parts to discard. pytorch-fid retries with
/// eps·I added to both covariances when sqrtm returns non-finite values; here the same retry happens when
/// S Σ2 S has an eigenvalue below −1e-6 of its largest one (the product is not PSD beyond rounding), and the
/// result says so.
public enum FrechetDistance {
    public struct Result: Equatable, Sendable {
        public var value: Double
        /// True when eps·I was added to both covariances (pytorch-fid's fallback).
        public var usedEpsilon: Bool
        public var warnings: [String]
    }

    public static func compute(_ a: GaussianStatistics, _ b: GaussianStatistics, eps: Double = 1e-6) throws -> Result {
        let d = a.dimension
        guard d > 0 else { throw FIDError.invalidStatistics("empty statistics") }
        guard b.dimension == d else { throw FIDError.dimensionMismatch(expected: d, found: b.dimension) }
        guard a.sigma.count == d * d, b.sigma.count == d * d else {
            throw FIDError.invalidStatistics("sigma must be \(d)×\(d) (mu has \(d) values); got \(a.sigma.count) and \(b.sigma.count) values")
        }
        guard (a.mu + a.sigma + b.mu + b.sigma).allSatisfy(\.isFinite) else {
            throw FIDError.invalidStatistics("statistics contain NaN or infinite values")
        }
        try requireCovariance(a.sigma, d: d, which: "the first sigma")
        try requireCovariance(b.sigma, d: d, which: "the second sigma")
        var diff = 0.0
        for i in 0..<d { let t = a.mu[i] - b.mu[i]; diff += t * t }
        let trace1 = (0..<d).reduce(0.0) { $0 + a.sigma[$1 * d + $1] }
        let trace2 = (0..<d).reduce(0.0) { $0 + b.sigma[$1 * d + $1] }
        var (traceTerm, ok) = try traceSqrtProduct(a.sigma, b.sigma, d: d)
        var usedEpsilon = false
        if !ok {
            var s1 = a.sigma, s2 = b.sigma
            for i in 0..<d { s1[i * d + i] += eps; s2[i * d + i] += eps }
            (traceTerm, _) = try traceSqrtProduct(s1, s2, d: d)
            usedEpsilon = true
        }
        var warnings = a.warnings + b.warnings
        if usedEpsilon { warnings.append("fid calculation produces singular product; added \(eps) to the diagonal of both covariances") }
        return Result(value: diff + trace1 + trace2 - 2 * traceTerm, usedEpsilon: usedEpsilon, warnings: warnings)
    }

    /// Σ must be a covariance: symmetric and positive semi-definite up to rounding (relative 1e-6). Anything else
    /// (−I, an asymmetric matrix, a corrupted file) is refused rather than turned into a number.
    static func requireCovariance(_ sigma: [Double], d: Int, which: String) throws {
        let scale = sigma.map(abs).max() ?? 0
        for i in 0..<d {
            guard sigma[i * d + i] >= 0 else {
                throw FIDError.invalidStatistics("\(which) is not a covariance: diagonal entry \(i) is \(sigma[i * d + i]) (negative)")
            }
            for j in (i + 1)..<max(d, i + 1) where abs(sigma[i * d + j] - sigma[j * d + i]) > 1e-6 * scale + 1e-300 {
                throw FIDError.invalidStatistics("\(which) is not a covariance: not symmetric at (\(i), \(j)): \(sigma[i * d + j]) vs \(sigma[j * d + i])")
            }
        }
        let (values, _) = try symmetricEigen(sigma, d: d, vectors: false)
        let largest = values.map(abs).max() ?? 0
        if let smallest = values.first, smallest < -1e-6 * max(largest, 1e-300) {
            throw FIDError.invalidStatistics("\(which) is not a covariance: eigenvalue \(smallest) < 0 (largest \(largest))")
        }
    }

    /// tr((Σ1 Σ2)^½) and whether S Σ2 S was PSD up to rounding.
    static func traceSqrtProduct(_ s1: [Double], _ s2: [Double], d: Int) throws -> (Double, Bool) {
        // Σ1 = V Λ Vᵀ (symmetric: row- and column-major are the same matrix).
        var (lambda, vectors) = try symmetricEigen(s1, d: d, vectors: true)
        // S = V diag(√λ) Vᵀ: scale the eigenvector columns, then one GEMM.
        var scaled = vectors
        for j in 0..<d {
            let r = max(lambda[j], 0).squareRoot()
            for i in 0..<d { scaled[j * d + i] *= r }     // column j (column-major storage from LAPACK)
        }
        var root = [Double](repeating: 0, count: d * d)
        DoubleMatrix.gemm(.columnMajor, transposeB: true, m: d, n: d, k: d, a: scaled, lda: d, b: vectors, ldb: d, c: &root, ldc: d)
        var temp = [Double](repeating: 0, count: d * d), product = [Double](repeating: 0, count: d * d)
        DoubleMatrix.gemm(.columnMajor, m: d, n: d, k: d, a: root, lda: d, b: s2, ldb: d, c: &temp, ldc: d)
        DoubleMatrix.gemm(.columnMajor, m: d, n: d, k: d, a: temp, lda: d, b: root, ldb: d, c: &product, ldc: d)
        // Symmetrise away rounding before the symmetric solver.
        for i in 0..<d { for j in (i + 1)..<d {
            let m = 0.5 * (product[i * d + j] + product[j * d + i]); product[i * d + j] = m; product[j * d + i] = m
        } }
        (lambda, _) = try symmetricEigen(product, d: d, vectors: false)
        let largest = lambda.map(abs).max() ?? 0
        let psd = lambda.allSatisfy { $0 >= -1e-6 * max(largest, 1e-300) }
        return (lambda.reduce(0) { $0 + max($1, 0).squareRoot() }, psd)
    }

    /// Eigenvalues (ascending) and, if asked, eigenvectors (column-major) of a symmetric matrix.
    static func symmetricEigen(_ matrix: [Double], d: Int, vectors: Bool) throws -> ([Double], [Double]) {
        do { return try DoubleMatrix.symmetricEigen(matrix, d: d, vectors: vectors) } catch let e as DoubleMatrix.LAPACKError {
            throw FIDError.lapackFailed(e.routine, e.info)
        }
    }
}
