#if canImport(Glibc)
import Glibc
#endif

import CKernels

/// Element-wise functions and the row softmax.
public enum Activations {
    /// Exact GELU, as `nn.GELU()`: 0.5·x·(1 + erf(x/√2)).
    public static func gelu(_ x: Tensor) -> Tensor { map(x) { 0.5 * $0 * (1 + erff($0 * 0.70710678118654752)) } }

    /// SiLU (swish): x·sigmoid(x) (a SIMD kernel with a ~1 ulp exp).
    public static func silu(_ x: Tensor) -> Tensor {
        let out = Tensor(uninitialized: x.shape)
        x.withFloats { px in out.withMutableFloats { py in
            siluRaw(px.baseAddress!, times: nil, into: py.baseAddress!, count: x.count)
        } }
        return out
    }

    /// y = silu(x) (· `times` when given) over raw buffers, in parallel; `y` may be `x`.
    public static func siluRaw(_ x: UnsafePointer<Float>, times: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>, count: Int) {
        let level = Int32(KernelDispatch.level)
        Parallel.forEachChunk(count, minChunk: 1 << 14) { r in
            jk_silu(level, x + r.lowerBound, times.map { $0 + r.lowerBound }, y + r.lowerBound, r.count)
        }
    }

    /// `y += x` element-wise, in place, in parallel (residual connections: the sum takes no new block). Addition
    /// commutes exactly, so this equals a fresh `x + y` bit for bit.
    public static func add(_ x: Tensor, into y: Tensor) {
        precondition(x.shape == y.shape, "add: shapes \(x.shape) and \(y.shape)")
        x.withFloats { px in y.withMutableFloats { py in
            let (a, b) = (px.baseAddress!, py.baseAddress!)
            Parallel.forEachChunk(x.count, minChunk: 1 << 16) { r in
                for i in r { b[i] += a[i] }
            }
        } }
    }

    public static func map(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        let out = Tensor(zeros: x.shape)
        x.withFloats { px in out.withMutableFloats { py in
            Parallel.forEachChunk(x.count, minChunk: 1 << 14) { range in
                for i in range { py[i] = f(px[i]) }
            }
        } }
        return out
    }

    /// Softmax over the last dimension, max-subtracted so large logits do not overflow.
    public static func softmax(_ x: Tensor) -> Tensor {
        let out = Tensor(zeros: x.shape)
        x.withFloats { px in out.withMutableFloats { py in
            softmaxRows(px.baseAddress!, py.baseAddress!, rows: x.count / max(x.shape.last ?? 1, 1), width: x.shape.last ?? 1)
        } }
        return out
    }

    /// Row-wise softmax on raw buffers (also used in place by attention). A row that is all −∞ becomes zeros.
    public static func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        Parallel.forEachChunk(rows, minChunk: 8) { range in
            for r in range {
                let src = x + r * width, dst = y + r * width
                var m = -Float.infinity
                for i in 0..<width where src[i] > m { m = src[i] }
                if m == -.infinity { for i in 0..<width { dst[i] = 0 }; continue }
                var sum: Float = 0
                for i in 0..<width { let e = expf(src[i] - m); dst[i] = e; sum += e }
                let inv = 1 / sum
                for i in 0..<width { dst[i] *= inv }
            }
        }
    }
}
