import Tensors

/// Keys and values of every layer, for incremental decoding. Layout per layer: [batch][kvHeads][capacity][headDim],
/// in f32, or in bf16 (rounded to nearest even, as the official bf16 run stores them) for the bf16 precision mode:
/// half the bytes every decode step reads.
public final class LlamaKVCache: @unchecked Sendable {
    public let batch: Int
    public let capacity: Int
    public let precision: ActivationPrecision
    public internal(set) var length = 0
    let kvHeads: Int, headDim: Int
    let elementSize: Int
    var keys: [UnsafeMutableRawPointer]
    var values: [UnsafeMutableRawPointer]

    public convenience init(config: LlamaConfig, batch: Int, capacity: Int, precision: ActivationPrecision = .f32) {
        self.init(layers: config.numHiddenLayers, kvHeads: config.keyValueHeads, headDim: config.resolvedHeadDim, batch: batch,
                  capacity: capacity, precision: precision)
    }

    init(layers: Int, kvHeads: Int, headDim: Int, batch: Int, capacity: Int, precision: ActivationPrecision) {
        self.batch = batch
        self.capacity = capacity
        self.precision = precision
        self.kvHeads = kvHeads
        self.headDim = headDim
        elementSize = precision == .bf16 ? 2 : 4
        let bytes = batch * kvHeads * capacity * headDim * elementSize
        // Plain allocations, faulted in as positions fill. (On huge pages the first writes — the prompt's — faulted
        // and cleared the whole cache at once: 1.9 s at P = 4, for no measurable gain per step.)
        keys = (0..<layers).map { _ in .allocate(byteCount: bytes, alignment: 64) }
        values = (0..<layers).map { _ in .allocate(byteCount: bytes, alignment: 64) }
    }

    /// Bytes held for keys and values (all layers, rows and the whole capacity).
    public var byteCount: Int { 2 * keys.count * batch * kvHeads * capacity * headDim * elementSize }

    /// A copy of row `row` holding its first `length` positions, with room for exactly those (a prompt prefix to
    /// keep and share).
    public func prefix(row: Int = 0, length: Int) -> LlamaKVCache {
        precondition(row < batch && length <= self.length, "prefix: row \(row) of \(batch), \(length) of \(self.length) positions")
        let out = LlamaKVCache(layers: keys.count, kvHeads: kvHeads, headDim: headDim, batch: 1, capacity: max(length, 1), precision: precision)
        let bytes = length * headDim * elementSize
        for layer in keys.indices { for head in 0..<kvHeads {
            out.keyBase(layer, 0, head).copyMemory(from: keyBase(layer, row, head), byteCount: bytes)
            out.valueBase(layer, 0, head).copyMemory(from: valueBase(layer, row, head), byteCount: bytes)
        } }
        out.length = length
        return out
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// Address of (layer, row, head, position 0).
    @inline(__always) func keyBase(_ layer: Int, _ b: Int, _ head: Int) -> UnsafeMutableRawPointer {
        keys[layer] + ((b * kvHeads + head) * capacity) * headDim * elementSize
    }
    @inline(__always) func valueBase(_ layer: Int, _ b: Int, _ head: Int) -> UnsafeMutableRawPointer {
        values[layer] + ((b * kvHeads + head) * capacity) * headDim * elementSize
    }

    /// Fills this cache's rows with copies of `source`'s: row b gets source row `rows[b]`, all layers and the
    /// source's `length` positions (a guidance batch's prompt is computed once per distinct row, then replicated).
    public func copyRows(from source: LlamaKVCache, rows: [Int]) {
        precondition(rows.count == batch, "copyRows: \(rows.count) source rows for \(batch)")
        copyRows(from: source, rows: rows, startingAt: 0)
        length = source.length
    }

    /// Rows first ..< first + rows.count get copies of `source`'s rows `rows` (all layers, the source's `length`
    /// positions); the other rows and `length` are left as they are.
    func copyRows(from source: LlamaKVCache, rows: [Int], startingAt first: Int) {
        precondition(first + rows.count <= batch && source.precision == precision && source.kvHeads == kvHeads
                     && source.headDim == headDim && source.keys.count == keys.count && source.length <= capacity,
                     "copyRows: caches of different shapes")
        let bytes = source.length * headDim * elementSize
        for layer in keys.indices { for (b, from) in rows.enumerated() { for head in 0..<kvHeads {
            keyBase(layer, first + b, head).copyMemory(from: source.keyBase(layer, from, head), byteCount: bytes)
            valueBase(layer, first + b, head).copyMemory(from: source.valueBase(layer, from, head), byteCount: bytes)
        } } }
    }

    /// Stores `count` floats at element `offset` of `base` in the cache's precision.
    @inline(__always) func store(_ source: UnsafePointer<Float>, count: Int, at base: UnsafeMutableRawPointer, offset: Int) {
        if precision == .bf16 {
            let dst = (base + offset * 2).assumingMemoryBound(to: UInt16.self)
            HalfPrecision.storeBF16(source, count: count, into: dst)
        } else {
            (base + offset * 4).assumingMemoryBound(to: Float.self).update(from: source, count: count)
        }
    }

    /// `count` floats from element 0 of `base` as f32: the cache itself (f32) or widened into `scratch` (bf16).
    @inline(__always) func floats(_ base: UnsafeMutableRawPointer, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        guard precision == .bf16 else { return UnsafePointer(base.assumingMemoryBound(to: Float.self)) }
        let src = base.assumingMemoryBound(to: UInt16.self)
        for i in 0..<count { scratch[i] = Float(bitPattern: UInt32(src[i]) << 16) }
        return UnsafePointer(scratch)
    }
}

/// Several rows that continue one shared prompt prefix (its keys and values held once, read-only, by `prefix`),
/// each with its own keys and values after it and its own length: the questions about one image, continued from
/// the image's prefix. A row at own position i is at model position prefix.length + i and attends the whole
/// prefix, then its own positions.
public final class LlamaContinuation: @unchecked Sendable {
    public let prefix: LlamaKVCache
    let own: LlamaKVCache
    /// Own positions filled, per row.
    public internal(set) var lengths: [Int]

    /// `rows` continuations of `prefix` (batch 1), each with room for `capacity` positions of its own.
    public init(prefix: LlamaKVCache, rows: Int, capacity: Int) {
        precondition(prefix.batch == 1, "a shared prefix is one row")
        self.prefix = prefix
        own = LlamaKVCache(layers: prefix.keys.count, kvHeads: prefix.kvHeads, headDim: prefix.headDim, batch: rows,
                           capacity: capacity, precision: prefix.precision)
        lengths = Array(repeating: 0, count: rows)
    }

    public var rows: Int { own.batch }
    public var capacity: Int { own.capacity }
    /// Bytes of the rows' own keys and values (the prefix is counted where it is kept).
    public var byteCount: Int { own.byteCount }
}

/// The guidance rows of several prompts decoding together (cross-prompt batching): one cache of `rowGroups.reduce(+)`
/// rows, each row with its own length (its prompt's length plus the tokens generated so far), so a row at length L
/// stores its next key at position L and attends positions 0 ... L. Group g (one prompt's 2P rows) is filled from
/// that prompt's prefill by `fill`; each group's products are computed as if it ran alone.
public final class LlamaBatchCache: @unchecked Sendable {
    let own: LlamaKVCache
    /// Positions filled, per row.
    public internal(set) var lengths: [Int]
    /// Rows per group, in row order.
    public let rowGroups: [Int]
    let groupStarts: [Int]

    public init(config: LlamaConfig, rowGroups: [Int], capacity: Int, precision: ActivationPrecision) {
        self.rowGroups = rowGroups
        groupStarts = rowGroups.reduce(into: [0]) { $0.append($0.last! + $1) }
        own = LlamaKVCache(config: config, batch: groupStarts.last!, capacity: capacity, precision: precision)
        lengths = Array(repeating: 0, count: groupStarts.last!)
    }

    public var rows: Int { own.batch }
    public var capacity: Int { own.capacity }
    public var byteCount: Int { own.byteCount }

    /// Group `group`'s rows become copies of `source`'s rows `rows` (one per row of the group), at its length.
    public func fill(group: Int, from source: LlamaKVCache, rows: [Int]) {
        precondition(rows.count == rowGroups[group], "fill: \(rows.count) source rows for a group of \(rowGroups[group])")
        own.copyRows(from: source, rows: rows, startingAt: groupStarts[group])
        for r in groupStarts[group]..<groupStarts[group + 1] { lengths[r] = source.length }
    }
}
