#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// DETR's normalised sine position embedding (`Mask2FormerSinePositionEmbedding(normalize=True)`), as token rows
/// [H·W, 2·features]: the y half first, then the x half; channel k of each half is sin (even k) or cos (odd k) of
/// position / 10000^(2⌊k/2⌋/features), positions (i + 1)/(side + 1e-6)·2π. Computed in f32 as the reference does.
enum SinePositionEmbedding {
    static func tokens(height: Int, width: Int, features npf: Int) -> Tensor {
        let scale = Float(2 * Double.pi)
        let dim = (0..<npf).map { k in powf(10000, Float(2 * (k / 2)) / Float(npf)) }
        let ys = (0..<height).map { Float($0 + 1) / (Float(height) + 1e-6) * scale }
        let xs = (0..<width).map { Float($0 + 1) / (Float(width) + 1e-6) * scale }
        let out = Tensor(uninitialized: [height * width, 2 * npf])
        out.withMutableFloats { dst in
            for y in 0..<height { for x in 0..<width {
                let row = dst.baseAddress! + (y * width + x) * 2 * npf
                for k in 0..<npf {
                    let vy = ys[y] / dim[k], vx = xs[x] / dim[k]
                    row[k] = k % 2 == 0 ? sinf(vy) : cosf(vy)
                    row[npf + k] = k % 2 == 0 ? sinf(vx) : cosf(vx)
                }
            } }
        }
        return out
    }
}
