import Foundation
import Testing
import Tensors
import TestSupport

/// The AMX bf16 tile product against a Double product of the rounded inputs, with AMX on and off (the AVX-512
/// paths it replaces, with their compute-bound AVX512-BF16 kernels on and off), tails in N (515 = 16·32 + 3) and M
/// (17, 48), and K in whole tiles (64, 2048). A CPU without AMX runs the other settings, and the test says which.
@Suite struct AMXProductTests {
    @Test(arguments: [2, 8, 17, 48, 100], [64, 2048])
    func amxEqualsTheProductOfRoundedInputs(rows: Int, k: Int) {
        var rng = TestRandom(seed: 33)
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
        let xt = Tensor(shape: [rows, k], floats: x), bt = Tensor(shape: [n], floats: bias)
        KernelDispatch.forEachBF16Setting { setting in
            do {
                let path = "\(setting): \(KernelDispatch.bf16Product(rows: rows, k: k).rawValue)"
                let got = Linear.apply(xt, weight: w, bias: bt, activations: .bf16).toFloats()
                let e = NumericComparison.nmse(got, want)
                print("bf16 product \(rows)×\(k)·\(n), \(path): NMSE \(e)")
                #expect(e <= 1e-12, "\(path): \(NumericComparison.describeDivergence(got, want))")
                let before = Parallel.threadCount
                Parallel.setThreadCount(1)
                let one = Linear.apply(xt, weight: w, bias: bt, activations: .bf16).toFloats()
                Parallel.setThreadCount(2)
                let two = Linear.apply(xt, weight: w, bias: bt, activations: .bf16).toFloats()
                Parallel.setThreadCount(before)
                let differing = zip(one, two).filter { $0 != $1 }.count + zip(one, got).filter { $0 != $1 }.count
                #expect(differing == 0, "\(path): \(differing) outputs depend on the thread count")
            }
        }
    }

    /// The kernel's blocking (weight super-blocks of 8 × 32 rows, K passes of 8 × 32, the copied weight slices from 9
    /// activation block pairs on, the in-place loop below) against a Double product, on shapes that end inside each
    /// block: rows that leave a last 16-row block alone or part-filled (8, 17, 33, 100, 290 = 18 blocks + 2 rows, 600),
    /// weights ending inside a 32-row block and inside a super-block (33, 515, 1000), and K in whole 32-column
    /// blocks that end inside a pass (32, 96, 288). With and without a bias; the same bits at 1 and 2 threads, and
    /// each row the same bits whatever rows it is multiplied with (the leading rows alone, as a reused prompt
    /// prefix computes them).
    @Test(arguments: [8, 17, 33, 100, 290, 600], [(n: 33, k: 32), (n: 515, k: 96), (n: 1000, k: 288)])
    func amxBlockingEqualsTheProductOfRoundedInputs(rows: Int, shape: (n: Int, k: Int)) {
        let (n, k) = shape
        var rng = TestRandom(seed: UInt64(37 + rows * 7 + n + k))
        let x = rng.floats(rows * k).map { $0 * 3 }
        let w = Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16), bias = rng.floats(n)
        let rounded = x.map { Float(bitPattern: UInt32(HalfPrecision.bf16Bits(from: $0)) << 16) }
        let wf = w.toFloats()
        var products = [Double](repeating: 0, count: rows * n)
        for i in 0..<rows { for j in 0..<n {
            var s = 0.0
            for t in 0..<k { s += Double(rounded[i * k + t]) * Double(wf[j * k + t]) }
            products[i * n + j] = s
        } }
        let xt = Tensor(shape: [rows, k], floats: x), bt = Tensor(shape: [n], floats: bias)
        let path = KernelDispatch.amxActive && rows >= Linear.amxMinRows ? "AMX tiles" : "no AMX (\(KernelDispatch.levelName))"
        for withBias in [true, false] {
            let want = (0..<rows * n).map { Float(products[$0] + (withBias ? Double(bias[$0 % n]) : 0)) }
            let b = withBias ? bt : nil
            let got = Linear.apply(xt, weight: w, bias: b, activations: .bf16).toFloats()
            let e = NumericComparison.nmse(got, want)
            print("bf16 product \(rows)×\(k)·\(n)\(withBias ? " + bias" : ""), \(path): NMSE \(e)")
            #expect(e <= 1e-12, "\(path): \(NumericComparison.describeDivergence(got, want))")
            let before = Parallel.threadCount
            Parallel.setThreadCount(1)
            let one = Linear.apply(xt, weight: w, bias: b, activations: .bf16).toFloats()
            Parallel.setThreadCount(2)
            let two = Linear.apply(xt, weight: w, bias: b, activations: .bf16).toFloats()
            Parallel.setThreadCount(before)
            let differing = zip(one, two).filter { $0 != $1 }.count + zip(one, got).filter { $0 != $1 }.count
            #expect(differing == 0, "\(path): \(differing) outputs depend on the thread count")
            // The leading rows alone, as few as still take the same product (AMX from amxMinRows rows; without AMX the
            // bf16 GEMM from gemvRowLimit + 1 — fewer rows would take the dot products, another summation order).
            let path0 = KernelDispatch.bf16Product(rows: rows, k: k)
            let lead = (max(1, rows / 2)...rows).first { KernelDispatch.bf16Product(rows: $0, k: k) == path0 }!
            let alone = Linear.apply(Tensor(shape: [lead, k], floats: Array(x[0..<lead * k])), weight: w, bias: b, activations: .bf16).toFloats()
            let moved = zip(alone, got[0..<lead * n]).filter { $0 != $1 }.count
            #expect(moved == 0, "\(path): \(moved) of the first \(lead) rows' outputs change when \(rows - lead) more rows are multiplied with them")
        }
    }

    @Test func amxIsDetectedAsTheCPUSays() {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpuHas = flags.contains(" amx_bf16") && flags.contains(" amx_tile")
        print("AMX: CPU flags \(cpuHas ? "present" : "absent"); usable by this process: \(KernelDispatch.hasAMX)")
        if !cpuHas { #expect(!KernelDispatch.hasAMX) }
        if cpuHas { #expect(KernelDispatch.hasAMX, "the CPU has AMX but the kernel refused the tile state") }
    }
}

/// f32 activations with bf16 weights above the GEMV rows: on AMX the three-part split (hi + mid + lo), at AVX-512 our
/// f32 kernel, and the converted-tile sgemm; each against a Double product of the unrounded activations.
@Suite struct AMXF32ProductTests {
    @Test(arguments: [9, 40, 100, 290], [64, 2048])
    func f32ActivationsKeepF32Accuracy(rows: Int, k: Int) {
        var rng = TestRandom(seed: 35)
        let n = 515
        let x = rng.floats(rows * k).map { $0 * 3 }
        let w = Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16), bias = rng.floats(n)
        let wf = w.toFloats()
        var want = [Float](repeating: 0, count: rows * n)
        for i in 0..<rows { for j in 0..<n {
            var s = Double(bias[j])
            for t in 0..<k { s += Double(x[i * k + t]) * Double(wf[j * k + t]) }
            want[i * n + j] = Float(s)
        } }
        let xt = Tensor(shape: [rows, k], floats: x), bt = Tensor(shape: [n], floats: bias)
        var errors: [Bool: Double] = [:]
        var direct: [Float]? = nil
        for (amx, own) in [(true, true), (false, true), (false, false)] {
            KernelDispatch.withAMX(amx) { KernelDispatch.withF32OnAMX(true) { KernelDispatch.withF32Direct(own) {
                let path = amx && KernelDispatch.amxActive ? "AMX, three bf16 parts"
                    : KernelDispatch.f32GEMMDirect ? "AVX-512 f32 kernel" : "converted tiles + sgemm"
                let got = Linear.apply(xt, weight: w, bias: bt).toFloats()
                let e = NumericComparison.nmse(got, want)
                errors[amx] = e
                print("f32 × bf16 product \(rows)×\(k)·\(n), \(path): NMSE \(e)")
                #expect(e <= 1e-11, "\(path): \(NumericComparison.describeDivergence(got, want))")
                let before = Parallel.threadCount
                Parallel.setThreadCount(1)
                let one = Linear.apply(xt, weight: w, bias: bt).toFloats()
                Parallel.setThreadCount(before)
                let differing = zip(one, got).filter { $0 != $1 }.count
                // Seen before Parallel.setThreadCount respected running one-thread BLAS scopes: the sgemm tiles
                // differed in the last bits between 1 and 2 threads when another test changed the count meanwhile.
                #expect(differing == 0, "\(path): \(differing) of \(one.count) outputs depend on the thread count")
                if path == "AVX-512 f32 kernel" {
                    // Each output row is its own sum: the rows in two pieces equal the rows in one product.
                    let cut = rows / 3
                    let head = Linear.apply(Tensor(shape: [cut, k], floats: Array(x[..<(cut * k)])), weight: w, bias: bt).toFloats()
                    let tail = Linear.apply(Tensor(shape: [rows - cut, k], floats: Array(x[(cut * k)...])), weight: w, bias: bt).toFloats()
                    if cut > Linear.gemvRowLimit { #expect(head == Array(got[..<(cut * n)]), "\(path): the first rows alone") }
                    if rows - cut > Linear.gemvRowLimit { #expect(tail == Array(got[(cut * n)...]), "\(path): the last rows alone") }
                    direct = got
                } else if let d = direct, path == "converted tiles + sgemm" {
                    print("f32 × bf16, \(rows)×\(k): the AVX-512 kernel and sgemm differ in \(zip(d, got).filter { $0 != $1 }.count) of \(got.count) outputs")
                }
            } } }
        }
        if KernelDispatch.amxActive, let a = errors[true], let b = errors[false] {
            print("f32 × bf16, \(rows)×\(k): AMX three-part NMSE \(a) vs sgemm \(b)")
        }
    }
}
