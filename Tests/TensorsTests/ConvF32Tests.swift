import Foundation
import Testing
import Tensors
import TestSupport

/// The f32 stride-1 convolution on our AVX-512 kernel (CKernels/conv_f32.c, the default precision where the CPU has
/// AVX-512) against a Double convolution, next to the shifted-sgemm path it replaces; each case prints which paths ran.
@Suite struct ConvF32Tests {
    /// Output channels not a multiple of 8 (3, 11, 17, 35: a last block of zero weights whose rows are dropped), one
    /// and four input channels (the VAE's conv_in), rows shorter than one 48-position block and grids of many work
    /// items, 1×1 with and without padding, 2×2 (the upsample phases), 3×3, 5×5, 1×7 and 7×1 (Inception) and 9×9 (81 taps: past
    /// the kernel's 64, the sgemm path), no / symmetric / asymmetric padding, batches of 2.
    static let cases: [(x: [Int], w: [Int], pad: (Int, Int, Int, Int))] = [
        ([2, 5, 7, 9], [11, 5, 3, 3], (1, 1, 1, 1)),
        ([1, 40, 19, 37], [35, 40, 3, 3], (1, 1, 1, 1)),
        ([1, 7, 6, 5], [3, 7, 1, 1], (1, 1, 1, 1)),
        ([2, 24, 10, 13], [19, 24, 1, 1], (0, 0, 0, 0)),
        ([2, 4, 9, 6], [17, 4, 2, 3], (0, 1, 2, 0)),
        ([1, 1, 30, 30], [8, 1, 3, 3], (1, 1, 1, 1)),
        ([1, 4, 24, 24], [64, 4, 3, 3], (1, 1, 1, 1)),
        ([1, 16, 17, 17], [24, 16, 1, 7], (0, 0, 3, 3)),
        ([1, 16, 17, 17], [24, 16, 7, 1], (3, 3, 0, 0)),
        ([1, 24, 12, 12], [16, 24, 2, 2], (1, 0, 1, 0)),
        ([2, 8, 11, 13], [20, 8, 5, 5], (2, 2, 2, 2)),
        ([1, 6, 14, 14], [5, 6, 9, 9], (4, 4, 4, 4)),
        ([1, 64, 50, 50], [40, 64, 3, 3], (1, 1, 1, 1)),
    ]

    static func run(_ x: [Float], _ c: (x: [Int], w: [Int], pad: (Int, Int, Int, Int)), _ w: [Float], _ b: [Float]) -> [Float] {
        var options = Conv2D.Options()
        options.padding = c.pad
        return Conv2D.apply(Tensor(shape: c.x, floats: x), weight: Tensor(shape: c.w, floats: w),
                            bias: Tensor(shape: [c.w[0]], floats: b), options: options).toFloats()
    }

    @Test(arguments: 0..<cases.count)
    func f32ConvolutionEqualsADoubleConvolution(index: Int) {
        let c = Self.cases[index]
        var rng = TestRandom(seed: UInt64(61 + index))
        let x = rng.floats(c.x.reduce(1, *)).map { $0 * 3 }, w = rng.floats(c.w.reduce(1, *)), b = rng.floats(c.w[0])
        let (want, shape) = Naive.conv2d(x: x, xShape: c.x, w: w, wShape: c.w, bias: b, stride: 1, pad: c.pad, dilation: 1, groups: 1)
        #expect(shape.reduce(1, *) == want.count)
        let taps = c.w[2] * c.w[3]
        var outputs: [[Float]] = []
        for direct in [true, false] {
            KernelDispatch.withF32Direct(direct) {
                let path = KernelDispatch.f32ConvDirect(taps: taps) ? "AVX-512 direct" : "shifted sgemm"
                let got = Self.run(x, c, w, b)
                let e = NumericComparison.nmse(got, want)
                print("conv2d f32 \(c.x) * \(c.w) pad \(c.pad), \(path): NMSE \(e)")
                #expect(e <= 1e-12, "\(path): \(NumericComparison.describeDivergence(got, want))")
                let before = Parallel.threadCount
                Parallel.setThreadCount(1)
                let one = Self.run(x, c, w, b)
                Parallel.setThreadCount(2)
                let two = Self.run(x, c, w, b)
                Parallel.setThreadCount(before)
                #expect(one == two && one == got, "\(path): outputs depend on the thread count")
                outputs.append(got)
            }
        }
        if !KernelDispatch.f32ConvDirect(taps: taps) { #expect(outputs[0] == outputs[1], "no direct kernel here: one path") }
    }

    /// The direct kernel serves f32 wherever the CPU has AVX-512 (and only there: a forced lower level takes sgemm).
    @Test func directKernelRunsAtTheAVX512LevelOnly() {
        #expect(KernelDispatch.f32ConvDirect(taps: 9) == (KernelDispatch.detectedLevel >= 3))
        #expect(!KernelDispatch.f32ConvDirect(taps: 81))
        for level in KernelDispatch.availableLevels where level < 3 {
            KernelDispatch.withForcedLevel(level) { #expect(!KernelDispatch.f32ConvDirect(taps: 9)) }
        }
        print("f32 direct convolution: \(KernelDispatch.f32ConvDirect(taps: 9) ? "runs" : "not on this CPU (below AVX-512)")")
    }
}
