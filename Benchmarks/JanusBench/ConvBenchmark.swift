import CKernels
import COpenBLAS
import Foundation
import Tensors

/// The VQ decoder's convolution shapes (3×3, stride 1, pad 1) in GFLOP/s: f32 (shifted sgemm, and our AVX-512 kernel
/// where the CPU has it), bf16 on AMX tiles and bf16 dot products (where the CPU has them), alternated, medians of 3;
/// next to sgemm at 2048² in the same run.
/// `JANUS_BENCH_CONV_TILES=1` adds the f32 path per grid tile width.
enum ConvBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        var rng = NumpyRandom(seed: 5)
        let shapes = [(channels: 128, side: 384), (channels: 256, side: 192), (channels: 256, side: 96), (channels: 512, side: 48), (channels: 512, side: 24)]
        let saved = Conv2D.tileColumns
        defer { Conv2D.tileColumns = saved }
        for shape in shapes {
            let c = shape.channels, s = shape.side
            let x = Tensor(shape: [1, c, s, s], floats: (0..<c * s * s).map { _ in Float(rng.random() - 0.5) })
            let w = Tensor(shape: [c, c, 3, 3], floats: (0..<c * c * 9).map { _ in Float(rng.random() - 0.5) * 0.05 })
            let flops = 2.0 * 9 * Double(c * c) * Double(s * s)
            // The tile-width sweep of the f32 path only when asked (JANUS_BENCH_CONV_TILES=1); the default width
            // is timed below, alternated with the bf16 paths.
            let sweep = ProcessInfo.processInfo.environment["JANUS_BENCH_CONV_TILES"] == "1"
            for tile in sweep ? [1024, 2048, 4096, 8192] : [] {
                Conv2D.tileColumns = tile
                let t = medianSeconds(repeats: 3) { _ = Conv2D.apply(x, weight: w, options: Conv2D.Options(padding: 1)) }
                report.add([("benchmark", "conv3x3"), ("channels", String(c)), ("side", String(s)), ("tile_columns", String(tile)),
                            ("seconds", format(t, 3)), ("GFLOP/s", format(flops / t / 1e9))])
            }
            // bf16 weights and activations (--precision bf16): each setting the CPU has (AMX tiles, channel-pair dot
            // products, the f32 kernels on the rounded input), alternated; the table's choice is marked.
            let wb = w.toBF16()
            let chosen = Conv2D.bf16Path()
            var modes: [String] = []
            KernelDispatch.forEachBF16Setting { modes.append($0) }
            var times: [String: [Double]] = [:], paths: [String: String] = [:], f32Times: [Double] = [], directTimes: [Double] = []
            let direct = KernelDispatch.f32ConvDirect(taps: 9)
            for _ in 0..<3 {
                f32Times.append(KernelDispatch.withF32Direct(false) {
                    medianSeconds(repeats: 1) { _ = Conv2D.apply(x, weight: w, options: Conv2D.Options(padding: 1)) }
                })
                if direct {
                    directTimes.append(medianSeconds(repeats: 1) { _ = Conv2D.apply(x, weight: w, options: Conv2D.Options(padding: 1)) })
                }
                KernelDispatch.forEachBF16Setting { setting in
                    paths[setting] = Conv2D.bf16Path()
                    times[setting, default: []].append(medianSeconds(repeats: 1) {
                        _ = Conv2D.apply(x, weight: wb, options: Conv2D.Options(padding: 1), activations: .bf16)
                    })
                }
            }
            let tf = f32Times.sorted()[1]
            report.add([("benchmark", "conv3x3"), ("channels", String(c)), ("side", String(s)), ("path", "f32 shifted sgemm"),
                        ("seconds", format(tf, 4)), ("GFLOP/s", format(flops / tf / 1e9)), ("openblas_core", String(cString: openblas_get_corename()))])
            if direct {
                let td = directTimes.sorted()[1]
                report.add([("benchmark", "conv3x3"), ("channels", String(c)), ("side", String(s)), ("path", "f32 AVX-512 direct"),
                            ("seconds", format(td, 4)), ("GFLOP/s", format(flops / td / 1e9)), ("vs_sgemm", format(tf / td, 2))])
            }
            for mode in modes {
                let t = times[mode]!.sorted()[1]
                report.add([("benchmark", "conv3x3_bf16"), ("channels", String(c)), ("side", String(s)), ("path", paths[mode]!),
                            ("chosen", String(paths[mode]! == chosen)), ("seconds", format(t, 4)), ("GFLOP/s", format(flops / t / 1e9))])
            }
        }
        let n = 2048
        let a = Tensor(shape: [n, n], floats: (0..<n * n).map { _ in Float(rng.random()) })
        let t = medianSeconds(repeats: 3) { _ = Matmul.matmul(a, a) }
        report.add([("benchmark", "sgemm_2048"), ("threads", String(Parallel.threadCount)), ("GFLOP/s", format(2.0 * pow(Double(n), 3) / t / 1e9))])
    }
}
