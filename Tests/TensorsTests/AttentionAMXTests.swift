import Testing
import Tensors
import TestSupport

/// Attention over a bf16 cache with its dot products on AMX tiles (`--precision bf16` where AMX is active): against
/// a Double reference of the bf16-rounded queries and the cached keys and values, in one key segment or two (split
/// inside a 16-key block), with hidden keys, runs of 1–37 rows (partial 16-row blocks and 4-row groups); and close
/// to the path without AMX (which keeps the queries in f32). Prints which path ran.
@Suite struct AttentionAMXTests {
    static func reference(q: [Float], keys: [Float], values: [Float], first: Int, rows: Int, dim: Int, scale: Double,
                          mask: [UInt8]?) -> [Float] {
        var out = [Float](repeating: 0, count: rows * dim)
        let rq = Naive.roundedToBF16(q)
        for r in 0..<rows {
            let n = first + r
            var s = [Double](repeating: -.infinity, count: n)
            for j in 0..<n where mask?[j] ?? 1 != 0 {
                var d = 0.0
                for i in 0..<dim { d += Double(rq[r * dim + i]) * Double(keys[j * dim + i]) }
                s[j] = d * scale
            }
            let p = Naive.softmax(s)
            for i in 0..<dim {
                var acc = 0.0
                for j in 0..<n { acc += p[j] * Double(values[j * dim + i]) }
                out[r * dim + i] = Float(acc)
            }
        }
        return out
    }

    @Test func amxScoresMatchTheRoundedQueriesReference() {
        print("AMX attention: \(Attention.usesAMX(dim: 128) ? "active" : "not available on this CPU, only the other path runs")")
        var rng = TestRandom(seed: 23)
        let dim = 128
        for (first, rows, split, masked) in [(1, 1, 1, false), (19, 37, 19, true), (300, 16, 297, false), (5, 20, 0, true), (40, 3, 8, false)] {
            let count = first + rows - 1
            let q = rng.floats(rows * dim), keysF = Naive.roundedToBF16(rng.floats(count * dim).map { $0 * 3 })
            let valuesF = Naive.roundedToBF16(rng.floats(count * dim))
            let keys = keysF.map { HalfPrecision.bf16Bits(from: $0) }, values = valuesF.map { HalfPrecision.bf16Bits(from: $0) }
            let mask: [UInt8]? = masked ? (0..<count).map { $0 % 5 == 3 ? 0 : 1 } : nil
            let want = Self.reference(q: q, keys: keysF, values: valuesF, first: first, rows: rows, dim: dim, scale: 0.088, mask: mask)
            var results: [Bool: [Float]] = [:]
            for amx in [true, false] {
                KernelDispatch.withAMX(amx) {
                    var got = [Float](repeating: .nan, count: rows * dim)
                    var scratch = [Float](repeating: 0, count: 4 * count)
                    keys.withUnsafeBytes { kp in values.withUnsafeBytes { vp in
                        let (k0, v0) = (kp.baseAddress!, vp.baseAddress!)
                        let run = { (m: UnsafePointer<UInt8>?) in
                            Attention.attendRows(queries: q, queryStride: dim, rows: rows, keys: k0, values: v0, firstCount: split,
                                                 ownKeys: k0 + split * dim * 2, ownValues: v0 + split * dim * 2, bf16: true, count: first,
                                                 dim: dim, scale: 0.088, visible: m, scratch: &scratch, scratchStride: count, out: &got,
                                                 outStride: dim)
                        }
                        if let mask { mask.withUnsafeBufferPointer { run($0.baseAddress) } } else { run(nil) }
                    } }
                    results[amx] = got
                }
            }
            let path = Attention.usesAMX(dim: dim) ? "AMX dot products" : "AVX-512 (no AMX)"
            let e = NumericComparison.nmse(results[true]!, want)
            print("attention bf16 first \(first) rows \(rows) split \(split) masked \(masked), \(path): NMSE \(e) vs rounded-query reference, "
                  + "\(NumericComparison.nmse(results[true]!, results[false]!)) vs the f32-query path")
            if Attention.usesAMX(dim: dim) {
                #expect(e <= 1e-11, "\(NumericComparison.describeDivergence(results[true]!, want))")
            }
            // Without AMX the queries stay f32: off the rounded-query reference by the rounding only.
            #expect(NumericComparison.nmse(results[false]!, want) <= 1e-4)
            #expect(NumericComparison.nmse(results[true]!, results[false]!) <= 1e-4)
        }
    }
}
