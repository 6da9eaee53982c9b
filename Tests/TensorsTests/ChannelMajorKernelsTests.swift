import Testing
import TestSupport
import Tensors

/// The channel-major convolution and pools (Inception's kernels) against naive loops on random inputs.
@Suite struct ChannelMajorKernelsTests {
    /// Naive NCHW convolution with bias and optional ReLU, in Double.
    static func naiveConv(_ x: [Float], batch: Int, cin: Int, h: Int, w: Int, weight: [Float], cout: Int, kh: Int, kw: Int,
                          stride: (Int, Int), pad: (Int, Int), bias: [Float], relu: Bool) -> (values: [Float], oh: Int, ow: Int) {
        let oh = (h + 2 * pad.0 - kh) / stride.0 + 1, ow = (w + 2 * pad.1 - kw) / stride.1 + 1
        var out = [Float](repeating: 0, count: batch * cout * oh * ow)
        for n in 0..<batch { for o in 0..<cout { for y in 0..<oh { for xx in 0..<ow {
            var s = Double(bias[o])
            for c in 0..<cin { for i in 0..<kh { for j in 0..<kw {
                let iy = y * stride.0 - pad.0 + i, ix = xx * stride.1 - pad.1 + j
                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                    s += Double(x[((n * cin + c) * h + iy) * w + ix]) * Double(weight[((o * cin + c) * kh + i) * kw + j])
                }
            } } }
            out[((n * cout + o) * oh + y) * ow + xx] = Float(relu ? max(s, 0) : s)
        } } } }
        return (out, oh, ow)
    }

    static func random(_ n: Int, _ rng: inout TestRandom) -> [Float] { (0..<n).map { _ in rng.uniform() } }

    /// (batch, cin, h, w, cout, kh, kw, stride, pad): every geometry Inception uses, at small sizes.
    static let cases: [(Int, Int, Int, Int, Int, Int, Int, (Int, Int), (Int, Int))] = [
        (2, 3, 17, 15, 5, 3, 3, (2, 2), (0, 0)),      // Conv2d_1a
        (3, 4, 9, 11, 6, 3, 3, (1, 1), (0, 0)),       // Conv2d_2a / 4a
        (2, 4, 9, 8, 7, 3, 3, (1, 1), (1, 1)),        // Conv2d_2b, 3×3 same
        (3, 6, 7, 9, 5, 1, 1, (1, 1), (0, 0)),        // 1×1 (read in place)
        (2, 5, 8, 8, 4, 5, 5, (1, 1), (2, 2)),        // 5×5
        (2, 3, 10, 9, 4, 1, 7, (1, 1), (0, 3)),       // 1×7
        (2, 3, 9, 10, 4, 7, 1, (1, 1), (3, 0)),       // 7×1
        (2, 3, 6, 7, 4, 1, 3, (1, 1), (0, 1)),        // 1×3
        (2, 3, 7, 6, 4, 3, 1, (1, 1), (1, 0)),        // 3×1
        (17, 8, 11, 13, 9, 3, 3, (2, 2), (0, 0)),     // several tiles
        (2, 3, 12, 13, 4, 3, 3, (2, 2), (1, 1)),      // stride 2 with padding (im2col's clipped runs)
        (1, 2, 6, 3, 3, 5, 5, (1, 1), (2, 2)),        // kernel wider than the row: both edges clipped
        (2, 2, 5, 9, 3, 3, 3, (3, 2), (2, 1)),        // unequal strides and paddings
    ]

    @Test func convolutionEqualsNaive() {
        var rng = TestRandom(seed: 21)
        for (b, cin, h, w, cout, kh, kw, stride, pad) in Self.cases {
            let x = Self.random(b * cin * h * w, &rng), weight = Self.random(cout * cin * kh * kw, &rng), bias = Self.random(cout, &rng)
            for relu in [false, true] {
                let ref = Self.naiveConv(x, batch: b, cin: cin, h: h, w: w, weight: weight, cout: cout, kh: kh, kw: kw,
                                         stride: stride, pad: pad, bias: bias, relu: relu)
                let conv = ChannelMajor.Convolution(weight: Tensor(shape: [cout, cin, kh, kw], floats: weight), bias: Tensor(shape: [cout], floats: bias),
                                                    stride: stride, padding: pad, relu: relu)
                let input = ChannelMajor.swapBatchAndChannels(Tensor(shape: [b, cin, h, w], floats: x))
                let got = ChannelMajor.swapBatchAndChannels(conv(input)).toFloats()
                #expect(got.count == ref.values.count)
                let nmse = NumericComparison.nmse(got, ref.values)
                #expect(nmse < 1e-12, "\(b)×\(cin)×\(h)×\(w) → \(cout) k\(kh)×\(kw) s\(stride) p\(pad): \(NumericComparison.describeDivergence(got, ref.values))")
            }
        }
    }

    /// The C im2col and bias + ReLU (Sources/CKernels/im2col.c) only copy and add, so every SIMD level gives the same
    /// bits: the portable loops, and at the AVX-512 level the masked chunk path (rows up to 192 outputs, strides 1
    /// and 2) and its fallback (a row of 199 outputs at stride 2, stride 3). The product itself is sgemm here at every
    /// level (the AVX-512 level's own kernel is checked against a Double convolution above and below).
    @Test func convolutionIsBitIdenticalAtEveryKernelLevel() {
        var rng = TestRandom(seed: 25)
        let cases = Self.cases + [(2, 2, 5, 399, 3, 3, 3, (2, 2), (1, 1)), (1, 3, 4, 200, 2, 1, 7, (1, 1), (0, 3))]
        for (b, cin, h, w, cout, kh, kw, stride, pad) in cases {
            let x = ChannelMajor.swapBatchAndChannels(Tensor(shape: [b, cin, h, w], floats: Self.random(b * cin * h * w, &rng)))
            let conv = ChannelMajor.Convolution(weight: Tensor(shape: [cout, cin, kh, kw], floats: Self.random(cout * cin * kh * kw, &rng)),
                                                bias: Tensor(shape: [cout], floats: Self.random(cout, &rng).map { $0 - 0.5 }),
                                                stride: stride, padding: pad, relu: true)
            let levels = [0, 2, 3].filter { $0 <= KernelDispatch.detectedLevel }
            let outputs = levels.map { level in
                KernelDispatch.withForcedLevel(level) { KernelDispatch.withF32Direct(false) { conv(x).toFloats().map(\.bitPattern) } }
            }
            for (level, out) in zip(levels, outputs) {
                #expect(out == outputs[0], "\(b)×\(cin)×\(h)×\(w) → \(cout) k\(kh)×\(kw) s\(stride) p\(pad): level \(level) differs from level \(levels[0])")
            }
        }
    }

    /// Each image of a batch equals the image alone, bit for bit, on the AVX-512 kernel (every output one sum over
    /// the depth in order, whatever tile its column falls in). With sgemm this depends on the OpenBLAS core: with the
    /// Haswell core our machines set, a batch of 3 and batches of 1 differed in the last bits.
    @Test func eachImageOfABatchEqualsTheImageAlone() {
        var rng = TestRandom(seed: 26)
        let direct = KernelDispatch.f32GEMMDirect
        print("channel-major product: \(direct ? "AVX-512 kernel" : "sgemm (below AVX-512): batch independence not claimed")")
        guard direct else { return }
        for (cin, h, w, cout, kh, kw, stride, pad) in [(5, 9, 11, 19, 3, 3, (1, 1), (1, 1)), (7, 8, 8, 33, 1, 1, (1, 1), (0, 0)),
                                                       (3, 17, 17, 10, 1, 7, (1, 1), (0, 3)), (4, 15, 13, 9, 3, 3, (2, 2), (0, 0))] {
            let conv = ChannelMajor.Convolution(weight: Tensor(shape: [cout, cin, kh, kw], floats: Self.random(cout * cin * kh * kw, &rng)),
                                                bias: Tensor(shape: [cout], floats: Self.random(cout, &rng)), stride: stride, padding: pad, relu: false)
            let images = (0..<3).map { _ in Self.random(cin * h * w, &rng) }
            let batch = ChannelMajor.swapBatchAndChannels(conv(ChannelMajor.swapBatchAndChannels(Tensor(shape: [3, cin, h, w], floats: images.flatMap { $0 })))).toFloats()
            let per = batch.count / 3
            for (i, image) in images.enumerated() {
                let alone = ChannelMajor.swapBatchAndChannels(conv(ChannelMajor.swapBatchAndChannels(Tensor(shape: [1, cin, h, w], floats: image)))).toFloats()
                #expect(alone.map(\.bitPattern) == batch[(i * per)..<((i + 1) * per)].map(\.bitPattern), "k\(kh)×\(kw) image \(i)")
            }
        }
    }

    @Test func convolutionWritesIntoAChannelRangeAndStackingEqualsSeparate() {
        var rng = TestRandom(seed: 22)
        let (b, cin, h, w) = (2, 5, 6, 7)
        let x = ChannelMajor.swapBatchAndChannels(Tensor(shape: [b, cin, h, w], floats: Self.random(b * cin * h * w, &rng)))
        let parts = [3, 4, 2].map { cout in
            ChannelMajor.Convolution(weight: Tensor(shape: [cout, cin, 1, 1], floats: Self.random(cout * cin, &rng)),
                                     bias: Tensor(shape: [cout], floats: Self.random(cout, &rng)), relu: true)
        }
        let stacked = ChannelMajor.Convolution.stacked(parts)(x).toFloats()
        let out = Tensor(zeros: [9, b, h, w])
        var offset = 0
        for p in parts { p.apply(x, into: out, channelOffset: offset); offset += p.outChannels }
        #expect(out.toFloats() == stacked)
        // A channel view reads the right rows.
        let view = ChannelMajor.channels(out, 3, 4).toFloats()
        #expect(view == parts[1](x).toFloats())
    }

    /// Planes of Inception's sides (147, 35, 17, 8) and odd ones, through the row-at-a-time interior path of the C
    /// pool: bit-identical to the scalar f32 loop (same sum order per output), NaN propagated by max as PyTorch does.
    @Test(arguments: [147, 35, 17, 8, 11, 4, 2])
    func poolsEqualTheScalarLoopBitForBit(side: Int) {
        var rng = TestRandom(seed: 24 + UInt64(side))
        let (c, b) = (3, 2)
        var values = Self.random(c * b * side * side, &rng)
        let nanIndex = side * side + (side / 2) * side + side / 3
        values[nanIndex] = .nan
        // Signed zeros, an infinity and negative values: the padded stride-1 path adds +0 and compares −inf where the
        // scalar loop skips, which must change no bit (a sum from +0 is never −0; −inf never wins a max).
        for i in stride(from: 0, to: values.count, by: 7) { values[i] = -0.0 }
        for i in stride(from: 3, to: values.count, by: 11) { values[i] = -values[i] }
        values[values.count - 1 - side] = .infinity
        let x = Tensor(shape: [c, b, side, side], floats: values)
        for level in [0, 2, 3].filter({ $0 <= KernelDispatch.detectedLevel }) {
        for (k, s, p, average) in [(3, 1, 1, false), (3, 1, 1, true), (3, 2, 0, false), (3, 2, 1, true), (5, 1, 2, true), (2, 2, 0, false)] {
            let oh = (side + 2 * p - k) / s + 1
            guard oh > 0 else { continue }
            let got = KernelDispatch.withForcedLevel(level) {
                (average ? ChannelMajor.averagePoolExcludingPadding(x, kernel: k, stride: s, padding: p)
                    : ChannelMajor.maxPool(x, kernel: k, stride: s, padding: p)).toFloats()
            }
            var ref = [Float]()
            for plane in 0..<(c * b) { for y in 0..<oh { for xx in 0..<oh {
                let y0 = max(y * s - p, 0), y1 = min(y * s - p + k, side), x0 = max(xx * s - p, 0), x1 = min(xx * s - p + k, side)
                var m = -Float.infinity, sum: Float = 0
                for iy in y0..<y1 { for ix in x0..<x1 {
                    let v = values[(plane * side + iy) * side + ix]
                    sum += v
                    if v > m || v.isNaN { m = v }
                } }
                ref.append(average ? sum / Float((y1 - y0) * (x1 - x0)) : m)
            } } }
            let same = zip(got, ref).filter { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }.count
            #expect(got.count == ref.count && same == ref.count, "level \(level) side \(side) k\(k) s\(s) p\(p) average \(average): \(ref.count - same) outputs differ")
        }
        }
    }

    @Test func poolsEqualNaive() {
        var rng = TestRandom(seed: 23)
        let (c, b, h, w) = (3, 2, 9, 8)
        let values = Self.random(c * b * h * w, &rng)
        let x = Tensor(shape: [c, b, h, w], floats: values)
        for (k, s, p, average) in [(3, 2, 0, false), (3, 1, 1, false), (3, 1, 1, true)] {
            let got = average ? ChannelMajor.averagePoolExcludingPadding(x, kernel: k, stride: s, padding: p)
                : ChannelMajor.maxPool(x, kernel: k, stride: s, padding: p)
            let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
            #expect(got.shape == [c, b, oh, ow])
            var ref = [Float]()
            for plane in 0..<(c * b) { for y in 0..<oh { for xx in 0..<ow {
                var m = -Float.infinity, sum = 0.0, n = 0
                for i in 0..<k { for j in 0..<k {
                    let iy = y * s - p + i, ix = xx * s - p + j
                    guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                    let v = values[(plane * h + iy) * w + ix]; m = max(m, v); sum += Double(v); n += 1
                } }
                ref.append(average ? Float(sum / Double(n)) : m)
            } } }
            let d = NumericComparison.maxAbsDifference(got.toFloats(), ref).value
            #expect(d <= (average ? 1e-6 : 0), "k\(k) s\(s) p\(p) average \(average): \(d)")
        }
        // Corner of a count_include_pad=False average: 4 values, not 9.
        let corner = ChannelMajor.averagePoolExcludingPadding(x, kernel: 3, stride: 1, padding: 1).toFloats()[0]
        let expected = (Double(values[0]) + Double(values[1]) + Double(values[w]) + Double(values[w + 1])) / 4
        #expect(abs(Double(corner) - expected) < 1e-6)
        let means = ChannelMajor.globalAverage(x)
        #expect(means.count == b && means[1].count == c)
        let plane = values[(2 * b + 1) * h * w ..< (2 * b + 2) * h * w].map(Double.init).reduce(0, +) / Double(h * w)
        #expect(abs(Double(means[1][2]) - plane) < 1e-6)
    }
}
