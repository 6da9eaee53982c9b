#if canImport(Glibc)
import Glibc
#endif
import Formats
import Tensors

/// One decoder layer: x += o_proj(attention(rope(q), rope(k), v)); x += down(silu(gate) · up), both pre-normed.
public struct LlamaBlock: @unchecked Sendable {
    let inputNorm: Tensor, postAttentionNorm: Tensor
    let q: Tensor, k: Tensor, v: Tensor, o: Tensor
    let gate: Tensor, up: Tensor, down: Tensor
    let heads: Int, kvHeads: Int, headDim: Int, eps: Float

    init(config: LlamaConfig, loader: WeightLoader, prefix: String) throws {
        let h = config.hiddenSize, hd = config.resolvedHeadDim
        heads = config.numAttentionHeads; kvHeads = config.keyValueHeads; headDim = hd; eps = config.rmsNormEps
        inputNorm = try loader.take(prefix + "input_layernorm.weight", shape: [h])
        postAttentionNorm = try loader.take(prefix + "post_attention_layernorm.weight", shape: [h])
        q = try loader.take(prefix + "self_attn.q_proj.weight", shape: [heads * hd, h])
        k = try loader.take(prefix + "self_attn.k_proj.weight", shape: [kvHeads * hd, h])
        v = try loader.take(prefix + "self_attn.v_proj.weight", shape: [kvHeads * hd, h])
        o = try loader.take(prefix + "self_attn.o_proj.weight", shape: [h, heads * hd])
        gate = try loader.take(prefix + "mlp.gate_proj.weight", shape: [config.intermediateSize, h])
        up = try loader.take(prefix + "mlp.up_proj.weight", shape: [config.intermediateSize, h])
        down = try loader.take(prefix + "mlp.down_proj.weight", shape: [h, config.intermediateSize])
    }

    /// `x` is [batch·steps, hidden], updated in place.
    func forward(_ x: inout Tensor, steps: Int, positions: [Int], rope: RotaryEmbedding, cache: LlamaKVCache, layer: Int,
                 keyMask: [[Bool]]?, activations: ActivationPrecision = .f32) {
        let batch = cache.batch
        let normed = Normalization.rmsNorm(x, weight: inputNorm, eps: eps)
        let qkv = Linear.applyMany(normed, weights: [q, k, v], activations: activations)
        let qs = headsFirst(qkv[0], batch: batch, steps: steps, heads: heads)
        let ks = headsFirst(qkv[1], batch: batch, steps: steps, heads: kvHeads)
        let vs = headsFirst(qkv[2], batch: batch, steps: steps, heads: kvHeads)
        rope.apply(qs, positions: positions)
        rope.apply(ks, positions: positions)
        let past = cache.length, total = past + steps
        precondition(total <= cache.capacity, "KV cache capacity \(cache.capacity) exceeded")
        // Append the new keys and values. In decode without grouped heads each (row, head) job stores its own, just
        // before it reads them back (the cache lines are written by the core that streams them next).
        let storeInJobs = steps == 1 && heads == kvHeads
        func append(_ kp: UnsafePointer<Float>, _ vp: UnsafePointer<Float>, row b: Int, head hh: Int) {
            let src = (b * kvHeads + hh) * steps * headDim
            cache.store(kp + src, count: steps * headDim, at: cache.keyBase(layer, b, hh), offset: past * headDim)
            cache.store(vp + src, count: steps * headDim, at: cache.valueBase(layer, b, hh), offset: past * headDim)
        }
        if !storeInJobs {
            ks.withFloats { kp in vs.withFloats { vp in
                for b in 0..<batch { for hh in 0..<kvHeads { append(kp.baseAddress!, vp.baseAddress!, row: b, head: hh) } }
            } }
        }
        // Attention per (row, head) over the cache: scores = q·kᵀ/√d, causal and padding masks, softmax, ·v.
        // (row, head) pairs run in parallel with single-threaded BLAS: in decode each product is tiny and the
        // KV-cache read is memory-bound; in prefill there are enough heads to keep every core busy.
        let attended = Tensor(uninitialized: [batch, steps, heads * headDim])   // every (row, head) slot is written
        let scale = 1 / Float(headDim).squareRoot()
        let groups = heads / kvHeads
        qs.withFloats { qp in attended.withMutableFloats { out in
            let (qp, out) = (qp.baseAddress!, out.baseAddress!)
            if steps == 1 {
                // Decode: one query per row; a streaming kernel per (row, head) over the cached keys and values.
                let visible: [[UInt8]]? = keyMask.map { rows in rows.map { row in (0..<total).map { row[$0] ? 1 : 0 } } }
                ks.withFloats { kp in vs.withFloats { vp in
                    Parallel.forEachChunk(batch * heads) { pairs in
                        let scores = UnsafeMutablePointer<Float>.allocate(capacity: total)
                        defer { scores.deallocate() }
                        for pair in pairs {
                            let b = pair / heads, hh = pair % heads, kvh = hh / groups
                            if storeInJobs { append(kp.baseAddress!, vp.baseAddress!, row: b, head: hh) }
                            let q = qp + (b * heads + hh) * headDim, o = out + b * heads * headDim + hh * headDim
                            let attend = { (mask: UnsafePointer<UInt8>?) in
                                Attention.attendRow(query: q, keys: UnsafeRawPointer(cache.keyBase(layer, b, kvh)),
                                                    values: UnsafeRawPointer(cache.valueBase(layer, b, kvh)), bf16: cache.precision == .bf16,
                                                    count: total, dim: headDim, scale: scale, visible: mask, scratch: scores, out: o)
                            }
                            if let visible { visible[b].withUnsafeBufferPointer { attend($0.baseAddress) } } else { attend(nil) }
                        }
                    }
                } }
                return
            }
            Parallel.withBLASThreads(1) {
                Parallel.forEachChunk(batch * heads) { pairs in
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: steps * total)
                    let context = UnsafeMutablePointer<Float>.allocate(capacity: steps * headDim)
                    // bf16 caches are widened per head for the products.
                    let widened = UnsafeMutablePointer<Float>.allocate(capacity: cache.precision == .bf16 ? 2 * total * headDim : 1)
                    defer { scores.deallocate(); context.deallocate(); widened.deallocate() }
                    for pair in pairs {
                        let b = pair / heads, hh = pair % heads, kvh = hh / groups
                        let keys = cache.floats(cache.keyBase(layer, b, kvh), count: total * headDim, scratch: widened)
                        let values = cache.floats(cache.valueBase(layer, b, kvh), count: total * headDim, scratch: widened + total * headDim)
                        Matmul.gemm(transposeA: false, transposeB: true, m: steps, n: total, k: headDim, alpha: scale,
                                    a: qp + (b * heads + hh) * steps * headDim, lda: headDim,
                                    b: keys, ldb: headDim, c: scores, ldc: total)
                        for i in 0..<steps {
                            let row = scores + i * total
                            for j in (past + i + 1)..<max(total, past + i + 1) { row[j] = -.infinity }
                            if let mask = keyMask?[b] { for j in 0..<total where !mask[j] { row[j] = -.infinity } }
                        }
                        Activations.softmaxRows(scores, scores, rows: steps, width: total)
                        Matmul.gemm(transposeA: false, transposeB: false, m: steps, n: headDim, k: total, a: scores, lda: total,
                                    b: values, ldb: headDim, c: context, ldc: headDim)
                        for i in 0..<steps {
                            (out + (b * steps + i) * heads * headDim + hh * headDim).update(from: context + i * headDim, count: headDim)
                        }
                    }
                }
            }
        } }
        let projected = Linear.apply(attended.reshaped([batch * steps, heads * headDim]), weight: o, activations: activations)
        add(&x, projected)
        let normed2 = Normalization.rmsNorm(x, weight: postAttentionNorm, eps: eps)
        let gateUp = Linear.applyMany(normed2, weights: [gate, up], activations: activations)
        let g = gateUp[0], u = gateUp[1]
        g.withMutableFloats { gp in u.withFloats { up in
            Activations.siluRaw(gp.baseAddress!, times: up.baseAddress!, into: gp.baseAddress!, count: gp.count)
        } }
        add(&x, Linear.apply(g, weight: down, activations: activations))
    }

    /// [batch·steps, heads·d] → [batch, heads, steps, d].
    func headsFirst(_ t: Tensor, batch: Int, steps: Int, heads: Int) -> Tensor {
        let out = Tensor(zeros: [batch, heads, steps, headDim])
        t.withFloats { src in out.withMutableFloats { dst in
            for b in 0..<batch { for s in 0..<steps { for h in 0..<heads {
                (dst.baseAddress! + ((b * heads + h) * steps + s) * headDim)
                    .update(from: src.baseAddress! + (b * steps + s) * heads * headDim + h * headDim, count: headDim)
            } } }
        } }
        return out
    }

    func add(_ x: inout Tensor, _ y: Tensor) {
        x.withMutableFloats { xp in y.withFloats { yp in for i in 0..<xp.count { xp[i] += yp[i] } } }
    }
}
