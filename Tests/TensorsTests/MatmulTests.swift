import Tensors
import Testing
import TestSupport

@Suite(.serialized) struct MatmulTests {
    @Test func handCheckedTwoByThree() {
        let a = Tensor(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], floats: [7, 8, 9, 10, 11, 12])
        #expect(Matmul.matmul(a, b).toFloats() == [58, 64, 139, 154])
        #expect(Matmul.matmul(a, a, transposeB: true).toFloats() == [14, 32, 32, 77])
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func everyTransposeAgainstNaive(transposes: (Bool, Bool)) {
        var rng = TestRandom(seed: 1)
        let (m, n, k) = (37, 29, 53)
        let a = rng.floats(m * k), b = rng.floats(k * n)
        let ta = Tensor(shape: transposes.0 ? [k, m] : [m, k], floats: a)
        let tb = Tensor(shape: transposes.1 ? [n, k] : [k, n], floats: b)
        let got = Matmul.matmul(ta, tb, transposeA: transposes.0, transposeB: transposes.1).toFloats()
        let want = Naive.matmul(a, b, m: m, n: n, k: k, transposeA: transposes.0, transposeB: transposes.1)
        let e = NumericComparison.nmse(got, want)
        print("sgemm transposeA=\(transposes.0) transposeB=\(transposes.1): NMSE \(e)")
        #expect(e <= 1e-7)
    }

    @Test func batchedWithBroadcast() {
        var rng = TestRandom(seed: 2)
        let (batch, m, n, k) = (3, 5, 4, 7)
        let a = rng.floats(batch * m * k), b = rng.floats(k * n)
        let got = Matmul.batched(Tensor(shape: [batch, m, k], floats: a), Tensor(shape: [k, n], floats: b)).toFloats()
        var want: [Float] = []
        for i in 0..<batch {
            want += Naive.matmul(Array(a[i * m * k..<(i + 1) * m * k]), b, m: m, n: n, k: k, transposeA: false, transposeB: false)
        }
        #expect(NumericComparison.nmse(got, want) <= 1e-7)
        let bt = rng.floats(batch * n * k)
        let got2 = Matmul.batched(Tensor(shape: [batch, m, k], floats: a), Tensor(shape: [batch, n, k], floats: bt), transposeB: true).toFloats()
        var want2: [Float] = []
        for i in 0..<batch {
            want2 += Naive.matmul(Array(a[i * m * k..<(i + 1) * m * k]), Array(bt[i * n * k..<(i + 1) * n * k]), m: m, n: n, k: k,
                                  transposeA: false, transposeB: true)
        }
        #expect(NumericComparison.nmse(got2, want2) <= 1e-7)
    }

    /// Products large enough to tile, wide and tall, every transpose: bit for bit the same with 1 and 2 threads, and
    /// against the naive product (the convolutions' im2col path and Mask2Former's mask logits go through this).
    @Test(arguments: [(96, 1500, 70, false, false), (1300, 40, 90, true, false), (64, 700, 300, false, true), (900, 200, 33, true, true)])
    func fixedTilesDoNotDependOnThreadCount(shape: (Int, Int, Int, Bool, Bool)) {
        let (m, n, k, ta, tb) = shape
        var rng = TestRandom(seed: 5)
        let a = rng.floats(m * k), b = rng.floats(k * n)
        let x = Tensor(shape: ta ? [k, m] : [m, k], floats: a), y = Tensor(shape: tb ? [n, k] : [k, n], floats: b)
        let before = Parallel.threadCount
        defer { Parallel.setThreadCount(before) }
        Parallel.setThreadCount(1)
        let one = Matmul.matmul(x, y, transposeA: ta, transposeB: tb).toFloats()
        Parallel.setThreadCount(2)
        let two = Matmul.matmul(x, y, transposeA: ta, transposeB: tb).toFloats()
        let differing = zip(one, two).filter { $0 != $1 }.count
        #expect(differing == 0, "\(m)×\(n)×\(k): \(differing) outputs depend on the thread count")
        let e = NumericComparison.nmse(two, Naive.matmul(a, b, m: m, n: n, k: k, transposeA: ta, transposeB: tb))
        #expect(e <= 1e-7, "\(m)×\(n)×\(k): NMSE \(e)")
    }

    /// The check `janus-eval` runs after re-executing into the core it prefers (Cooperlake on this Intel Xeon) must
    /// pass on the core this process has; CI runs with the detected one, and `OPENBLAS_CORETYPE=Cooperlake swift test`
    /// passes every test too (2026-12-01).
    @Test func openBLASSelfCheckPassesOnTheLoadedCore() {
        #expect(OpenBLASCoreChoice.sgemmSelfCheck() == nil, "core \(MachineInfo.openBLASCore)")
        if KernelDispatch.hasBF16Dot { #expect(OpenBLASCoreChoice.preferredCore == "Cooperlake") }
    }

    @Test func emptyInnerDimensionGivesZeros() {
        let out = Matmul.matmul(Tensor(zeros: [2, 0]), Tensor(zeros: [0, 3]))
        #expect(out.toFloats() == [0, 0, 0, 0, 0, 0])
    }
}

/// Linear with weights in their stored dtype: every dispatch level, decode and prefill paths, bias,
/// odd sizes, and thread-count independence.
@Suite(.serialized) struct HalfWeightLinearTests {
    static let shapes: [(m: Int, n: Int, k: Int)] = [(1, 67, 131), (2, 64, 256), (8, 33, 45), (3, 1, 17), (20, 300, 72), (1, 5, 1)]

    @Test(arguments: [DType.f32, .bf16, .f16])
    func matchesNaiveOnEveryLevel(dtype: DType) {
        var rng = TestRandom(seed: 3)
        for level in KernelDispatch.availableLevels {
            KernelDispatch.withForcedLevel(level) {
                var worst = 0.0
                for (m, n, k) in Self.shapes {
                    let x = rng.floats(m * k), wValues = rng.floats(n * k), bias = rng.floats(n)
                    let w = Tensor.make(wValues, shape: [n, k], dtype: dtype)
                    let stored = w.toFloats()        // the values the kernel must use (rounded to the dtype)
                    let got = Linear.apply(Tensor(shape: [m, k], floats: x), weight: w, bias: Tensor(shape: [n], floats: bias)).toFloats()
                    var want = Naive.matmul(x, stored, m: m, n: n, k: k, transposeA: false, transposeB: true)
                    for i in 0..<m { for j in 0..<n { want[i * n + j] += bias[j] } }
                    let e = NumericComparison.nmse(got, want)
                    #expect(e <= 1e-7, "\(dtype) level \(level) m=\(m) n=\(n) k=\(k): NMSE \(e)")
                    worst = max(worst, e)
                }
                print("Linear \(dtype) level \(level) (\(KernelDispatch.levelName)): worst NMSE \(worst) over \(Self.shapes.count) shapes")
            }
        }
    }

    @Test func bf16WeightsStayBF16AndHandCheck() {
        // W = [[1, 2], [0.5, -1]] in bf16, x = [3, 4] → [11, -2.5]
        let w = Tensor.make([1, 2, 0.5, -1], shape: [2, 2], dtype: .bf16)
        #expect(Linear.apply(Tensor(shape: [1, 2], floats: [3, 4]), weight: w).toFloats() == [11, -2.5])
        #expect(w.dtype == .bf16)
    }

    @Test(arguments: [1, 4, 16])
    func resultsDoNotDependOnThreadCount(rows: Int) {
        var rng = TestRandom(seed: 4)
        let (n, k) = (515, 384)
        let x = Tensor(shape: [rows, k], floats: rng.floats(rows * k))
        let w = Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16)
        let before = Parallel.threadCount
        defer { Parallel.setThreadCount(before) }
        Parallel.setThreadCount(1)
        let one = Linear.apply(x, weight: w).toFloats()
        Parallel.setThreadCount(2)
        let two = Linear.apply(x, weight: w).toFloats()
        #expect(one == two)
    }

    @Test(arguments: [1, 2, 5, 8, 12])
    func fusedProductsEqualSeparateOnesBitForBit(rows: Int) {
        // q/k/v-like weights of different heights sharing one input, at every SIMD level this CPU runs.
        var rng = TestRandom(seed: 9)
        let k = 320
        let x = Tensor(shape: [rows, k], floats: rng.floats(rows * k))
        let weights = [515, 64, 130].map { n in Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16) }
        for level in KernelDispatch.availableLevels {
            KernelDispatch.withForcedLevel(level) {
                for precision in ActivationPrecision.allCases {
                    let fused = Linear.applyMany(x, weights: weights, activations: precision)
                    for (i, w) in weights.enumerated() {
                        #expect(fused[i].shape == [rows, w.shape[0]])
                        #expect(fused[i].toFloats() == Linear.apply(x, weight: w, activations: precision).toFloats(),
                                "level \(level), \(precision), weight \(i)")
                    }
                }
            }
        }
    }

    @Test(arguments: [9, 50, 97])
    func bf16ManyRowsOnTheF32KernelEqualTheProductOfTheRoundedCopy(rows: Int) {
        // Where the f32 kernel serves --precision bf16 past 8 rows (CPUs whose bf16 dot products do not outrun the
        // f32 FMAs), the activations are rounded as they are packed, once for all the weights sharing them: the bits
        // of the f32 product of HalfPrecision.roundedToBF16(x), whatever the specials (NaN, ±inf, ties, tiny values).
        var rng = TestRandom(seed: 57)
        let k = 330
        var values = rng.floats(rows * k).map { $0 * 7 }
        let specials: [Float] = [.nan, .infinity, -.infinity, 1 + 0x1p-8, 1 + 3 * 0x1p-8, 0x1p-130, -0.0, 3.0e38]
        for (i, v) in specials.enumerated() { values[i * 37 % values.count] = v }
        let x = Tensor(shape: [rows, k], floats: values)
        let weights = [515, 64].map { n in Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16) }
        let bias = Tensor(shape: [515], floats: rng.floats(515))
        let rounded = HalfPrecision.roundedToBF16(x)
        func differing(_ a: [Float], _ b: [Float]) -> Int { a.count == b.count ? zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count : -1 }
        KernelDispatch.withAMX(false) { KernelDispatch.withComputeBoundBF16Dots(false) {
            #expect(KernelDispatch.bf16Product(rows: rows, k: k) == .f32OnRounded)
            let one = Linear.apply(x, weight: weights[0], bias: bias, activations: .bf16).toFloats()
            #expect(differing(one, Linear.apply(rounded, weight: weights[0], bias: bias).toFloats()) == 0)
            let many = Linear.applyMany(x, weights: weights, activations: .bf16).map { $0.toFloats() }
            let manyF32 = Linear.applyMany(rounded, weights: weights).map { $0.toFloats() }
            for i in weights.indices {
                let alone = Linear.apply(rounded, weight: weights[i]).toFloats()
                #expect(differing(many[i], alone) == 0, "weight \(i), --precision bf16")
                #expect(differing(manyF32[i], alone) == 0, "weight \(i), f32 sharing one packing")
            }
        } }
    }

    @Test(arguments: [1, 2, 3, 5, 6, 7, 8, 16], [330, 4110])
    func bf16ActivationsEqualTheProductOfRoundedInputs(rows: Int, k: Int) {
        // .bf16 rounds the activations to bf16 (nearest, ties to even) and then multiplies: compare with a Double
        // product of the rounded inputs, on every path (bf16 dot products for 2–8 rows and the bf16 GEMM for 16
        // where the CPU has them, the f32 kernels and sgemm tiles at the forced lower levels), with tails in N (515) and K (330, 4110: the dot-product
        // kernel's two blockings, short K in 16-row groups, long K in one pass of 3 weight rows).
        var rng = TestRandom(seed: 21)
        let n = 515
        let x = rng.floats(rows * k).map { $0 * 3 }
        let w = Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16), bias = rng.floats(n)
        let rounded = x.map { Float(bitPattern: UInt32(HalfPrecision.bf16Bits(from: $0)) << 16) }
        let wf = w.toFloats()
        var want = [Float](repeating: 0, count: rows * n)
        for i in 0..<rows { for j in 0..<n {
            var s = Double(bias[j])
            for t in 0..<k { s += Double(rounded[i * k + t]) * Double(wf[j * k + t]) }
            want[i * n + j] = Float(s)
        } }
        for level in KernelDispatch.availableLevels {
            KernelDispatch.withForcedLevel(level) {
                let got = Linear.apply(Tensor(shape: [rows, k], floats: x), weight: w, bias: Tensor(shape: [n], floats: bias),
                                       activations: .bf16).toFloats()
                let e = NumericComparison.nmse(got, want)
                print("bf16 activations, \(rows) rows, K \(k), level \(level)\(level == 3 && rows >= 2 && KernelDispatch.hasBF16Dot ? (rows <= Linear.gemvRowLimit ? " (bf16 dot products)" : " (bf16 GEMM)") : ""): NMSE \(e)")
                #expect(e <= 1e-12, "\(NumericComparison.describeDivergence(got, want))")
                // Independent of the thread count.
                let before = Parallel.threadCount
                Parallel.setThreadCount(1)
                let one = Linear.apply(Tensor(shape: [rows, k], floats: x), weight: w, activations: .bf16).toFloats()
                Parallel.setThreadCount(2)
                let two = Linear.apply(Tensor(shape: [rows, k], floats: x), weight: w, activations: .bf16).toFloats()
                Parallel.setThreadCount(before)
                #expect(one == two)
            }
        }
        // f32 weights ignore the setting.
        let wf32 = Tensor(shape: [n, k], floats: wf), xt = Tensor(shape: [rows, k], floats: x)
        #expect(Linear.apply(xt, weight: wf32, activations: .bf16).toFloats() == Linear.apply(xt, weight: wf32).toFloats())
    }

    @Test func manyRowBF16ProductsRoundWhilePackingAsTheScalarRule() {
        // The many-row bf16 product rounds its activations while it packs them into token panels: through an identity
        // weight every output is the rounded activation itself (one exact product, exact zeros), so ties, signs and
        // tails (34 = 17 pairs, 20 tokens of a 48-token panel) must come out bit for bit (not −0: the sums start at
        // +0). Several weights reading the same rows share one packing; each equals its product alone. A NaN poisons
        // its own row only.
        var rng = TestRandom(seed: 43)
        let rows = 20, k = 34
        var x = rng.floats(rows * k).map { $0 * 1e3 }
        let specials: [Float] = [0, 1 + 0x1p-8, 1 + 3 * 0x1p-8, -1 - 0x1p-8 - 0x1p-20, 0x1p-100, 3.0e38, -2.5e-30]
        for (i, v) in specials.enumerated() { x[i * 5] = v }
        let eye = (0..<k * k).map { $0 / k == $0 % k ? Float(1) : 0 }
        let w = Tensor.make(eye, shape: [k, k], dtype: .bf16), w2 = Tensor.make(eye.map { $0 * 2 }, shape: [k, k], dtype: .bf16)
        let want = x.map { Float(bitPattern: UInt32(HalfPrecision.bf16Bits(from: $0)) << 16) }
        for level in KernelDispatch.availableLevels {
            KernelDispatch.withForcedLevel(level) { KernelDispatch.forEachBF16Setting { setting in
                let path = KernelDispatch.bf16Product(rows: rows, k: k)
                let xt = Tensor(shape: [rows, k], floats: x)
                let got = Linear.apply(xt, weight: w, activations: .bf16).toFloats()
                let differing = zip(got, want).filter { $0.bitPattern != $1.bitPattern }.count
                print("bf16 products of \(rows) rows through an identity weight, level \(level), \(setting) (\(path.rawValue)): \(differing) values differ from the rounded activations")
                #expect(differing == 0)
                let both = Linear.applyMany(xt, weights: [w, w2], activations: .bf16).map { $0.toFloats() }
                #expect(both[0] == got)
                #expect(both[1] == Linear.apply(xt, weight: w2, activations: .bf16).toFloats())
                var poisoned = x
                poisoned[3 * k + 7] = .nan
                let p = Linear.apply(Tensor(shape: [rows, k], floats: poisoned), weight: w, activations: .bf16).toFloats()
                #expect(p[(3 * k)..<(4 * k)].allSatisfy { $0.isNaN })
                #expect(Array(p[..<(3 * k)]) == Array(got[..<(3 * k)]) && Array(p[(4 * k)...]) == Array(got[(4 * k)...]))
            } }
        }
    }

    @Test func bf16RoundingIsNearestTiesToEven() {
        func bits(_ v: Float) -> UInt16 { HalfPrecision.bf16Bits(from: v) }
        #expect(bits(1) == 0x3F80)
        #expect(bits(1 + 0x1p-8) == 0x3F80)              // halfway, even neighbour below
        #expect(bits(1 + 3 * 0x1p-8) == 0x3F82)          // halfway, even neighbour above
        #expect(bits(1 + 0x1p-8 + 0x1p-20) == 0x3F81)    // just past halfway
        #expect(bits(-1 - 0x1p-8 - 0x1p-20) == 0xBF81)
        #expect(bits(.infinity) == 0x7F80 && bits(-.infinity) == 0xFF80)
        #expect(bits(.greatestFiniteMagnitude) == 0x7F80)  // rounds to infinity, as torch does
        #expect(Float(bitPattern: UInt32(bits(.nan)) << 16).isNaN)
        // The SIMD kernel rounds every value as the scalar rule does, at every level (ties, denormals, infinities,
        // NaNs with payloads, a tail shorter than a vector).
        var rng = TestRandom(seed: 41)
        var values: [Float] = [0, -0, 1 + 0x1p-8, 1 + 3 * 0x1p-8, .leastNonzeroMagnitude, -.leastNormalMagnitude * 0.75,
                               .infinity, -.infinity, .greatestFiniteMagnitude, .nan, -.nan,
                               Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFC1_2345), Float(bitPattern: 0x3F80_8000)]
        values += rng.floats(1000).map { $0 * 1e3 }
        values += (0..<200).map { Float(bitPattern: UInt32($0) &* 0x0131_7F3B) }
        let want = values.map { bits($0) }
        for level in KernelDispatch.availableLevels {
            KernelDispatch.withForcedLevel(level) {
                let got = values.withUnsafeBufferPointer { HalfPrecision.bf16Bits(from: $0.baseAddress!, count: values.count) }
                #expect(got == want, "level \(level): \(zip(got, want).enumerated().filter { $0.element.0 != $0.element.1 }.prefix(3).map { ($0.offset, values[$0.offset].bitPattern) })")
            }
        }
    }
}
