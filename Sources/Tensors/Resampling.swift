/// Nearest-neighbour upsampling and pixel shuffle on NCHW tensors.
public enum Resampling {
    /// Nearest ×factor on both spatial axes, as `F.interpolate(scale_factor=f, mode="nearest")` for integers.
    public static func upsampleNearest(_ x: Tensor, factor: Int) -> Tensor {
        precondition(x.rank == 4 && factor >= 1)
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let out = Tensor(uninitialized: [n, c, h * factor, w * factor])
        let ow = w * factor
        x.withFloats { px in out.withMutableFloats { py in
            Parallel.forEachChunk(n * c * h, minChunk: 64) { range in
                for row in range {
                    let plane = row / h, y = row % h
                    let src = px.baseAddress! + row * w
                    for dy in 0..<factor {
                        let dst = py.baseAddress! + (plane * h * factor + y * factor + dy) * ow
                        for xx in 0..<w { for dx in 0..<factor { dst[xx * factor + dx] = src[xx] } }
                    }
                }
            }
        } }
        return out
    }

    /// `nn.PixelShuffle(r)`: in-channel c·r² + i·r + j moves to out-channel c at (r·h + i, r·w + j).
    public static func pixelShuffle(_ x: Tensor, factor r: Int) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] % (r * r) == 0)
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let c = cin / (r * r)
        let out = Tensor(zeros: [n, c, h * r, w * r])
        x.withFloats { px in out.withMutableFloats { py in
            for b in 0..<n { for ch in 0..<c { for i in 0..<r { for j in 0..<r {
                let src = px.baseAddress! + ((b * cin) + ch * r * r + i * r + j) * h * w
                let dst = py.baseAddress! + (b * c + ch) * h * r * w * r
                for y in 0..<h { for xx in 0..<w { dst[(y * r + i) * w * r + xx * r + j] = src[y * w + xx] } }
            } } } }
        } }
        return out
    }
}
