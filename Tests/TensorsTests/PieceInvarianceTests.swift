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
