#if canImport(Glibc)
import Glibc
#endif
import Formats
import Tensors

/// Where the new rows of one sequence go: `steps` rows of the packed activations from row `start`, stored in row
/// `row` of the own cache after its `past` positions, at positions `positionBase + past + i` (positionBase: the
/// shared prefix's length, or 0 without one).
struct LlamaSequenceRows {
    var start: Int
    var steps: Int
    var past: Int
    var row: Int
}

/// One decoder layer: x += o_proj(attention(rope(q), rope(k), v)); x += down(silu(gate) · up), both pre-normed.
///
/// Every query row — prompt or decode step — is attended by the same streaming kernel over exactly the keys it may
/// see (its position and everything before it), in key order. A row's result therefore does not depend on how the
/// sequence was cut into forward calls: a prompt computed in one piece, or as a shared prefix followed by each
/// question, or token by token, gives the same bits (with the products' row-count rules in `LlamaModel`). In the bf16
/// mode on AMX the dot products with the cached keys are tiles over up to 16 rows (`Attention.usesAMX`); each score is
/// still its own row's sum in a fixed order, so this holds there too.
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

    /// `x` is [rows, hidden] (rows packed sequence after sequence; rows past the last sequence are padding that
    /// stays zero), updated in place. Keys and values of the new rows go to `own`; each query sees `prefix`'s
    /// positions (when given: shared, read-only, batch 1) and then its own row's positions up to itself.
    /// `keyMask[row][t]` false hides key t (counted from the first of prefix + own positions) of that row.
    /// `rowGroups` (decode of several prompts' guidance rows): each group's products computed as if alone
    /// (`Linear.apply(_:weight:rowGroups:)`).
    func forward(_ x: inout Tensor, sequences: [LlamaSequenceRows], prefix: LlamaKVCache?, own: LlamaKVCache, layer: Int,
                 rope: RotaryEmbedding, keyMask: [[Bool]]?, activations: ActivationPrecision = .f32, rowGroups: [Int]? = nil) {
        let rows = x.shape[0]
        let base = prefix?.length ?? 0
        let normed = Normalization.rmsNorm(x, weight: inputNorm, eps: eps)
        let qkv = Linear.applyMany(normed, weights: [q, k, v], activations: activations, rowGroups: rowGroups)
        let (qs, ks, vs) = (qkv[0], qkv[1], qkv[2])
        // RoPE on the packed rows: [rows][heads][d] seen as rows·heads vectors, each with its row's position.
        var positions = [Int](repeating: 0, count: rows)
        for s in sequences { for i in 0..<s.steps { positions[s.start + i] = base + s.past + i } }
        rope.apply(rows: qs, positions: positions)
        rope.apply(rows: ks, positions: positions)
        for s in sequences {
            precondition(s.past + s.steps <= own.capacity, "KV cache capacity \(own.capacity) exceeded")
        }
        // Append the new keys and values. In decode without grouped heads each (row, head) job stores its own, just
        // before it reads them back (the cache lines are written by the core that streams them next).
        let storeInJobs = heads == kvHeads && sequences.allSatisfy { $0.steps == 1 }
        func append(_ kp: UnsafePointer<Float>, _ vp: UnsafePointer<Float>, _ s: LlamaSequenceRows, head hh: Int) {
            for i in 0..<s.steps {
                let src = ((s.start + i) * kvHeads + hh) * headDim
                own.store(kp + src, count: headDim, at: own.keyBase(layer, s.row, hh), offset: (s.past + i) * headDim)
                own.store(vp + src, count: headDim, at: own.valueBase(layer, s.row, hh), offset: (s.past + i) * headDim)
            }
        }
        if !storeInJobs {
            ks.withFloats { kp in vs.withFloats { vp in
                for s in sequences { for hh in 0..<kvHeads { append(kp.baseAddress!, vp.baseAddress!, s, head: hh) } }
            } }
        }
        // Attention per (sequence, head), query by query, over the visible keys only: scores = q·kᵀ/√d, softmax, ·v.
        // Pairs run in parallel; each query's keys are its prefix positions, then its own up to itself.
        let attended = Tensor(zeros: [rows, heads * headDim])
        let scale = 1 / Float(headDim).squareRoot()
        let groups = heads / kvHeads
        let visible: [[UInt8]]? = keyMask.map { rows in rows.map { row in row.map { $0 ? 1 : 0 } } }
        let longest = sequences.map { base + $0.past + $0.steps }.max() ?? 0
        qs.withFloats { qp in attended.withMutableFloats { out in ks.withFloats { kp in vs.withFloats { vp in
            let (qp, out) = (qp.baseAddress!, out.baseAddress!)
            Parallel.forEachChunk(sequences.count * heads) { pairs in
                let stride = max(longest, 1)
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: 4 * stride)
                defer { scores.deallocate() }
                for pair in pairs {
                    let s = sequences[pair / heads], hh = pair % heads, kvh = hh / groups
                    if storeInJobs { append(kp.baseAddress!, vp.baseAddress!, s, head: hh) }
                    let ownKeys = UnsafeRawPointer(own.keyBase(layer, s.row, kvh)), ownValues = UnsafeRawPointer(own.valueBase(layer, s.row, kvh))
                    let prefixKeys = prefix.map { UnsafeRawPointer($0.keyBase(layer, 0, kvh)) } ?? ownKeys
                    let prefixValues = prefix.map { UnsafeRawPointer($0.valueBase(layer, 0, kvh)) } ?? ownValues
                    // The sequence's rows in one call: row i sees its prefix and own positions up to itself.
                    let query = qp + (s.start * heads + hh) * headDim, o = out + s.start * heads * headDim + hh * headDim
                    let count = base + s.past + 1
                    let attend = { (mask: UnsafePointer<UInt8>?) in
                        Attention.attendRows(queries: query, queryStride: heads * headDim, rows: s.steps, keys: prefixKeys,
                                             values: prefixValues, firstCount: prefix == nil ? count + s.steps - 1 : base,
                                             ownKeys: ownKeys, ownValues: ownValues, bf16: own.precision == .bf16, count: count,
                                             dim: headDim, scale: scale, visible: mask, scratch: scores, scratchStride: stride,
                                             out: o, outStride: heads * headDim)
                    }
                    if let visible { visible[s.row].withUnsafeBufferPointer { attend($0.baseAddress) } } else { attend(nil) }
                }
            }
        } } } }
        let projected = Linear.apply(attended, weight: o, activations: activations, rowGroups: rowGroups)
        add(&x, projected)
        let normed2 = Normalization.rmsNorm(x, weight: postAttentionNorm, eps: eps)
        let gateUp = Linear.applyMany(normed2, weights: [gate, up], activations: activations, rowGroups: rowGroups)
        let g = gateUp[0], u = gateUp[1]
        g.withMutableFloats { gp in u.withFloats { up in
            Activations.siluRaw(gp.baseAddress!, times: up.baseAddress!, into: gp.baseAddress!, count: gp.count)
        } }
        add(&x, Linear.apply(g, weight: down, activations: activations, rowGroups: rowGroups))
    }

    func add(_ x: inout Tensor, _ y: Tensor) {
        x.withMutableFloats { xp in y.withFloats { yp in for i in 0..<xp.count { xp[i] += yp[i] } } }
    }
}
