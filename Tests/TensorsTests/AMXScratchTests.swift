import Foundation
import Testing
import Tensors
import TestSupport

/// The AMX product's buffers (packed activations, accumulators, weight slices) are reused, never leaked: 150 products
/// of 600 × 5632 activations (6.8 MB packed each) must not grow the resident set by anything like 150 × 6.8 MB.
@Suite struct AMXScratchTests {
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test func repeatedProductsKeepTheirMemory() {
        let m = 600, k = 5632, n = 64
        var rng = TestRandom(seed: 41)
        let x = Tensor(shape: [m, k], floats: rng.floats(m * k))
        let w = Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16)
        _ = KernelDispatch.withAMX(true) { Linear.apply(x, weight: w, activations: .bf16) }
        let before = Self.residentBytes()
        for _ in 0..<150 { _ = KernelDispatch.withAMX(true) { Linear.apply(x, weight: w, activations: .bf16) } }
        let grown = Self.residentBytes() - before
        print("AMX \(KernelDispatch.amxActive ? "on" : "absent"): resident set grew \(grown >> 20) MB over 150 products")
        #expect(grown < 100 << 20, "resident set grew \(grown >> 20) MB")
    }

    /// Several weights of one width in one AMX job (q, k, v): the activations packed once, the weights' units shared by
    /// the threads without a barrier between weights — every output equal to the weight's product alone, bit for bit,
    /// at 1 and 2 threads.
    @Test(arguments: [17, 130])
    func severalWeightsInOneJobEqualEachAlone(rows: Int) {
        var rng = TestRandom(seed: 43)
        let k = 256
        let x = Tensor(shape: [rows, k], floats: rng.floats(rows * k))
        let weights = [515, 256, 40].map { Tensor.make(rng.floats($0 * k), shape: [$0, k], dtype: .bf16) }
        KernelDispatch.withAMX(true) {
            let alone = weights.map { Linear.apply(x, weight: $0, activations: .bf16).toFloats() }
            let before = Parallel.threadCount
            defer { Parallel.setThreadCount(before) }
            for threads in [1, 2] {
                Parallel.setThreadCount(threads)
                let together = Linear.applyMany(x, weights: weights, activations: .bf16).map { $0.toFloats() }
                for (a, b) in zip(alone, together) {
                    #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(rows) rows, \(threads) threads, AMX \(KernelDispatch.amxActive)")
                }
            }
        }
    }
}
