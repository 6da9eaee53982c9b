import Foundation
import Tensors

/// Straightforward Double-precision references the kernels are checked against.
enum Naive {
    static func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let av = transposeA ? a[p * m + i] : a[i * k + p]
                let bv = transposeB ? b[j * k + p] : b[p * n + j]
                s += Double(av) * Double(bv)
            }
            out[i * n + j] = Float(s)
        } }
        return out
    }

    static func conv2d(x: [Float], xShape: [Int], w: [Float], wShape: [Int], bias: [Float]?, stride: Int,
                       pad: (Int, Int, Int, Int), dilation: Int, groups: Int) -> ([Float], [Int]) {
        let (n, c, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
        let (o, cg, kh, kw) = (wShape[0], wShape[1], wShape[2], wShape[3])
        let oh = (h + pad.0 + pad.1 - dilation * (kh - 1) - 1) / stride + 1
        let ow = (wd + pad.2 + pad.3 - dilation * (kw - 1) - 1) / stride + 1
        let og = o / groups
        var out = [Float](repeating: 0, count: n * o * oh * ow)
        for b in 0..<n { for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
            var s = Double(bias?[oc] ?? 0)
            let g = oc / og
            for ic in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let iy = y * stride - pad.0 + i * dilation, ix = xx * stride - pad.2 + j * dilation
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                s += Double(x[((b * c + g * cg + ic) * h + iy) * wd + ix]) * Double(w[((oc * cg + ic) * kh + i) * kw + j])
            } } }
            out[((b * o + oc) * oh + y) * ow + xx] = Float(s)
        } } } }
        return (out, [n, o, oh, ow])
    }

    static func softmax(_ row: [Double]) -> [Double] {
        let m = row.max() ?? 0
        if m == -.infinity { return row.map { _ in 0 } }
        let e = row.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    static func attention(q: [Float], k: [Float], v: [Float], b: Int, h: Int, sq: Int, sk: Int, d: Int,
                          causal: Bool, keyMask: [[Bool]]?) -> [Float] {
        var out = [Float](repeating: 0, count: b * h * sq * d)
        let scale = 1 / Double(d).squareRoot()
        for bi in 0..<b { for hi in 0..<h {
            let head = bi * h + hi
            for i in 0..<sq {
                var scores = [Double](repeating: 0, count: sk)
                for j in 0..<sk {
                    var s = 0.0
                    for p in 0..<d { s += Double(q[(head * sq + i) * d + p]) * Double(k[(head * sk + j) * d + p]) }
                    scores[j] = s * scale
                    if causal && j > sk - sq + i { scores[j] = -.infinity }
                    if let keyMask, !keyMask[bi][j] { scores[j] = -.infinity }
                }
                let p = softmax(scores)
                for t in 0..<d {
                    var s = 0.0
                    for j in 0..<sk { s += p[j] * Double(v[(head * sk + j) * d + t]) }
                    out[(head * sq + i) * d + t] = Float(s)
                }
            }
        } }
        return out
    }

    static func roundedToBF16(_ values: [Float]) -> [Float] {
        values.map { HalfPrecision.float(fromBF16: HalfPrecision.bf16Bits(from: $0)) }
    }
}

extension Tensor {
    /// A tensor of the given dtype holding `values` (rounded to bf16/f16 when asked).
    static func make(_ values: [Float], shape: [Int], dtype: DType) -> Tensor {
        let t = Tensor(zeros: shape, dtype: dtype)
        let p = t.rawPointer
        for (i, v) in values.enumerated() {
            switch dtype {
            case .f32: p.storeBytes(of: v, toByteOffset: i * 4, as: Float.self)
            case .bf16: p.storeBytes(of: HalfPrecision.bf16Bits(from: v), toByteOffset: i * 2, as: UInt16.self)
            case .f16: p.storeBytes(of: HalfPrecision.f16Bits(from: v), toByteOffset: i * 2, as: UInt16.self)
            default: fatalError("test helper: unsupported dtype")
            }
        }
        return t
    }
}
