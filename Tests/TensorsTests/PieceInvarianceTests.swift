import Foundation
import Tensors
import Testing
import TestSupport

/// What prompt-prefix reuse relies on (issue 16): the kernels give a row the same bits however its sequence was
/// cut — attention over keys held in two segments equals it over one, a product row equals itself inside any
/// larger product of prompt rows, packed RoPE equals RoPE per sequence.
@Suite(.serialized) struct PieceInvarianceTests {
    @Test func attentionOverTwoSegmentsEqualsOneSegmentBitForBit() {
        var rng = TestRandom(seed: 16)
        for (dim, count, split) in [(128, 613, 577), (128, 40, 1), (128, 40, 39), (64, 17, 8), (24, 30, 11)] {
            let q = rng.floats(dim), keys = rng.floats(count * dim).map { $0 * 3 }, values = rng.floats(count * dim)
            let mask: [UInt8] = (0..<count).map { $0 % 5 == 3 ? 0 : 1 }
            for level in KernelDispatch.availableLevels {
                KernelDispatch.withForcedLevel(level) {
                    for masked in [false, true] {
                        var one = [Float](repeating: .nan, count: dim), two = one, scratch = [Float](repeating: 0, count: count)
                        q.withUnsafeBufferPointer { qp in keys.withUnsafeBufferPointer { kp in values.withUnsafeBufferPointer { vp in
                            mask.withUnsafeBufferPointer { mp in
                                let m = masked ? mp.baseAddress : nil
                                Attention.attendRow(query: qp.baseAddress!, keys: kp.baseAddress!, values: vp.baseAddress!, count: count,
                                                    dim: dim, scale: 0.088, visible: m, scratch: &scratch, out: &one)
                                Attention.attendRow(query: qp.baseAddress!, keys: kp.baseAddress!, values: vp.baseAddress!, firstCount: split,
                                                    ownKeys: kp.baseAddress! + split * dim, ownValues: vp.baseAddress! + split * dim,
                                                    count: count, dim: dim, scale: 0.088, visible: m, scratch: &scratch, out: &two)
                            }
                        } } }
                        #expect(one.map(\.bitPattern) == two.map(\.bitPattern), "dim \(dim) keys \(count) split \(split) level \(level) masked \(masked)")
                    }
                }
            }
        }
    }

    /// The kernel that attends a run of causal rows at once (four rows share each key and value load) against the
    /// one-row kernel, row by row: bit for bit, with f32 and bf16 caches, keys in one segment or two (the split
    /// before, inside and after the rows' own keys), hidden keys (one row's first keys all hidden), and row counts
    /// that leave 1–3 rows over.
    @Test(arguments: [false, true])
    func attentionOfARunOfRowsEqualsItRowByRow(bf16: Bool) {
        var rng = TestRandom(seed: 18)
        for (dim, first, rows, split) in [(128, 1, 9, 0), (128, 300, 11, 310), (128, 37, 4, 37), (128, 20, 7, 5), (128, 1, 1, 1), (64, 9, 6, 4)] {
            let count = first + rows - 1
            let q = rng.floats(rows * dim), keysF = rng.floats(count * dim).map { $0 * 3 }, valuesF = rng.floats(count * dim)
            // bf16 caches hold the bits of bf16 values, f32 caches f32 values.
            let keys: [UInt8], values: [UInt8]
            if bf16 {
                keys = keysF.map { HalfPrecision.bf16Bits(from: $0) }.withUnsafeBytes { Array($0) }
                values = valuesF.map { HalfPrecision.bf16Bits(from: $0) }.withUnsafeBytes { Array($0) }
            } else {
                keys = keysF.withUnsafeBytes { Array($0) }; values = valuesF.withUnsafeBytes { Array($0) }
            }
            let element = bf16 ? 2 : 4
            let mask: [UInt8] = (0..<count).map { $0 % 7 == 2 || $0 < 2 ? 0 : 1 }
            for level in KernelDispatch.availableLevels {
                KernelDispatch.withForcedLevel(level) {
                    for masked in [false, true] {
                        var want = [Float](repeating: .nan, count: rows * dim), got = want
                        var scratch = [Float](repeating: 0, count: 4 * count)
                        keys.withUnsafeBytes { kp in values.withUnsafeBytes { vp in mask.withUnsafeBufferPointer { mp in
                            q.withUnsafeBufferPointer { qp in
                                let m = masked ? mp.baseAddress : nil
                                let (k0, v0) = (kp.baseAddress!, vp.baseAddress!)
                                let (k1, v1) = (k0 + split * dim * element, v0 + split * dim * element)
                                for r in 0..<rows {
                                    want.withUnsafeMutableBufferPointer { w in
                                        Attention.attendRow(query: qp.baseAddress! + r * dim, keys: k0, values: v0, bf16: bf16,
                                                            count: first + r, dim: dim, scale: 0.088, visible: m, scratch: &scratch,
                                                            out: w.baseAddress! + r * dim)
                                    }
                                }
                                Attention.attendRows(queries: qp.baseAddress!, queryStride: dim, rows: rows, keys: k0, values: v0,
                                                     firstCount: split, ownKeys: k1, ownValues: v1, bf16: bf16, count: first, dim: dim,
                                                     scale: 0.088, visible: m, scratch: &scratch, scratchStride: count, out: &got,
                                                     outStride: dim)
                            }
                        } } }
                        let differing = zip(want, got).filter { $0.bitPattern != $1.bitPattern }.count
                        #expect(differing == 0, "dim \(dim) first \(first) rows \(rows) split \(split) level \(level) masked \(masked): \(differing) of \(want.count) differ")
                        #expect(!got.contains { $0.isNaN })
                    }
                }
            }
        }
    }

    @Test(arguments: [DType.f32, .bf16])
    func aPromptRowIsTheSameInsideAnyLargerProduct(dtype: DType) {
        var rng = TestRandom(seed: 17)
        // The model's widths: K 2048, output rows in whole 256-row tiles (every Janus language-model weight: 2048,
        // 5632, 4096, 11008, 102400 rows). A narrower last tile (300 rows) left 3–8 of ~3000 outputs differing in the
        // last bit between row counts: OpenBLAS's narrow-column tail is not row-count invariant.
        let k = 2048, n = 512, m = 41
        let x = rng.floats(m * k)
        let wf = rng.floats(n * k)
        let weight: Tensor
        if dtype == .bf16 {
            let bits = wf.map { HalfPrecision.bf16Bits(from: $0) }
            weight = Tensor(zeros: [n, k], dtype: .bf16)
            bits.withUnsafeBytes { weight.rawPointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        } else {
            weight = Tensor(shape: [n, k], floats: wf)
        }
        for activations in [ActivationPrecision.f32, .bf16] {
            let whole = Linear.apply(Tensor(shape: [m, k], floats: x), weight: weight, activations: activations).toFloats()
            // Odd and even row counts at any offset, as long as there are more than gemvRowLimit rows.
            for (lo, hi) in [(0, 9), (0, 10), (3, 18), (5, 41), (0, 33), (12, 41)] {
                let part = Linear.apply(Tensor(shape: [hi - lo, k], floats: Array(x[(lo * k)..<(hi * k)])), weight: weight,
                                        activations: activations).toFloats()
                let differing = zip(part, whole[(lo * n)..<(hi * n)]).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(differing == 0, "\(dtype) \(activations) rows \(lo)..<\(hi): \(differing) outputs differ")
            }
        }
    }

    /// The f32 many-row product runs its token panels in groups past the weight blocks; the grouping is a cache
    /// blocking only: groups of 1, 2 and 3 panels and all at once give the same bits (5 panels of 48 tokens, the last
    /// part-filled, with a bias).
    @Test func panelGroupsDoNotChangeABit() {
        var rng = TestRandom(seed: 19)
        let n = 200, k = 96, rows = 230
        let weight = Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16), bias = Tensor(shape: [n], floats: rng.floats(n))
        let x = Tensor(shape: [rows, k], floats: rng.floats(rows * k))
        guard KernelDispatch.f32GEMMDirect else { print("no AVX-512: the f32 many-row product is sgemm here"); return }
        let all = Linear.withF32GEMMGroupPanels(Int.max) { Linear.apply(x, weight: weight, bias: bias) }.toFloats()
        for panels in [1, 2, 3] {
            let got = Linear.withF32GEMMGroupPanels(panels) { Linear.apply(x, weight: weight, bias: bias) }.toFloats()
            #expect(got.map(\.bitPattern) == all.map(\.bitPattern), "groups of \(panels) panels")
        }
        #expect(Linear.apply(x, weight: weight, bias: bias).toFloats() == all)
    }

    @Test func packedRoPEEqualsRoPEPerSequence() {
        var rng = TestRandom(seed: 18)
        let heads = 3, d = 16
        let a = rng.floats(4 * heads * d), b = rng.floats(2 * heads * d)
        let rope = RotaryEmbedding(headDim: d)
        // Per sequence in the [B, H, S, D] layout, from positions 10 and 600.
        func perSequence(_ x: [Float], steps: Int, from p: Int) -> [Float] {
            var heads4 = [Float](repeating: 0, count: x.count)   // [S][H][D] → [1][H][S][D]
            for s in 0..<steps { for h in 0..<heads { for i in 0..<d { heads4[(h * steps + s) * d + i] = x[(s * heads + h) * d + i] } } }
            let t = Tensor(shape: [1, heads, steps, d], floats: heads4)
            rope.apply(t, positions: Array(p..<(p + steps)))
            let r = t.toFloats()
            var back = [Float](repeating: 0, count: x.count)
            for s in 0..<steps { for h in 0..<heads { for i in 0..<d { back[(s * heads + h) * d + i] = r[(h * steps + s) * d + i] } } }
            return back
        }
        let packed = Tensor(shape: [6, heads * d], floats: a + b)
        rope.apply(rows: packed, positions: [10, 11, 12, 13, 600, 601])
        #expect(packed.toFloats().map(\.bitPattern) == (perSequence(a, steps: 4, from: 10) + perSequence(b, steps: 2, from: 600)).map(\.bitPattern))
    }
}
