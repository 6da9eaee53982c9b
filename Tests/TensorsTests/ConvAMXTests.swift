import Foundation
import Testing
import Tensors
import TestSupport

/// The AMX bf16 convolution (CKernels/conv_amx.c, `--precision bf16` on a CPU with AMX) against a Double
/// convolution of the bf16-rounded input and the bf16 weights, next to the path it replaces (AVX512-BF16 dot
/// products, or the f32 kernels on the rounded input where the CPU lacks them). Each case prints which path ran.
@Suite struct ConvAMXTests {
    /// Input channels not a multiple of 32 (5, 7, 33, 40: zero channel lines), output channels not a multiple of 16
    /// (3, 11, 17, 35: a lone last channel tile and dropped rows), rows shorter than one 16-column tile and longer
    /// than two, an odd number of output tiles, 1×1, 2×3, 3×3 and 5×5 taps, no / symmetric / asymmetric padding,
    /// batches of 2.
    static let cases: [(x: [Int], w: [Int], pad: (Int, Int, Int, Int))] = [
        ([2, 5, 7, 9], [11, 5, 3, 3], (1, 1, 1, 1)),
        ([1, 40, 19, 37], [35, 40, 3, 3], (1, 1, 1, 1)),
        ([1, 7, 6, 5], [3, 7, 1, 1], (0, 0, 0, 0)),
        ([2, 4, 9, 6], [17, 4, 2, 3], (0, 1, 2, 0)),
        ([1, 64, 12, 12], [24, 64, 3, 3], (1, 1, 1, 1)),
        ([1, 33, 16, 16], [32, 33, 3, 3], (2, 0, 0, 2)),
        ([1, 96, 10, 48], [48, 96, 1, 1], (0, 0, 0, 0)),
        ([1, 32, 20, 20], [16, 32, 3, 3], (0, 0, 0, 0)),
        ([2, 8, 11, 13], [20, 8, 5, 5], (2, 2, 2, 2)),
    ]

    static func run(_ x: [Float], _ c: (x: [Int], w: [Int], pad: (Int, Int, Int, Int)), _ w: Tensor, _ b: [Float]) -> [Float] {
        var options = Conv2D.Options()
        options.padding = c.pad
        return Conv2D.apply(Tensor(shape: c.x, floats: x), weight: w, bias: Tensor(shape: [c.w[0]], floats: b),
                            options: options, activations: .bf16).toFloats()
    }

    @Test(arguments: 0..<cases.count)
    func amxConvolutionEqualsTheConvolutionOfRoundedOperands(index: Int) {
        let c = Self.cases[index]
        var rng = TestRandom(seed: UInt64(41 + index))
        let x = rng.floats(c.x.reduce(1, *)).map { $0 * 3 }, b = rng.floats(c.w[0])
        let w = Tensor.make(rng.floats(c.w.reduce(1, *)), shape: c.w, dtype: .bf16)
        let (want, shape) = Naive.conv2d(x: Naive.roundedToBF16(x), xShape: c.x, w: w.toFloats(), wShape: c.w, bias: b,
                                         stride: 1, pad: c.pad, dilation: 1, groups: 1)
        #expect(shape.reduce(1, *) == want.count)
        print("AMX: \(KernelDispatch.hasAMX ? "usable" : "not available on this CPU, only the other path runs")")
        KernelDispatch.forEachBF16Setting { setting in
            do {
                let path = "\(setting): \(Conv2D.bf16Path())"
                let got = Self.run(x, c, w, b)
                let e = NumericComparison.nmse(got, want)
                print("conv2d bf16 \(c.x) * \(c.w) pad \(c.pad), \(path): NMSE \(e)")
                #expect(e <= 1e-12, "\(path): \(NumericComparison.describeDivergence(got, want))")
                let before = Parallel.threadCount
                Parallel.setThreadCount(1)
                let one = Self.run(x, c, w, b)
                Parallel.setThreadCount(2)
                let two = Self.run(x, c, w, b)
                Parallel.setThreadCount(before)
                #expect(one == two, "\(path): outputs depend on the thread count")
                #expect(one == got, "\(path): outputs depend on the thread count")
            }
        }
    }

    /// The weight-block pass size is a cache blocking only: 1, 3 and 8 tile pairs per pass give the same bits.
    @Test func blockingDoesNotChangeABit() {
        var rng = TestRandom(seed: 47)
        let c = Self.cases[1]
        let x = rng.floats(c.x.reduce(1, *)), b = rng.floats(c.w[0])
        let w = Tensor.make(rng.floats(c.w.reduce(1, *)), shape: c.w, dtype: .bf16)
        let runs = [1, 3, 8].map { pairs in Conv2D.withAMXBlockPairs(pairs) { Self.run(x, c, w, b) } }
        print("AMX blocking test, \(Conv2D.bf16Path())")
        #expect(runs[0] == runs[1] && runs[0] == runs[2])
    }

    /// A VQ-decoder-like shape: 128 channels on a 50 × 50 grid (many tiles per row, several channel-tile pairs).
    @Test func decoderShape() {
        var rng = TestRandom(seed: 48)
        let c: (x: [Int], w: [Int], pad: (Int, Int, Int, Int)) = ([1, 128, 50, 50], [128, 128, 3, 3], (1, 1, 1, 1))
        let x = rng.floats(c.x.reduce(1, *)), b = rng.floats(c.w[0])
        let w = Tensor.make(rng.floats(c.w.reduce(1, *)).map { $0 * 0.05 }, shape: c.w, dtype: .bf16)
        let (want, _) = Naive.conv2d(x: Naive.roundedToBF16(x), xShape: c.x, w: w.toFloats(), wShape: c.w, bias: b,
                                     stride: 1, pad: c.pad, dilation: 1, groups: 1)
        KernelDispatch.forEachBF16Setting { setting in
            let got = Self.run(x, c, w, b)
            let e = NumericComparison.nmse(got, want)
            print("conv2d bf16 \(c.x) * \(c.w), \(setting): \(Conv2D.bf16Path()): NMSE \(e)")
            #expect(e <= 1e-12, "\(setting)")
        }
    }
}
