import CKernels
import COpenBLAS
import Foundation
import Tensors

enum EnvironmentBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        report.add([("benchmark", "environment"), ("openblas_core", String(cString: openblas_get_corename())),
                    ("OPENBLAS_CORETYPE", env["OPENBLAS_CORETYPE"] ?? "(unset)"),
                    ("OPENBLAS_L2_SIZE", env["OPENBLAS_L2_SIZE"] ?? "(unset)"),
                    ("simd_level", KernelDispatch.levelName), ("cores", String(Parallel.threadCount))])
    }
}

/// Read bandwidth: sum a 1 GiB float array (C kernel, widest SIMD, eight accumulators), split in contiguous chunks
/// over the threads.
enum BandwidthBenchmark {
    static func measure(threads: Int) -> Double {
        let count = 1 << 28   // 1 GiB of f32
        let data = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { data.deallocate() }
        for i in 0..<count { data[i] = Float(i & 7) }
        Parallel.setThreadCount(threads)
        var sink: Float = 0
        let seconds = medianSeconds(repeats: 5) {
            let partial = UnsafeMutablePointer<Float>.allocate(capacity: threads)
            defer { partial.deallocate() }
            Parallel.forEachChunk(threads, minChunk: 1) { r in
                for t in r {
                    let lo = count / threads * t, hi = t == threads - 1 ? count : count / threads * (t + 1)
                    partial[t] = jk_read_sum(Int32(KernelDispatch.level), data + lo, hi - lo)
                }
            }
            sink += partial[0]
        }
        if sink == -1 { print(sink) }
        return Double(count * 4) / seconds / 1e9
    }

    nonisolated(unsafe) static var gbPerSecond: [Int: Double] = [:]

    static func run(_ report: inout BenchmarkReport) {
        for threads in [1, 2] {
            let gb = measure(threads: threads)
            gbPerSecond[threads] = gb
            report.add([("benchmark", "read_bandwidth"), ("threads", String(threads)), ("GB/s", format(gb))])
        }
        Parallel.setThreadCount(2)
    }
}

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
