import COpenBLAS

/// Double-precision dense linear algebra (OpenBLAS `cblas_dgemm`, LAPACK `dsyevd`) on plain arrays, for the
/// statistics code above (FID, KID, feature covariances). Every BLAS and LAPACK call of the project goes through
/// `Tensors`, so no layer above it imports the C module.
public enum DoubleMatrix {
    public enum Layout: Sendable { case rowMajor, columnMajor }

    /// C[M,N] = alpha·op(A)·op(B) + beta·C, with leading dimensions in the given layout.
    public static func gemm(_ layout: Layout = .rowMajor, transposeA: Bool = false, transposeB: Bool = false,
                            m: Int, n: Int, k: Int, alpha: Double = 1, a: [Double], lda: Int, b: [Double], ldb: Int,
                            beta: Double = 0, c: inout [Double], ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        precondition(c.count >= (layout == .rowMajor ? (m - 1) * ldc + n : (n - 1) * ldc + m), "gemm: C too small")
        cblas_dgemm(layout == .rowMajor ? CblasRowMajor : CblasColMajor,
                    transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, &c, Int32(ldc))
    }

    /// A LAPACK routine reported failure (`info` ≠ 0).
    public struct LAPACKError: Error, CustomStringConvertible, Equatable {
        public var routine: String
        public var info: Int32
        public var description: String { "LAPACK \(routine) failed (info = \(info))" }
    }

    /// Eigenvalues (ascending) and, when asked, eigenvectors (column-major, one per column) of a symmetric d×d
    /// matrix (only its upper triangle is read) via `dsyevd`.
    public static func symmetricEigen(_ matrix: [Double], d: Int, vectors: Bool) throws -> (values: [Double], vectors: [Double]) {
        precondition(matrix.count == d * d, "symmetricEigen: expected \(d)×\(d) values")
        var a = matrix
        var w = [Double](repeating: 0, count: d)
        var n = Int32(d), lda = Int32(max(d, 1)), info: Int32 = 0
        var jobz: CChar = vectors ? 86 : 78   // "V" / "N"
        var uplo: CChar = 85                  // "U"
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = 0.0, iworkQuery: Int32 = 0
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        guard info == 0 else { throw LAPACKError(routine: "dsyevd (workspace query)", info: info) }
        lwork = Int32(workQuery); liwork = iworkQuery
        var work = [Double](repeating: 0, count: max(Int(lwork), 1))
        var iwork = [Int32](repeating: 0, count: max(Int(liwork), 1))
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw LAPACKError(routine: "dsyevd", info: info) }
        return (w, a)
    }
}
