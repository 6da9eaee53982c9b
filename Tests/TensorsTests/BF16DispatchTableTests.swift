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

    /// Past the gemv rows the AVX512-BF16 GEMM serves only where its dot products outrun f32 FMAs (AMD; on the Intel
    /// cores they run at half the f32 flops): elsewhere the f32 kernel on the rounded values, whichever is forced.
    @Test func computeBoundProductsFollowTheDotRate() {
        print("AVX512-BF16 dot products outrun f32 FMAs here: \(KernelDispatch.bf16DotsOutrunFMA) (\(MachineInfo.cpuModel))")
        KernelDispatch.withAMX(false) {
            let chosen = KernelDispatch.bf16Product(rows: 600, k: 2048)
            let dots = KernelDispatch.hasBF16Dot && KernelDispatch.level >= 3
            #expect(chosen == (dots && KernelDispatch.bf16DotsOutrunFMA ? .bf16GEMM : .f32OnRounded))
            #expect(KernelDispatch.withComputeBoundBF16Dots(true) { KernelDispatch.bf16Product(rows: 600, k: 2048) } == (dots ? .bf16GEMM : .f32OnRounded))
            #expect(KernelDispatch.withComputeBoundBF16Dots(false) { KernelDispatch.bf16Product(rows: 600, k: 2048) } == .f32OnRounded)
            // The memory-bound rows keep their dot products either way.
            for forced in [true, false] {
                #expect(KernelDispatch.withComputeBoundBF16Dots(forced) { KernelDispatch.bf16Product(rows: 8, k: 2048) } == (dots ? .dotProducts : .f32OnRounded))
            }
            let convPath = KernelDispatch.withComputeBoundBF16Dots(false) { Conv2D.bf16Path() }
            #expect(convPath.hasPrefix("f32 kernels on rounded input"))
        }
    }

    /// The register-only rates behind `bf16DotsOutrunFMA` are measurable on this CPU (`janus-bench dotrate`).
    @Test func theDotAndFMARatesAreMeasurable() {
        let fma = KernelDispatch.peakGFLOPS(bf16Dot: false, iterations: 200_000)
        let dot = KernelDispatch.peakGFLOPS(bf16Dot: true, iterations: 200_000)
        print("one core, register-only: VDPBF16PS \(dot) GFLOP/s, FMA \(fma) GFLOP/s")
        if KernelDispatch.detectedLevel >= 3 { #expect(fma > 1) } else { #expect(fma == 0) }
        if KernelDispatch.hasBF16Dot { #expect(dot > 1) } else { #expect(dot == 0) }
    }

    @Test func everyRowCountStaysWithinBF16RoundingOfF32() {
        KernelDispatch.forEachBF16Setting { setting in rowCountsStayWithinBF16Rounding(setting) }
    }

    func rowCountsStayWithinBF16Rounding(_ setting: String) {
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
            #expect(nmse < 1e-4, "\(setting), \(rows) rows via \(KernelDispatch.bf16Product(rows: rows, k: k).rawValue): NMSE \(nmse)")
        }
    }
}
