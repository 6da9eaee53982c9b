import Testing
import Tensors
import TestSupport

/// `Conv2D.apply(_:normalizedBy:…)` (a GroupNorm, and SiLU, applied as the convolution packs its grid, the normalised
/// tensor never stored) against the convolution of the stored `Normalization.groupNorm` output: the same bits on
/// every path, which each case prints.
@Suite struct ConvNormalizedInputTests {
    /// 3×3 padded (the ResnetBlocks), an odd channel count (the last bf16 channel pair half empty), 1×1, a stride-2
    /// conv (the f32 fallback, normalised first), batches of 2 (per-image statistics).
    static let cases: [(x: [Int], w: [Int], stride: Int, pad: Int, groups: Int)] = [
        ([2, 64, 11, 13], [24, 64, 3, 3], 1, 1, 32),
        ([1, 6, 9, 50], [7, 6, 3, 3], 1, 1, 3),
        ([2, 32, 8, 8], [16, 32, 1, 1], 1, 0, 8),
        ([1, 32, 12, 12], [8, 32, 3, 3], 2, 1, 4),
    ]

    @Test(arguments: 0..<cases.count, [false, true])
    func aNormalisedInputEqualsTheStoredNorm(index: Int, silu: Bool) {
        let c = Self.cases[index]
        var rng = TestRandom(seed: UInt64(90 + index))
        let x = Tensor(shape: c.x, floats: rng.floats(c.x.reduce(1, *)).map { $0 * 4 + 0.7 })
        let gamma = Tensor(shape: [c.x[1]], floats: rng.floats(c.x[1]).map { 1 + $0 })
        let beta = Tensor(shape: [c.x[1]], floats: rng.floats(c.x[1]))
        let wf = rng.floats(c.w.reduce(1, *)), b = Tensor(shape: [c.w[0]], floats: rng.floats(c.w[0]))
        let weights: [(String, Tensor, ActivationPrecision)] = [
            ("f32", Tensor(shape: c.w, floats: wf), .f32),
            ("bf16", Tensor(shape: c.w, floats: wf).toBF16(), .bf16),
        ]
        let options = Conv2D.Options(stride: c.stride, padding: c.pad)
        let normed = Normalization.groupNorm(x, groups: c.groups, weight: gamma, bias: beta, eps: 1e-6, silu: silu)
        let affine = Normalization.groupNormAffine(x, groups: c.groups, weight: gamma, bias: beta, eps: 1e-6, silu: silu)
        #expect(affine.applied(to: x).toFloats() == normed.toFloats())
        for (name, w, a) in weights {
            for direct in [true, false] {
                KernelDispatch.withF32Direct(direct) { KernelDispatch.forEachBF16Setting { setting in
                    let want = Conv2D.apply(normed, weight: w, bias: b, options: options, activations: a).toFloats()
                    let got = Conv2D.apply(x, normalizedBy: affine, weight: w, bias: b, options: options, activations: a).toFloats()
                    let f32Path = c.stride != 1 ? "im2col + sgemm" : KernelDispatch.f32ConvDirect(taps: c.w[2] * c.w[3]) ? "f32 AVX-512 direct" : "f32 shifted sgemm"
                    let path = a == .bf16 ? Conv2D.bf16Path(options: options) : f32Path
                    print("conv2d normalised input \(c.x) * \(c.w) stride \(c.stride), silu \(silu), \(name) weights, \(setting): \(path)")
                    #expect(got == want, "\(name), \(setting), \(path): \(NumericComparison.describeDivergence(got, want))")
                    if a == .bf16 && !path.hasPrefix("AMX") && !path.hasPrefix("AVX512-BF16") {
                        // The f32 kernels round as they fill their grid: the bits of the f32 convolution of the rounded copy.
                        let copy = Conv2D.apply(HalfPrecision.roundedToBF16(normed), weight: w, bias: b, options: options).toFloats()
                        #expect(got == copy, "\(setting), \(path): \(NumericComparison.describeDivergence(got, copy))")
                    }
                } }
            }
        }
    }
}
