import Testing
import Tensors
import TestSupport

/// `NearestUpsampledConv` (the decoders' nearest ×2 + 3×3 conv as four 2×2 phase convolutions) against a Double
/// convolution of the naively upsampled input: f32 to f32 rounding; bf16 (on each bf16 kernel this CPU has) to the
/// bf16 rounding of the summed weights. Odd and tiny sides (1×1, 3×4), channels off the kernels' block sizes,
/// batches of 2; outputs equal at 1 and 2 threads.
@Suite struct NearestUpsampledConvTests {
    static let cases: [(x: [Int], cout: Int)] = [
        ([2, 5, 3, 4], 7), ([1, 40, 7, 9], 35), ([1, 33, 1, 1], 16), ([1, 64, 6, 17], 24), ([2, 3, 5, 2], 1),
    ]

    static func upsampled(_ x: [Float], _ shape: [Int]) -> [Float] {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        var out = [Float](repeating: 0, count: n * c * 4 * h * w)
        for p in 0..<(n * c) { for y in 0..<(2 * h) { for xx in 0..<(2 * w) {
            out[(p * 2 * h + y) * 2 * w + xx] = x[(p * h + y / 2) * w + xx / 2]
        } } }
        return out
    }

    static func atThreads<R>(_ n: Int, _ body: () -> R) -> R {
        let before = Parallel.threadCount
        Parallel.setThreadCount(n)
        defer { Parallel.setThreadCount(before) }
        return body()
    }

    @Test(arguments: 0..<cases.count)
    func fourPhasesEqualUpsamplingThenConvolving(index: Int) {
        let c = Self.cases[index]
        var rng = TestRandom(seed: UInt64(71 + index))
        let x = rng.floats(c.x.reduce(1, *)).map { $0 * 3 }, b = rng.floats(c.cout)
        let wShape = [c.cout, c.x[1], 3, 3]
        let wValues = rng.floats(wShape.reduce(1, *))
        let bias = Tensor(shape: [c.cout], floats: b)
        let up = Self.upsampled(x, c.x), upShape = [c.x[0], c.x[1], 2 * c.x[2], 2 * c.x[3]]

        // f32: the summed weights change only the rounding.
        let (want, shape) = Naive.conv2d(x: up, xShape: upShape, w: wValues, wShape: wShape, bias: b, stride: 1, pad: (1, 1, 1, 1),
                                         dilation: 1, groups: 1)
        let conv = NearestUpsampledConv(weight: Tensor(shape: wShape, floats: wValues), bias: bias)
        let got = conv(Tensor(shape: c.x, floats: x))
        #expect(got.shape == shape)
        let e = NumericComparison.nmse(got.toFloats(), want)
        print("upsampled conv f32 \(c.x) → \(shape): NMSE \(e)")
        #expect(e <= 1e-12, "\(NumericComparison.describeDivergence(got.toFloats(), want))")
        #expect(Self.atThreads(1) { conv(Tensor(shape: c.x, floats: x)).toFloats() } == got.toFloats())

        // bf16: rounded input and bf16 weights; the phase sums are rounded to bf16 once more.
        let wb = Tensor.make(wValues, shape: wShape, dtype: .bf16)
        let (wantBF16, _) = Naive.conv2d(x: Naive.roundedToBF16(up), xShape: upShape, w: wb.toFloats(), wShape: wShape, bias: b,
                                         stride: 1, pad: (1, 1, 1, 1), dilation: 1, groups: 1)
        let convBF16 = NearestUpsampledConv(weight: wb, bias: bias)
        KernelDispatch.forEachBF16Setting { setting in
            do {
                let path = "\(setting): \(Conv2D.bf16Path())"
                let run = { convBF16(Tensor(shape: c.x, floats: x), activations: .bf16).toFloats() }
                let two = Self.atThreads(2, run), one = Self.atThreads(1, run)
                let e = NumericComparison.nmse(two, wantBF16)
                print("upsampled conv bf16 \(c.x), \(path): NMSE \(e)")
                #expect(e <= 1e-5, "\(path): \(NumericComparison.describeDivergence(two, wantBF16))")
                #expect(one == two, "\(path): outputs depend on the thread count")
            }
        }
    }
}
