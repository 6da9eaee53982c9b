/// Bilinear resize equal to PyTorch `F.interpolate(x, size, mode="bilinear", align_corners=False,
/// antialias=False)` on NCHW f32: source = (dst + 0.5)·(in/out) − 0.5, clamped at 0; the upper neighbour is
/// clamped at the edge; weights in f32 as torch computes them.
public enum BilinearResize {
    struct Taps { var i0: Int; var i1: Int; var w0: Float; var w1: Float }

    static func taps(input: Int, output: Int) -> [Taps] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { dst in
            let src = max(scale * (Float(dst) + 0.5) - 0.5, 0)
            let i0 = Int(src)
            let i1 = i0 + (i0 < input - 1 ? 1 : 0)
            let l1 = src - Float(i0)
            return Taps(i0: i0, i1: i1, w0: 1 - l1, w1: l1)
        }
    }

    public static func resize(_ x: Tensor, height outH: Int, width outW: Int) -> Tensor {
        precondition(x.rank == 4 && outH > 0 && outW > 0)
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let ty = taps(input: h, output: outH), tx = taps(input: w, output: outW)
        let out = Tensor(zeros: [n, c, outH, outW])
        x.withFloats { px in out.withMutableFloats { py in
            Parallel.forEachChunk(n * c, minChunk: 1) { range in
                for plane in range {
                    let src = px.baseAddress! + plane * h * w, dst = py.baseAddress! + plane * outH * outW
                    for oy in 0..<outH {
                        let t = ty[oy]
                        let r0 = src + t.i0 * w, r1 = src + t.i1 * w
                        for ox in 0..<outW {
                            let s = tx[ox]
                            dst[oy * outW + ox] = t.w0 * (s.w0 * r0[s.i0] + s.w1 * r0[s.i1]) + t.w1 * (s.w0 * r1[s.i0] + s.w1 * r1[s.i1])
                        }
                    }
                }
            }
        } }
        return out
    }
}
