import CKernels
import COpenBLAS
import Foundation
import Tensors

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
