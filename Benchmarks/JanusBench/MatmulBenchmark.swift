import CKernels
import COpenBLAS
import Foundation
import Tensors

enum MatmulBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        for threads in [1, 2] {
            Parallel.setThreadCount(threads)
            for n in [1024, 2048] {
                let a = Tensor(shape: [n, n], floats: (0..<n * n).map { Float($0 % 13) * 0.01 })
                let b = Tensor(shape: [n, n], floats: (0..<n * n).map { Float($0 % 7) * 0.01 })
                let flops = 2.0 * Double(n) * Double(n) * Double(n)
                let c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
                // Alternate the two so that machine noise hits both alike; medians of 9 each.
                var oursTimes: [Double] = [], rawTimes: [Double] = [], allocTimes: [Double] = []
                for _ in 0..<9 {
                    allocTimes.append(medianSeconds(repeats: 1) { _ = Matmul.matmul(a, b) })
                    oursTimes.append(medianSeconds(repeats: 1) {
                        a.withFloats { pa in b.withFloats { pb in
                            Matmul.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, a: pa.baseAddress!, lda: n,
                                        b: pb.baseAddress!, ldb: n, c: c, ldc: n)
                        } }
                    })
                    rawTimes.append(medianSeconds(repeats: 1) {
                        a.withFloats { pa in b.withFloats { pb in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, pa.baseAddress, Int32(n),
                                        pb.baseAddress, Int32(n), 0, c, Int32(n))
                        } }
                    })
                }
                c.deallocate()
                let ours = oursTimes.sorted()[4], raw = rawTimes.sorted()[4], alloc = allocTimes.sorted()[4]
                report.add([("benchmark", "sgemm"), ("n", String(n)), ("threads", String(threads)),
                            ("wrapper_GFLOPs", format(flops / ours / 1e9)), ("raw_cblas_GFLOPs", format(flops / raw / 1e9)),
                            ("wrapper_ratio_%", format(100 * raw / ours)),
                            ("allocating_matmul_GFLOPs", format(flops / alloc / 1e9)), ("allocating_ratio_%", format(100 * raw / alloc))])
            }
        }
        Parallel.setThreadCount(2)
    }
}
