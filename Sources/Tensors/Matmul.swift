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

    /// `gemm` whose every output is the same whatever the thread count or the callers running beside it, for callers
    /// that do not tile the product themselves (Linear and the 3×3 convolutions keep their own fixed tiles).
    public static func gemmFixedTiles(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                                      c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else {
            return gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                        b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
        // Fixed tiles, each a single-threaded sgemm, in parallel over the tiles: OpenBLAS's own threading splits a
        // product by the thread count in force and its results differ in the last bits between splits (measured:
        // Mask2Former scores up to 6e-7 apart between --threads 1 and 2). Tile bounds depend on the shape only, so
        // every output is the same whatever the thread count or the callers running beside it (small products run as one
        // tile; inside another parallel job the tiles run inline).
        let tile = Self.tile
        let alongColumns = n >= m
        let tiles = ((alongColumns ? n : m) + tile - 1) / tile
        Parallel.withBLASThreads(1) {
            if tiles == 1 || m * n * k < Self.minimumTiledWork {
                cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
                return
            }
            Parallel.forEachChunk(tiles) { range in
                for t in range {
                    let lo = t * tile
                    if alongColumns {
                        let width = min(n, lo + tile) - lo
                        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                    Int32(m), Int32(width), Int32(k), alpha, a, Int32(lda), transposeB ? b + lo * ldb : b + lo,
                                    Int32(ldb), beta, c + lo, Int32(ldc))
                    } else {
                        let height = min(m, lo + tile) - lo
                        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                    Int32(height), Int32(n), Int32(k), alpha, transposeA ? a + lo : a + lo * lda, Int32(lda), b,
                                    Int32(ldb), beta, c + lo * ldc, Int32(ldc))
                    }
                }
            }
        }
    }

    /// Columns (or rows, when the product is taller than wide) per tile of `gemmFixedTiles`: at least 8 tiles from 1,024 columns
    /// keeps two threads within 1/8 of even; packing the other operand once per tile costs ~1 % at these widths.
    static let tile = 128
    /// Multiply-adds below which a product runs as one tile (thread hand-off would cost more than it saves).
    static let minimumTiledWork = 1 << 21

    /// op(a)·op(b) for rank-2 f32 tensors.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2 && a.dtype == .f32 && b.dtype == .f32, "matmul takes rank-2 f32 tensors")
        let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(k == k2, "matmul: inner dimensions \(k) and \(k2) differ")
        let out = Tensor(zeros: [m, n])
        a.withFloats { pa in b.withFloats { pb in out.withMutableFloats { pc in
            gemmFixedTiles(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: pa.baseAddress!, lda: a.shape[1],
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
                gemmFixedTiles(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                               a: pa.baseAddress! + i * strideA, lda: a2[1], b: pb.baseAddress! + i * strideB, ldb: b2[1],
                     c: pc.baseAddress! + i * m * n, ldc: n)
            }
        } } }
        return out
    }
}
