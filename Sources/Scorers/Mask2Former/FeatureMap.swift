import Tensors

/// Layout changes between token rows [H·W, C] (what the attention blocks read) and channel planes [1, C, H, W]
/// (what convolutions, norms and resizing read), plus the element-wise pieces the blocks share.
enum FeatureMap {
    /// [H·W, C] tokens → [1, C, H, W].
    static func planes(_ tokens: Tensor, height: Int, width: Int) -> Tensor {
        let c = tokens.shape.last!, n = height * width
        precondition(tokens.count == n * c, "planes: \(tokens.shape) is not \(height)×\(width) tokens")
        let out = Tensor(uninitialized: [1, c, height, width])
        tokens.withFloats { src in out.withMutableFloats { dst in
            for t in 0..<n { for ch in 0..<c { dst[ch * n + t] = src[t * c + ch] } }
        } }
        return out
    }

    /// [1, C, H, W] (or [C, H, W]) → [H·W, C] tokens.
    static func tokens(_ planes: Tensor) -> Tensor {
        let c = planes.shape[planes.rank - 3], n = planes.shape[planes.rank - 2] * planes.shape[planes.rank - 1]
        let out = Tensor(uninitialized: [n, c])
        planes.withFloats { src in out.withMutableFloats { dst in
            for ch in 0..<c { for t in 0..<n { dst[t * c + ch] = src[ch * n + t] } }
        } }
        return out
    }

    static func add(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.count == b.count, "add: \(a.shape) vs \(b.shape)")
        let out = Tensor(uninitialized: a.shape)
        a.withFloats { pa in b.withFloats { pb in out.withMutableFloats { po in
            for i in 0..<a.count { po[i] = pa[i] + pb[i] }
        } } }
        return out
    }

    /// Rows of `a` [N, C] plus one row `row` [C] each.
    static func addRow(_ a: Tensor, _ row: [Float]) -> Tensor {
        let c = row.count
        precondition(a.count % c == 0)
        let out = Tensor(uninitialized: a.shape)
        a.withFloats { pa in out.withMutableFloats { po in
            for i in 0..<a.count { po[i] = pa[i] + row[i % c] }
        } }
        return out
    }

    static func relu(_ x: Tensor) -> Tensor {
        let out = Tensor(uninitialized: x.shape)
        x.withFloats { px in out.withMutableFloats { po in for i in 0..<x.count { po[i] = max(px[i], 0) } } }
        return out
    }

    /// Rows [from, from + count) of a row-major [N, C] tensor.
    static func rows(_ x: Tensor, from: Int, count: Int) -> Tensor {
        let c = x.shape.last!
        let out = Tensor(uninitialized: [count, c])
        x.withFloats { px in out.withMutableFloats { po in
            po.baseAddress!.update(from: px.baseAddress! + from * c, count: count * c)
        } }
        return out
    }

    /// Row-wise concatenation of [N_i, C] tensors.
    static func concatRows(_ parts: [Tensor]) -> Tensor {
        let c = parts[0].shape.last!, n = parts.reduce(0) { $0 + $1.count / c }
        let out = Tensor(uninitialized: [n, c])
        out.withMutableFloats { po in
            var at = 0
            for p in parts { p.withFloats { src in (po.baseAddress! + at).update(from: src.baseAddress!, count: src.count) }; at += p.count }
        }
        return out
    }
}
