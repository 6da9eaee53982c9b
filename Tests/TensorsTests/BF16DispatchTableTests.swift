import Tensors
import Testing
import TestSupport

/// The bf16 product table (`KernelDispatch.bf16Product`, issue 15): it only names kernels the CPU (and the level a
/// test forces) runs, follows the measured row rule, and every row count's bf16 product stays within bf16 rounding
/// of the f32 one.
@Suite(.serialized) struct BF16DispatchTableTests {
    @Test func theTableNamesOnlyKernelsThisCPURuns() {
        let rowCounts = [1, 2, 3, 7, 8, 9, 16, 64, 600]
        var seen: Set<String> = []
        for level in KernelDispatch.availableLevels {
            for amx in [true, false] {
                // The choices under this level and AMX setting, read inside the scope, checked outside it.
                let choices = KernelDispatch.withForcedLevel(level) {
                    KernelDispatch.withAMX(amx) { rowCounts.map { KernelDispatch.bf16Product(rows: $0, k: 2048) } }
                }
                let narrow = KernelDispatch.withForcedLevel(level) { KernelDispatch.withAMX(amx) { KernelDispatch.bf16Product(rows: 64, k: 2047) } }
                // K not in whole 32-column tiles never goes to AMX.
                #expect(narrow != .amxTiles)
                let amxUsable = KernelDispatch.hasAMX && amx && level >= 3, dotUsable = KernelDispatch.hasBF16Dot && level >= 3
                for (rows, product) in zip(rowCounts, choices) {
                    seen.insert(product.rawValue)
                    if rows == 1 { #expect(product == .f32OnRounded, "one row is memory-bound: the f32 kernel") }
                    if product == .amxTiles { #expect(amxUsable && rows >= Linear.amxMinRows) }
                    if product == .dotProducts || product == .bf16GEMM { #expect(dotUsable) }
                    if !dotUsable && !amxUsable { #expect(product == .f32OnRounded, "level \(level) rows \(rows)") }
                    if amxUsable && rows >= Linear.amxMinRows { #expect(product == .amxTiles) }
                }
            }
        }
        print("bf16 products exercised on this CPU: \(seen.sorted().joined(separator: ", "))")
    }

    @Test func everyRowCountStaysWithinBF16RoundingOfF32() {
        var rng = TestRandom(seed: 1515)
        let n = 96, k = 512
        let weight = Tensor(zeros: [n, k], dtype: .bf16)
        rng.floats(n * k).map { HalfPrecision.bf16Bits(from: $0) }.withUnsafeBytes {
            weight.rawPointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count)
        }
        for rows in [1, 2, 5, 8, 9, 33] {
            let x = Tensor(shape: [rows, k], floats: rng.floats(rows * k))
            let exact = Linear.apply(x, weight: weight).toFloats()
            let rounded = Linear.apply(x, weight: weight, activations: .bf16).toFloats()
            let nmse = NumericComparison.nmse(rounded, exact)
            #expect(nmse < 1e-4, "\(rows) rows via \(KernelDispatch.bf16Product(rows: rows, k: k).rawValue): NMSE \(nmse)")
        }
    }
}
