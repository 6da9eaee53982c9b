import CKernels
/// Scaled dot-product attention, softmax(q·kᵀ·scale + mask)·v, per batch row and head.
///
/// Masks: `causal` lets query i (of Sq) see keys j ≤ (Sk − Sq) + i, i.e. everything in the KV cache before it
/// plus itself; `keyMask[b][j] == false` hides key j from every query of row b (padding). A query that can see
/// no key at all returns zeros (PyTorch's SDPA would return NaN there; zeros keep a padded batch finite).
public enum Attention {
    public static func scaledDotProduct(query q: Tensor, key k: Tensor, value v: Tensor, causal: Bool,
                                        keyMask: [[Bool]]? = nil, scale: Float? = nil) -> Tensor {
        precondition(q.rank == 4 && k.rank == 4 && v.rank == 4, "attention takes [B, H, S, D] tensors")
        let (b, h, sq, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let sk = k.shape[2], dv = v.shape[3]
        precondition(k.shape[0] == b && k.shape[1] == h && k.shape[3] == d && v.shape[2] == sk, "attention: q \(q.shape), k \(k.shape), v \(v.shape)")
        if let keyMask { precondition(keyMask.count == b && keyMask.allSatisfy { $0.count == sk }, "attention: key mask must be [B][Sk]") }
        let factor = scale ?? 1 / Float(d).squareRoot()
        let past = sk - sq
        let out = Tensor(zeros: [b, h, sq, dv])
        // Heads in parallel, each with single-threaded BLAS and its own score buffer: in decode (one query) the
        // per-head products are far too small for BLAS threads, and the KV cache read is memory-bound.
        q.withFloats { pq in k.withFloats { pk in v.withFloats { pv in out.withMutableFloats { po in
            let (pq, pk, pv, po) = (pq.baseAddress!, pk.baseAddress!, pv.baseAddress!, po.baseAddress!)
            Parallel.withBLASThreads(1) {
                Parallel.forEachChunk(b * h) { heads in
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: sq * sk)
                    defer { scores.deallocate() }
                    for head in heads {
                        let bi = head / h
                        Matmul.gemm(transposeA: false, transposeB: true, m: sq, n: sk, k: d, alpha: factor,
                                    a: pq + head * sq * d, lda: d, b: pk + head * sk * d, ldb: d, c: scores, ldc: sk)
                        for i in 0..<sq {
                            let row = scores + i * sk
                            if causal { for j in max(0, past + i + 1)..<max(sk, past + i + 1) where j < sk { row[j] = -.infinity } }
                            if let mask = keyMask?[bi] { for j in 0..<sk where !mask[j] { row[j] = -.infinity } }
                        }
                        Activations.softmaxRows(scores, scores, rows: sq, width: sk)
                        Matmul.gemm(transposeA: false, transposeB: false, m: sq, n: dv, k: sk, a: scores, lda: sk,
                                    b: pv + head * sk * dv, ldb: dv, c: po + head * sq * dv, ldc: dv)
                    }
                }
            }
        } } } }
        return out
    }

    /// One query row of one head against `count` cached keys and values (rows of `dim` values, contiguous; f32, or
    /// bf16 when `bf16`): out = softmax(scale·q·Kᵀ over the visible keys)·V, streamed by a SIMD kernel (decode
    /// steps). `visible`: nil for all keys, else `count` flags (0 hides the key); `scratch` holds `count` floats.
    /// No visible key → zeros.
    public static func attendRow(query: UnsafePointer<Float>, keys: UnsafeRawPointer, values: UnsafeRawPointer, bf16: Bool = false,
                                 count: Int, dim: Int, scale: Float, visible: UnsafePointer<UInt8>?,
                                 scratch: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        if bf16 && usesAMX(dim: dim) {
            attendRow(query: query, keys: keys, values: values, firstCount: count, ownKeys: keys, ownValues: values, bf16: true,
                      count: count, dim: dim, scale: scale, visible: visible, scratch: scratch, out: out)
            return
        }
        jk_attend_row(Int32(KernelDispatch.level), query, keys, values, bf16 ? 1 : 0, Int32(count), Int32(dim), scale, visible,
                      scratch, out)
    }

    /// Whether a bf16 cache's dot products run on AMX tiles (the queries rounded to bf16, as the rest of the bf16
    /// mode's products): where AMX is active and heads are 128 wide (every Janus model). The f32 mode never does.
    public static func usesAMX(dim: Int) -> Bool { dim == 128 && KernelDispatch.amxActive }

    /// `attendRow` over keys and values in two segments: keys 0..<`firstCount` at `keys`/`values` (a shared prompt
    /// prefix), keys `firstCount`..<`count` at `ownKeys`/`ownValues` (a row's own positions; their row 0 is key
    /// `firstCount`). The same arithmetic in the same key order as one contiguous segment: equal to `attendRow` on
    /// the concatenation bit for bit. `visible` (when given) covers all `count` keys.
    public static func attendRow(query: UnsafePointer<Float>, keys: UnsafeRawPointer, values: UnsafeRawPointer, firstCount: Int,
                                 ownKeys: UnsafeRawPointer, ownValues: UnsafeRawPointer, bf16: Bool = false, count: Int, dim: Int,
                                 scale: Float, visible: UnsafePointer<UInt8>?, scratch: UnsafeMutablePointer<Float>,
                                 out: UnsafeMutablePointer<Float>) {
        if bf16 && usesAMX(dim: dim) {
            // One row of the rows kernel: the same scores and sums as that row inside any run of rows.
            jk_attend_rows_split_amx(Int32(KernelDispatch.level), 1, query, dim, 1, keys, values, Int32(firstCount), ownKeys, ownValues,
                                     1, Int32(count), Int32(dim), scale, visible, scratch, count, out, dim)
            return
        }
        jk_attend_row_split(Int32(KernelDispatch.level), query, keys, values, Int32(firstCount), ownKeys, ownValues, bf16 ? 1 : 0,
                            Int32(count), Int32(dim), scale, visible, scratch, out)
    }

    /// `rows` consecutive query rows of one head (`queryStride` floats apart; row r sees `count + r` keys of the two
    /// segments, keys 0..<`firstCount` at `keys`/`values`), outputs `outStride` apart: a causal run of a prompt's rows
    /// in one call, each row's result equal to `attendRow`'s with `count + r` bit for bit (the kernel shares every key
    /// and value load among four rows). `scratch` holds `4 × scratchStride` floats, `scratchStride ≥ count + rows − 1`.
    public static func attendRows(queries: UnsafePointer<Float>, queryStride: Int, rows: Int, keys: UnsafeRawPointer,
                                  values: UnsafeRawPointer, firstCount: Int, ownKeys: UnsafeRawPointer, ownValues: UnsafeRawPointer,
                                  bf16: Bool = false, count: Int, dim: Int, scale: Float, visible: UnsafePointer<UInt8>?,
                                  scratch: UnsafeMutablePointer<Float>, scratchStride: Int, out: UnsafeMutablePointer<Float>, outStride: Int) {
        precondition(scratchStride >= count + rows - 1, "attention scratch stride \(scratchStride) < \(count + rows - 1)")
        jk_attend_rows_split_amx(Int32(KernelDispatch.level), bf16 && usesAMX(dim: dim) ? 1 : 0, queries, queryStride, Int32(rows), keys,
                                 values, Int32(firstCount), ownKeys, ownValues, bf16 ? 1 : 0, Int32(count), Int32(dim), scale, visible,
                                 scratch, scratchStride, out, outStride)
    }
}
