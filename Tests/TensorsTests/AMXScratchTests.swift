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
}
