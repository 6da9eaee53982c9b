import COpenBLAS

/// f32 matrix products through OpenBLAS `cblas_sgemm` (row-major).
public enum Matmul {
    /// Raw row-major GEMM: C[M,N] = alpha·op(A)·op(B) + beta·C. A is [M,K] (or [K,M] when transposed),
    /// B is [K,N] (or [N,K] when transposed). The thin wrapper every other kernel uses.
    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// op(a)·op(b) for rank-2 f32 tensors.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2 && a.dtype == .f32 && b.dtype == .f32, "matmul takes rank-2 f32 tensors")
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(k == k2, "matmul: inner dimensions \(k) and \(k2) differ")
        let out = Tensor(zeros: [m, n])
        a.withFloats { pa in b.withFloats { pb in out.withMutableFloats { pc in
            gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: pa.baseAddress!, lda: a.shape[1],
                 b: pb.baseAddress!, ldb: b.shape[1], c: pc.baseAddress!, ldc: n)
        } } }
        return out
    }

    /// Batched op(a)·op(b): [B,M,K]×[B,K,N] → [B,M,N]; a rank-2 operand is broadcast over the batch.
    public static func batched(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition((a.rank == 3 || a.rank == 2) && (b.rank == 3 || b.rank == 2) && (a.rank == 3 || b.rank == 3))
        let batch = a.rank == 3 ? a.shape[0] : b.shape[0]
        precondition(a.rank == 2 || b.rank == 2 || a.shape[0] == b.shape[0], "batched: batch sizes differ")
        let a2 = Array(a.shape.suffix(2)), b2 = Array(b.shape.suffix(2))
        let (m, k) = transposeA ? (a2[1], a2[0]) : (a2[0], a2[1])
        let (k2, n) = transposeB ? (b2[1], b2[0]) : (b2[0], b2[1])
        precondition(k == k2, "batched: inner dimensions \(k) and \(k2) differ")
        let out = Tensor(zeros: [batch, m, n])
        let strideA = a.rank == 3 ? a2[0] * a2[1] : 0, strideB = b.rank == 3 ? b2[0] * b2[1] : 0
        a.withFloats { pa in b.withFloats { pb in out.withMutableFloats { pc in
            for i in 0..<batch {
                gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                     a: pa.baseAddress! + i * strideA, lda: a2[1], b: pb.baseAddress! + i * strideB, ldb: b2[1],
                     c: pc.baseAddress! + i * m * n, ldc: n)
            }
        } } }
        return out
    }
}
