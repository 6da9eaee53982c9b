import CKernels
import COpenBLAS
import Foundation
import Tensors

/// bf16 weights streamed by the decode kernel: one 4096² matrix (hot: 32 MB, fits in L3 only partly) and eight
/// distinct ones (256 MB, cache-cold), next to the read bandwidth measured in the same run.
enum GemvBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let n = 4096
        let matrices = (0..<8).map { s in Tensor(shape: [n, n], floats: (0..<n * n).map { Float(($0 &* (s + 3)) % 101) * 1e-3 }).toBF16() }
        if BandwidthBenchmark.gbPerSecond.isEmpty { BandwidthBenchmark.run(&report) }
        for threads in [1, 2] {
            Parallel.setThreadCount(threads)
            for (rows, activations) in [(1, .f32), (2, .f32), (8, .f32), (2, .bf16), (4, .bf16), (8, .bf16)] as [(Int, ActivationPrecision)] {
                let x = Tensor(shape: [rows, n], floats: (0..<rows * n).map { Float($0 % 17) * 0.1 })
                let hot = medianSeconds(repeats: 20) { _ = Linear.apply(x, weight: matrices[0], activations: activations) }
                let cold = medianSeconds(repeats: 5) { for m in matrices { _ = Linear.apply(x, weight: m, activations: activations) } }
                let bytes = Double(n * n * 2)
                let coldGB = bytes * 8 / cold / 1e9
                let limit = BandwidthBenchmark.gbPerSecond[threads] ?? .nan
                report.add([("benchmark", "gemv_bf16"), ("rows", String(rows)), ("activations", activations.rawValue), ("threads", String(threads)),
                            ("hot_GB/s", format(bytes / hot / 1e9)), ("cold_GB/s", format(coldGB)),
                            ("read_bw_GB/s", format(limit)), ("cold_%_of_read_bw", format(100 * coldGB / limit))])
            }
        }
        Parallel.setThreadCount(2)
    }
}

extension Tensor {
    /// A bf16 copy (benchmark inputs only).
    func toBF16() -> Tensor {
        let out = Tensor(zeros: shape, dtype: .bf16)
        let src = toFloats()
        let p = out.rawPointer.assumingMemoryBound(to: UInt16.self)
        for i in 0..<src.count { p[i] = HalfPrecision.bf16Bits(from: src[i]) }
        return out
    }
}
