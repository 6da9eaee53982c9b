/// Nearest ×2 upsampling followed by a 3 × 3, stride-1, padding-1 convolution — the VQ and VAE decoders'
/// `Upsample` (`conv(F.interpolate(x, scale_factor=2, mode="nearest"))`) — computed on the input itself.
///
/// Output pixel (2y + py, 2x + px) of the upsampled grid reads input rows y − 1, y, y + 1 through the kernel rows
/// as {0} {1, 2} when py = 0 and {0, 1} {2} when py = 1 (the same for columns), so each of the four output phases
/// is a 2 × 2 convolution of the input with kernel taps summed in those groups, and with the input's zero border
/// on the side the phase reaches: padding (top 1 − py, bottom py, left 1 − px, right px). That is 16 instead of 36
/// multiply-adds per output and input channel (2.25× fewer), and the 4× larger upsampled tensor and its padded copy
/// are never built. The summed weights are rounded once, so results equal the upsample-then-convolve ones to f32
/// rounding (bf16 weights: to bf16 rounding of the sums; the bf16 kernels are used as for any convolution).
public struct NearestUpsampledConv: Sendable {
    /// Phase py·2 + px: [Cout, Cin, 2, 2] in f32 (sums of the stored weights, exact up to one f32 rounding).
    let phasesF32: [Tensor]
    /// The same sums rounded to bf16, for `activations: .bf16`, when the stored weights are bf16.
    let phasesBF16: [Tensor]?
    let bias: Tensor?

    /// `weight` [Cout, Cin, 3, 3] (f32 or bf16), `bias` [Cout].
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3, "upsampled conv: a 3 × 3 weight, got \(weight.shape)")
        let (cout, cin) = (weight.shape[0], weight.shape[1])
        let w = weight.toFloats()
        // Kernel rows (or columns) that land on input offset a ∈ {0, 1} of the phase's 2 × 2 window.
        let groups: [[[Int]]] = [[[0], [1, 2]], [[0, 1], [2]]]
        var phases: [Tensor] = []
        for py in 0..<2 { for px in 0..<2 {
            var k = [Float](repeating: 0, count: cout * cin * 4)
            for oc in 0..<(cout * cin) {
                for a in 0..<2 { for b in 0..<2 {
                    var s: Float = 0
                    for i in groups[py][a] { for j in groups[px][b] { s += w[oc * 9 + i * 3 + j] } }
                    k[oc * 4 + a * 2 + b] = s
                } }
            }
            phases.append(Tensor(shape: [cout, cin, 2, 2], floats: k))
        } }
        phasesF32 = phases
        phasesBF16 = weight.dtype == .bf16 ? phases.map { $0.toBF16() } : nil
        self.bias = bias
    }

    /// `x` [B, Cin, H, W] → [B, Cout, 2H, 2W]. `.bf16` with bf16 weights takes Conv2D's bf16 kernels (AMX tiles,
    /// AVX512-BF16) on the rounded sums; otherwise the f32 path.
    public func callAsFunction(_ x: Tensor, activations: ActivationPrecision = .f32) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == phasesF32[0].shape[1], "upsampled conv: input \(x.shape) vs weight \(phasesF32[0].shape)")
        let (batch, height, width, cout) = (x.shape[0], x.shape[2], x.shape[3], phasesF32[0].shape[0])
        let weights = activations == .bf16 ? (phasesBF16 ?? phasesF32) : phasesF32
        let out = Tensor(uninitialized: [batch, cout, 2 * height, 2 * width])
        for py in 0..<2 { for px in 0..<2 {
            var options = Conv2D.Options()
            options.padding = (1 - py, py, 1 - px, px)
            let phase = Conv2D.apply(x, weight: weights[py * 2 + px], bias: bias, options: options, activations: activations)
            // Phase output (y, x) goes to (2y + py, 2x + px).
            phase.withFloats { src in out.withMutableFloats { dst in
                let s = src.baseAddress!, d = dst.baseAddress!
                Parallel.forEachChunk(batch * cout * height, minChunk: 64) { rows in
                    for row in rows {
                        let plane = row / height, y = row % height
                        let from = s + row * width, to = d + (plane * 2 * height + 2 * y + py) * 2 * width + px
                        for i in 0..<width { to[2 * i] = from[i] }
                    }
                }
            } }
        } }
        return out
    }
}
