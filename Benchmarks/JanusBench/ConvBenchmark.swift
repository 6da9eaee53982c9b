import CKernels
import COpenBLAS
import Foundation
import Tensors

/// The VQ decoder's heaviest convolution shapes (3×3, stride 1, pad 1) in GFLOP/s, per grid tile width of the
/// shifted-GEMM path, next to sgemm at 2048² in the same run.
enum ConvBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        var rng = NumpyRandom(seed: 5)
        let shapes = [(channels: 128, side: 384), (channels: 256, side: 192), (channels: 512, side: 48)]
        let saved = Conv2D.tileColumns
        defer { Conv2D.tileColumns = saved }
        for shape in shapes {
            let c = shape.channels, s = shape.side
            let x = Tensor(shape: [1, c, s, s], floats: (0..<c * s * s).map { _ in Float(rng.random() - 0.5) })
            let w = Tensor(shape: [c, c, 3, 3], floats: (0..<c * c * 9).map { _ in Float(rng.random() - 0.5) * 0.05 })
            let flops = 2.0 * 9 * Double(c * c) * Double(s * s)
            for tile in [1024, 2048, 4096, 8192] {
                Conv2D.tileColumns = tile
                let t = medianSeconds(repeats: 3) { _ = Conv2D.apply(x, weight: w, options: Conv2D.Options(padding: 1)) }
                report.add([("benchmark", "conv3x3"), ("channels", String(c)), ("side", String(s)), ("tile_columns", String(tile)),
                            ("seconds", format(t, 3)), ("GFLOP/s", format(flops / t / 1e9))])
            }
            // bf16 weights and activations (--precision bf16: channel-pair dot products where the CPU has them).
            let wb = w.toBF16()
            let t = medianSeconds(repeats: 3) { _ = Conv2D.apply(x, weight: wb, options: Conv2D.Options(padding: 1), activations: .bf16) }
            report.add([("benchmark", "conv3x3_bf16"), ("channels", String(c)), ("side", String(s)),
                        ("seconds", format(t, 3)), ("GFLOP/s", format(flops / t / 1e9))])
        }
        let n = 2048
        let a = Tensor(shape: [n, n], floats: (0..<n * n).map { _ in Float(rng.random()) })
        let t = medianSeconds(repeats: 3) { _ = Matmul.matmul(a, a) }
        report.add([("benchmark", "sgemm_2048"), ("threads", String(Parallel.threadCount)), ("GFLOP/s", format(2.0 * pow(Double(n), 3) / t / 1e9))])
    }
}
