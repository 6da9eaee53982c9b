import Foundation
import Tensors
import Testing
import TestSupport

/// Each kernel against a naive Double reference on random inputs (NMSE ≤ 1e-7), a few hand-checked values,
/// and bitwise thread-count independence.
@Suite(.serialized) struct KernelNaiveTests {
    private func report(_ name: String, _ got: [Float], _ want: [Float]) {
        let e = NumericComparison.nmse(got, want)
        print("\(name): NMSE \(e) vs naive")
        #expect(e <= 1e-7, "\(name): \(NumericComparison.describeDivergence(got, want))")
    }

    @Test func conv2dRandomCases() {
        var rng = TestRandom(seed: 10)
        let cases: [(x: [Int], w: [Int], stride: Int, pad: (Int, Int, Int, Int), dilation: Int, groups: Int)] = [
            ([2, 6, 11, 9], [8, 6, 3, 3], 1, (1, 1, 1, 1), 1, 1),
            ([1, 4, 10, 10], [4, 1, 7, 7], 1, (3, 3, 3, 3), 1, 4),      // depthwise
            ([1, 6, 12, 12], [9, 2, 3, 3], 2, (0, 1, 0, 1), 1, 3),      // groups + asymmetric pad
            ([1, 3, 13, 13], [5, 3, 3, 3], 1, (2, 2, 2, 2), 2, 1),      // dilation
            ([2, 8, 5, 7], [16, 8, 1, 1], 1, (0, 0, 0, 0), 1, 1),       // pointwise
            ([1, 3, 70, 130], [5, 3, 3, 3], 1, (1, 1, 1, 1), 1, 1),     // shifted GEMM over several grid tiles
            ([2, 4, 9, 6], [3, 4, 2, 3], 1, (0, 1, 2, 0), 1, 1),        // shifted GEMM, asymmetric pad, 2×3 taps
        ]
        for (i, c) in cases.enumerated() {
            let x = rng.floats(c.x.reduce(1, *)), w = rng.floats(c.w.reduce(1, *)), b = rng.floats(c.w[0])
            var options = Conv2D.Options(stride: c.stride, dilation: c.dilation, groups: c.groups)
            options.padding = c.pad
            let got = Conv2D.apply(Tensor(shape: c.x, floats: x), weight: Tensor(shape: c.w, floats: w),
                                   bias: Tensor(shape: [c.w[0]], floats: b), options: options)
            let (want, shape) = Naive.conv2d(x: x, xShape: c.x, w: w, wShape: c.w, bias: b, stride: c.stride, pad: c.pad,
                                             dilation: c.dilation, groups: c.groups)
            #expect(got.shape == shape)
            report("conv2d case \(i)", got.toFloats(), want)
        }
    }

    /// The stride-1 depthwise path (tap-major over output rows) adds each output's products in the same order as a
    /// plain per-output Float loop over the taps in (i, j) order: equal bits, also where the kernel is wider than the
    /// input (3 × 2 under a 7 × 7) and with asymmetric padding.
    @Test func depthwiseStrideOneSumsInThePerOutputOrder() {
        var rng = TestRandom(seed: 12)
        let cases: [(x: [Int], k: Int, pad: (Int, Int, Int, Int))] = [
            ([2, 5, 24, 24], 7, (3, 3, 3, 3)), ([1, 3, 3, 2], 7, (3, 3, 3, 3)), ([1, 4, 9, 13], 3, (0, 2, 1, 0)), ([1, 2, 6, 40], 5, (2, 2, 2, 2)),
        ]
        for c in cases {
            let (n, ch, h, w) = (c.x[0], c.x[1], c.x[2], c.x[3])
            let x = rng.floats(c.x.reduce(1, *)), k = rng.floats(ch * c.k * c.k), b = rng.floats(ch)
            var options = Conv2D.Options(groups: ch)
            options.padding = c.pad
            let got = Conv2D.apply(Tensor(shape: c.x, floats: x), weight: Tensor(shape: [ch, 1, c.k, c.k], floats: k),
                                   bias: Tensor(shape: [ch], floats: b), options: options)
            let oh = h + c.pad.0 + c.pad.1 - c.k + 1, ow = w + c.pad.2 + c.pad.3 - c.k + 1
            var want = [Float](repeating: 0, count: n * ch * oh * ow)
            for p in 0..<(n * ch) { for oy in 0..<oh { for ox in 0..<ow {
                var s: Float = 0
                for i in 0..<c.k { for j in 0..<c.k {
                    let iy = oy - c.pad.0 + i, ix = ox - c.pad.2 + j
                    if iy >= 0 && iy < h && ix >= 0 && ix < w { s += x[(p * h + iy) * w + ix] * k[(p % ch) * c.k * c.k + i * c.k + j] }
                } }
                want[(p * oh + oy) * ow + ox] = s + b[p % ch]
            } } }
            #expect(got.shape == [n, ch, oh, ow])
            #expect(got.toFloats() == want, "depthwise \(c.x) k \(c.k) pad \(c.pad)")
        }
    }

    @Test func conv2dWithBF16ActivationsEqualsTheProductOfRoundedInputs() {
        // .bf16 with bf16 weights: the input is rounded to bf16, then multiplied (bf16 dot products on channel pairs
        // where the CPU has them, the f32 paths at forced lower levels). Against a Double convolution of the rounded
        // input and the bf16 weights; odd channel counts (a zero pair half), output channels not a multiple of the
        // kernel's block of 8, grids whose rows are shorter and longer than a 48-position block, several parallel
        // chunks, 1×1, 2×3 taps, asymmetric padding, a batch of 2; and the same bits at 1 and 2 threads.
        var rng = TestRandom(seed: 31)
        let cases: [(x: [Int], w: [Int], pad: (Int, Int, Int, Int))] = [
            ([2, 5, 7, 9], [11, 5, 3, 3], (1, 1, 1, 1)),
            ([1, 16, 30, 41], [8, 16, 3, 3], (1, 1, 1, 1)),
            ([1, 7, 6, 5], [3, 7, 1, 1], (0, 0, 0, 0)),
            ([2, 4, 9, 6], [17, 4, 2, 3], (0, 1, 2, 0)),
            ([1, 64, 12, 12], [24, 64, 3, 3], (1, 1, 1, 1)),
        ]
        for (i, c) in cases.enumerated() {
            let x = rng.floats(c.x.reduce(1, *)).map { $0 * 3 }, b = rng.floats(c.w[0])
            let w = Tensor.make(rng.floats(c.w.reduce(1, *)), shape: c.w, dtype: .bf16)
            var options = Conv2D.Options()
            options.padding = c.pad
            let (want, shape) = Naive.conv2d(x: Naive.roundedToBF16(x), xShape: c.x, w: w.toFloats(), wShape: c.w, bias: b,
                                             stride: 1, pad: c.pad, dilation: 1, groups: 1)
            for level in KernelDispatch.availableLevels {
                KernelDispatch.withForcedLevel(level) { KernelDispatch.forEachBF16Setting { setting in
                    func run() -> Tensor {
                        Conv2D.apply(Tensor(shape: c.x, floats: x), weight: w, bias: Tensor(shape: [c.w[0]], floats: b),
                                     options: options, activations: .bf16)
                    }
                    let got = run()
                    #expect(got.shape == shape)
                    let e = NumericComparison.nmse(got.toFloats(), want)
                    print("conv2d bf16 case \(i), level \(level), \(setting) (\(Conv2D.bf16Path())): NMSE \(e)")
                    #expect(e <= 1e-12, "case \(i), level \(level): \(NumericComparison.describeDivergence(got.toFloats(), want))")
                    let before = Parallel.threadCount
                    Parallel.setThreadCount(1)
                    let one = run().toFloats()
                    Parallel.setThreadCount(2)
                    let two = run().toFloats()
                    Parallel.setThreadCount(before)
                    #expect(one == two, "case \(i), level \(level), \(setting)")
                } }
            }
        }
    }

    @Test func decodeAttentionRowAtEverySIMDLevel() {
        var rng = TestRandom(seed: 12)
        for (dim, count) in [(128, 613), (128, 17), (24, 40), (64, 1)] {
            let q = rng.floats(dim), keys = rng.floats(count * dim).map { $0 * 3 }, values = rng.floats(count * dim)
            let masks: [[UInt8]?] = [nil, (0..<count).map { $0 % 3 == 1 ? 0 : 1 }, [UInt8](repeating: 0, count: count)]
            for mask in masks {
                // Naive: softmax over the visible keys in Double, then the weighted sum of values.
                let scale = 1 / Float(dim).squareRoot()
                let visible = (0..<count).filter { mask?[$0] ?? 1 != 0 }
                var want = [Float](repeating: 0, count: dim)
                if !visible.isEmpty {
                    let scores = visible.map { j in Double(scale) * (0..<dim).reduce(0.0) { $0 + Double(q[$1]) * Double(keys[j * dim + $1]) } }
                    let m = scores.max()!, e = scores.map { Foundation.exp($0 - m) }, sum = e.reduce(0, +)
                    for (t, j) in visible.enumerated() { for i in 0..<dim { want[i] += Float(Double(values[j * dim + i]) * e[t] / sum) } }
                }
                for level in KernelDispatch.availableLevels {
                    KernelDispatch.withForcedLevel(level) {
                        var got = [Float](repeating: .nan, count: dim), scratch = [Float](repeating: 0, count: count)
                        q.withUnsafeBufferPointer { qp in keys.withUnsafeBufferPointer { kp in values.withUnsafeBufferPointer { vp in
                            let run = { (maskPointer: UnsafePointer<UInt8>?) in
                                Attention.attendRow(query: qp.baseAddress!, keys: kp.baseAddress!, values: vp.baseAddress!, count: count,
                                                    dim: dim, scale: scale, visible: maskPointer, scratch: &scratch, out: &got)
                            }
                            if let mask { mask.withUnsafeBufferPointer { run($0.baseAddress) } } else { run(nil) }
                        } } }
                        if visible.isEmpty { #expect(got.allSatisfy { $0 == 0 }, "no visible key gives zeros"); return }
                        report("attention row dim \(dim) keys \(count) masked \(mask != nil) level \(level)", got, want)
                        // A bf16 cache: the same kernel reading bf16 keys and values must equal the f32 kernel on the
                        // widened values bit for bit (without AMX: with it, a bf16 cache's dot products take the rounded
                        // queries on tiles, AttentionAMXTests).
                        let kb = keys.map { HalfPrecision.bf16Bits(from: $0) }, vb = values.map { HalfPrecision.bf16Bits(from: $0) }
                        let kw = kb.map { Float(bitPattern: UInt32($0) << 16) }, vw = vb.map { Float(bitPattern: UInt32($0) << 16) }
                        var fromBF16 = [Float](repeating: .nan, count: dim), fromWidened = [Float](repeating: .nan, count: dim)
                        q.withUnsafeBufferPointer { qp in
                            let run = { (k: UnsafeRawPointer, v: UnsafeRawPointer, bf16: Bool, out: UnsafeMutablePointer<Float>, m: UnsafePointer<UInt8>?) in
                                Attention.attendRow(query: qp.baseAddress!, keys: k, values: v, bf16: bf16, count: count, dim: dim,
                                                    scale: scale, visible: m, scratch: &scratch, out: out)
                            }
                            let both = { (m: UnsafePointer<UInt8>?) in
                                kb.withUnsafeBytes { k in vb.withUnsafeBytes { v in run(k.baseAddress!, v.baseAddress!, true, &fromBF16, m) } }
                                kw.withUnsafeBytes { k in vw.withUnsafeBytes { v in run(k.baseAddress!, v.baseAddress!, false, &fromWidened, m) } }
                            }
                            KernelDispatch.withAMX(false) {
                                if let mask { mask.withUnsafeBufferPointer { both($0.baseAddress) } } else { both(nil) }
                            }
                        }
                        #expect(fromBF16 == fromWidened, "bf16 cache, dim \(dim), level \(level)")
                    }
                }
            }
        }
    }

    @Test func conv2dHandChecked() {
        // 3×3 input 1..9, 2×2 kernel of ones, no padding → sums of each 2×2 window.
        let y = Conv2D.apply(Tensor(shape: [1, 1, 3, 3], floats: (1...9).map(Float.init)),
                             weight: Tensor(shape: [1, 1, 2, 2], floats: [1, 1, 1, 1]))
        #expect(y.toFloats() == [12, 16, 24, 28])
    }

    @Test func normsAgainstNaive() {
        var rng = TestRandom(seed: 11)
        let (rows, d) = (7, 96)
        let x = rng.floats(rows * d).map { $0 * 3 + 0.5 }, w = rng.floats(d), b = rng.floats(d)
        var ln = [Float](), rms = [Float]()
        for r in 0..<rows {
            let row = x[r * d..<(r + 1) * d].map(Double.init)
            let mean = row.reduce(0, +) / Double(d)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)
            ln += (0..<d).map { Float((row[$0] - mean) / (variance + 1e-6).squareRoot() * Double(w[$0]) + Double(b[$0])) }
            let ms = row.map { $0 * $0 }.reduce(0, +) / Double(d)
            rms += (0..<d).map { Float(row[$0] / (ms + 1e-6).squareRoot() * Double(w[$0])) }
        }
        let tx = Tensor(shape: [rows, d], floats: x)
        report("layer norm", Normalization.layerNorm(tx, weight: Tensor(shape: [d], floats: w), bias: Tensor(shape: [d], floats: b), eps: 1e-6).toFloats(), ln)
        report("RMS norm", Normalization.rmsNorm(tx, weight: Tensor(shape: [d], floats: w), eps: 1e-6).toFloats(), rms)

        let (n, c, hw, groups) = (2, 64, 9, 32)
        let gx = rng.floats(n * c * hw), gw = rng.floats(c), gb = rng.floats(c)
        var gn = [Float](repeating: 0, count: gx.count)
        let per = c / groups * hw
        for ng in 0..<(n * groups) {
            let seg = gx[ng * per..<(ng + 1) * per].map(Double.init)
            let mean = seg.reduce(0, +) / Double(per)
            let variance = seg.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(per)
            for i in 0..<per {
                let channel = (ng % groups) * (c / groups) + i / hw
                gn[ng * per + i] = Float((seg[i] - mean) / (variance + 1e-6).squareRoot() * Double(gw[channel]) + Double(gb[channel]))
            }
        }
        report("group norm", Normalization.groupNorm(Tensor(shape: [n, c, 3, 3], floats: gx), groups: groups,
                                                     weight: Tensor(shape: [c], floats: gw), bias: Tensor(shape: [c], floats: gb), eps: 1e-6).toFloats(), gn)
        // GN with SiLU fused into its output pass equals SiLU of GN bit for bit (every SiLU value goes through the
        // same vector code, tails included), at every level; runs of 9 and 37 values end mid-vector.
        for shape in [[n, c, 3, 3], [1, c, 37]] {
            let x = Tensor(shape: shape, floats: rng.floats(shape.reduce(1, *)).map { $0 * 6 })
            for level in KernelDispatch.availableLevels {
                KernelDispatch.withForcedLevel(level) {
                    let w = Tensor(shape: [c], floats: gw), b = Tensor(shape: [c], floats: gb)
                    let fused = Normalization.groupNorm(x, groups: groups, weight: w, bias: b, eps: 1e-6, silu: true).toFloats()
                    let separate = Activations.silu(Normalization.groupNorm(x, groups: groups, weight: w, bias: b, eps: 1e-6)).toFloats()
                    #expect(fused == separate, "shape \(shape), level \(level)")
                }
            }
        }
    }

    @Test func activationsHandCheckedAndNaive() {
        let g = Activations.gelu(Tensor(shape: [3], floats: [1, 0, -1])).toFloats()
        #expect(abs(g[0] - 0.8413447) < 1e-6 && g[1] == 0 && abs(g[2] + 0.1586553) < 1e-6)
        let s = Activations.softmax(Tensor(shape: [3], floats: [1, 2, 3])).toFloats()
        #expect(zip(s, [0.09003057, 0.24472847, 0.66524096]).allSatisfy { abs($0 - Float($1)) < 1e-7 })
        let big = Activations.softmax(Tensor(shape: [2], floats: [1000, 1000])).toFloats()
        #expect(big == [0.5, 0.5])
        var rng = TestRandom(seed: 12)
        let x = rng.floats(1000).map { $0 * 6 }
        report("GELU", Activations.gelu(Tensor(shape: [1000], floats: x)).toFloats(),
               x.map { Float(0.5 * Double($0) * (1 + erf(Double($0) / 2.0.squareRoot()))) })
        report("SiLU", Activations.silu(Tensor(shape: [1000], floats: x)).toFloats(), x.map { Float(Double($0) / (1 + exp(-Double($0)))) })
        let rows = (0..<10).map { r in (0..<100).map { Double(x[r * 100 + $0]) } }
        report("softmax", Activations.softmax(Tensor(shape: [10, 100], floats: Array(x))).toFloats(), rows.flatMap { Naive.softmax($0).map(Float.init) })
    }

    @Test func siluAtEverySIMDLevelIncludingExtremes() {
        // The AVX-512 path computes exp with its own polynomial: check it element by element (relative error)
        // over the whole float range that matters, tails of the 16-lane loop, and the fused multiply.
        var rng = TestRandom(seed: 14)
        let x = rng.floats(1037).map { $0 * 30 } + [-200, -104, -88, -87.5, -20, -1e-30, 0, 1e-30, 20, 88, 89, 200, .infinity, -.infinity]
        let times = rng.floats(x.count)
        let want = x.map { Double($0) / (1 + exp(-Double($0))) }
        for level in KernelDispatch.availableLevels {
            KernelDispatch.withForcedLevel(level) {
                let got = Activations.silu(Tensor(shape: [x.count], floats: x)).toFloats()
                var fused = [Float](repeating: 0, count: x.count)
                x.withUnsafeBufferPointer { xp in times.withUnsafeBufferPointer { tp in fused.withUnsafeMutableBufferPointer { fp in
                    Activations.siluRaw(xp.baseAddress!, times: tp.baseAddress!, into: fp.baseAddress!, count: x.count)
                } } }
                var worst = 0.0
                for i in x.indices where x[i].isFinite {
                    let tolerance = 4e-7 * max(abs(want[i]), 1e-30)
                    #expect(abs(Double(got[i]) - want[i]) <= tolerance, "silu(\(x[i])) = \(got[i]), want \(want[i]) at level \(level)")
                    #expect(abs(Double(fused[i]) - want[i] * Double(times[i])) <= 2 * tolerance * max(1, abs(Double(times[i]))) + 1e-30)
                    if abs(want[i]) > 1e-30 { worst = max(worst, abs(Double(got[i]) - want[i]) / abs(want[i])) }
                }
                #expect(got[x.count - 2] == .infinity)   // silu(+inf); silu(−inf) is NaN as in PyTorch (−inf · 0)
                #expect(got[x.count - 1].isNaN)
                print("SiLU level \(level): worst relative error \(worst)")
            }
        }
    }

    @Test func attentionAgainstNaiveIncludingFullyMaskedRows() {
        var rng = TestRandom(seed: 13)
        for (b, h, sq, sk, d, causal) in [(2, 3, 7, 7, 16, true), (1, 4, 1, 9, 32, true), (2, 2, 5, 8, 8, false)] {
            let q = rng.floats(b * h * sq * d), k = rng.floats(b * h * sk * d), v = rng.floats(b * h * sk * d)
            var mask = [[Bool]](repeating: [Bool](repeating: true, count: sk), count: b)
            if b > 1 { mask[1][0] = false; mask[1][1] = false }
            let got = Attention.scaledDotProduct(query: Tensor(shape: [b, h, sq, d], floats: q), key: Tensor(shape: [b, h, sk, d], floats: k),
                                                 value: Tensor(shape: [b, h, sk, d], floats: v), causal: causal, keyMask: mask)
            report("attention b\(b) h\(h) sq\(sq) sk\(sk) causal \(causal)", got.toFloats(),
                   Naive.attention(q: q, k: k, v: v, b: b, h: h, sq: sq, sk: sk, d: d, causal: causal, keyMask: mask))
        }
        // Row 0 of a left-padded causal batch sees only padding: defined as zeros, never NaN.
        let mask = [[false, true, true]]
        let y = Attention.scaledDotProduct(query: Tensor(shape: [1, 1, 3, 2], floats: [1, 0, 0, 1, 1, 1]),
                                           key: Tensor(shape: [1, 1, 3, 2], floats: [1, 0, 0, 1, 1, 1]),
                                           value: Tensor(shape: [1, 1, 3, 2], floats: [5, 5, 1, 2, 3, 4]), causal: true, keyMask: mask).toFloats()
        #expect(Array(y[0..<2]) == [0, 0])
        #expect(Array(y[2..<4]) == [1, 2])
        #expect(!y.contains { $0.isNaN })
    }

    @Test func ropeHandChecked() {
        // Position 0 is the identity; at position 1 with d = 2 the pair rotates by 1 radian.
        let x = Tensor(shape: [1, 1, 2, 2], floats: [1, 2, 1, 0])
        RotaryEmbedding(headDim: 2).apply(x, positions: [0, 1])
        let v = x.toFloats()
        #expect(v[0] == 1 && v[1] == 2)
        #expect(abs(v[2] - Float(cos(1.0))) < 1e-7 && abs(v[3] - Float(sin(1.0))) < 1e-7)
    }

    @Test func pixelShuffleIndexMap() {
        // 4 channels of 1×1 → 1 channel 2×2 in order (0,0), (0,1), (1,0), (1,1).
        #expect(Resampling.pixelShuffle(Tensor(shape: [1, 4, 1, 1], floats: [10, 11, 12, 13]), factor: 2).toFloats() == [10, 11, 12, 13])
        let y = Resampling.pixelShuffle(Tensor(shape: [1, 4, 1, 2], floats: [0, 1, 2, 3, 4, 5, 6, 7]), factor: 2)
        #expect(y.shape == [1, 1, 2, 4] && y.toFloats() == [0, 2, 1, 3, 4, 6, 5, 7])
    }

    @Test func bilinearIdentityAndPillowSmallCases() {
        let x = Tensor(shape: [1, 1, 2, 3], floats: [1, 2, 3, 4, 5, 6])
        #expect(BilinearResize.resize(x, height: 2, width: 3).toFloats() == [1, 2, 3, 4, 5, 6])
        // Doubling a 1×2 row: torch gives [1, 1.25, 1.75, 2].
        #expect(BilinearResize.resize(Tensor(shape: [1, 1, 1, 2], floats: [1, 2]), height: 1, width: 4).toFloats() == [1, 1.25, 1.75, 2])
        // Same-size Pillow resize is the identity.
        let img: [UInt8] = (0..<27).map { UInt8($0 * 9) }
        #expect(PillowBicubicResize.resize(uint8: img, width: 3, height: 3, channels: 3, toWidth: 3, toHeight: 3) == img)
    }

    @Test func kernelsDoNotDependOnThreadCount() {
        var rng = TestRandom(seed: 14)
        let x = Tensor(shape: [2, 64, 9, 9], floats: rng.floats(2 * 64 * 81))
        let w = Tensor(shape: [32, 64, 3, 3], floats: rng.floats(32 * 64 * 9))
        let q = Tensor(shape: [1, 4, 6, 16], floats: rng.floats(384))
        let rmsWeight = Tensor(shape: [81], floats: rng.floats(81))
        func runAll() -> [[Float]] {
            [Conv2D.apply(x, weight: w, options: Conv2D.Options(padding: 1)).toFloats(),
             Normalization.groupNorm(x, groups: 32, weight: nil, bias: nil, eps: 1e-6).toFloats(),
             Normalization.rmsNorm(x.reshaped([128, 81]), weight: rmsWeight, eps: 1e-6).toFloats(),
             Activations.gelu(x).toFloats(),
             Attention.scaledDotProduct(query: q, key: q, value: q, causal: true).toFloats(),
             BilinearResize.resize(x, height: 13, width: 5).toFloats()]
        }
        let before = Parallel.threadCount
        defer { Parallel.setThreadCount(before) }
        Parallel.setThreadCount(1)
        let one = runAll()
        Parallel.setThreadCount(2)
        let two = runAll()
        #expect(one == two)
    }
}
