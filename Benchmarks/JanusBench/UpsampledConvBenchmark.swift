import Tensors

/// The decoders' Upsample (nearest ×2, then a 3×3 conv) at the SDXL-VAE's and the VQ decoder's shapes: upsampling
/// then convolving (as before) against `NearestUpsampledConv`'s four 2×2 phases, f32 and bf16 (the CPU's bf16
/// kernel), alternated, medians of 3, with the largest difference between the two.
enum UpsampledConvBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        var rng = NumpyRandom(seed: 7)
        // Input side: the 48×48 latent's levels (512 ch at 48, 96; 256 at 192) and the VQ decoder's (24–192).
        let shapes = [(channels: 512, side: 48), (channels: 512, side: 96), (channels: 256, side: 192), (channels: 256, side: 48), (channels: 128, side: 192)]
        for shape in shapes {
            let c = shape.channels, s = shape.side
            let x = Tensor(shape: [1, c, s, s], floats: (0..<c * s * s).map { _ in Float(rng.random() - 0.5) })
            let w = Tensor(shape: [c, c, 3, 3], floats: (0..<c * c * 9).map { _ in Float(rng.random() - 0.5) * 0.05 })
            let b = Tensor(shape: [c], floats: (0..<c).map { _ in Float(rng.random() - 0.5) })
            for (name, weight, a) in [("f32", w, ActivationPrecision.f32), ("bf16", w.toBF16(), .bf16)] {
                let phases = NearestUpsampledConv(weight: weight, bias: b)
                func direct() -> Tensor {
                    Conv2D.apply(Resampling.upsampleNearest(x, factor: 2), weight: weight, bias: b, options: Conv2D.Options(padding: 1), activations: a)
                }
                var before: [Double] = [], after: [Double] = []
                for _ in 0..<3 {
                    before.append(medianSeconds(repeats: 1) { _ = direct() })
                    after.append(medianSeconds(repeats: 1) { _ = phases(x, activations: a) })
                }
                let worst = zip(direct().toFloats(), phases(x, activations: a).toFloats()).map { abs($0 - $1) }.max() ?? 0
                let (t0, t1) = (before.sorted()[1], after.sorted()[1])
                report.add([("benchmark", "upsampled_conv"), ("channels", String(c)), ("input_side", String(s)), ("precision", name),
                            ("upsample_then_conv_s", format(t0, 4)), ("four_phases_s", format(t1, 4)), ("speedup", format(t0 / t1, 2)),
                            ("max_abs_diff", String(format: "%.2e", Double(worst)))])
            }
        }
    }
}
