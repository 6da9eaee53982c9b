import CKernels
import COpenBLAS

/// y = x·Wᵀ (+ bias) with W in PyTorch layout [out, in] and in its stored dtype (f32, bf16 or f16),
/// typically a view of a memory-mapped checkpoint.
///
/// - Up to `gemvRowLimit` activation rows (decode, small guidance batches): our SIMD kernel streams each
///   weight row once for all rows, converting in registers; output rows are split across threads, and each
///   output's reduction order is fixed, so results do not depend on the thread count.
/// - More rows (prefill): each thread converts whole tiles of output rows to f32 and multiplies them with
///   single-threaded sgemm (600-token prefill at the 1B shape: 13.2 → 9.2 s vs one shared tile and BLAS threads);
///   there is never a full f32 copy of the weight.
public enum Linear {
    public static let gemvRowLimit = 8
    /// Weight rows per tile on the prefill path (256–1024 measured alike; 256 splits 2048 and 5632 evenly in two).
    public static let tileRows = 256

    static func weightType(_ dtype: DType) -> Int32 {
        switch dtype {
        case .f32: return Int32(JK_F32)
        case .bf16: return Int32(JK_BF16)
        case .f16: return Int32(JK_F16)
        default: preconditionFailure("Linear: weights must be f32, bf16 or f16, not \(dtype)")
        }
    }

    /// `x` is [..., K] f32; `weight` is [N, K]; `bias` is [N] (any float dtype). Returns [..., N] f32.
    public static func apply(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, activations: ActivationPrecision = .f32) -> Tensor {
        precondition(x.dtype == .f32 && weight.rank == 2, "Linear: x must be f32 and weight rank 2")
        let k = weight.shape[1], n = weight.shape[0]
        precondition(x.shape.last == k, "Linear: input width \(x.shape.last ?? -1) does not match weight \(weight.shape)")
        if let bias { precondition(bias.count == n, "Linear: bias has \(bias.count) values for \(n) outputs") }
        guard activations == .bf16 && weight.dtype == .bf16 else { return applyF32(x, weight: weight, bias: bias) }
        // Activations rounded to bf16, then AMX tiles (from `amxMinRows` rows), bf16 dot products (2–8 rows,
        // AVX512_BF16) or the f32 paths on the rounded values (otherwise): the same numbers up to f32 summation order.
        // Which kernel: the measured table in `KernelDispatch.bf16Product`.
        let m = x.count / max(k, 1)
        let product = KernelDispatch.bf16Product(rows: m, k: k)
        if product == .amxTiles {
            return bf16AMX(x, weight: weight, bias: bias)
        }
        if product == .bf16GEMM { return bf16GEMM(x, weights: [weight], bias: bias)[0] }
        if product == .dotProducts {
            let rounded = x.withFloats { HalfPrecision.bf16Bits(from: $0.baseAddress!, count: $0.count) }
            return bf16DotProducts(rounded, shape: x.shape, weights: [weight], bias: bias)[0]
        }
        if m > gemvRowLimit && usesF32GEMM(weight: weight, rows: m, k: k) { return f32GEMMSharingPanels(x, weights: [weight], bias: bias, roundedToBF16: true)[0] }
        return applyF32(HalfPrecision.roundedToBF16(x), weight: weight, bias: bias)
    }

    /// bf16 dot products pay off for 2–8 rows (compute-bound guidance batches). One row is memory-bound: the f32
    /// one-row kernel on the rounded values streams faster (measured 68 vs 90–96 ms per token at the 1B shape).
    static func usesBF16Dot(rows m: Int) -> Bool {
        m >= 2 && m <= gemvRowLimit && KernelDispatch.bf16DotActive   // the table's dot-product rows, where AMX is not asked
    }

    /// Fewest activation rows for which AMX tiles beat the other bf16 paths, measured with `janus-bench linear` on
    /// the Intel Xeon with AMX (5632×2048 bf16 weight, 2 threads, ms): 2 rows 9.9 AMX vs 6.5 AVX512-BF16 dot products,
    /// 4 rows 8.0 vs 6.1, 8 rows 9.6 vs 10.0, 16 rows 9.7 vs 46, 64 rows 10.9 vs 94, 600 rows 211 vs 1002 (f32: 2478).
    public static let amxMinRows = 8

    /// AMX bf16 tiles for `m` rows of width `k`: available, wide enough to pay, and K in whole 32-column tiles
    /// (every Janus width is).
    static func usesAMX(rows m: Int, k: Int) -> Bool {
        KernelDispatch.bf16Product(rows: m, k: k) == .amxTiles
    }

    /// f32 activations rounded to bf16 times bf16 weights on AMX tiles: the activations rounded and packed into the
    /// tiles' pair layout in one parallel pass (16-row blocks split between threads; rounding only these rows as a
    /// separate single-threaded pass plus packing was ~8 % of a 600-token prefill), the weight rows the other
    /// operand; units of 256 weight rows run in parallel. Each output sums its K products in one fixed order (f32
    /// accumulation, as the other bf16 paths), so results do not depend on the thread count or on the other rows.
    /// AMX-BF16 treats bf16 denormals as zero.
    static func bf16AMX(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        bf16AMX(x, weights: [weight], bias: bias)[0]
    }

    /// `bf16AMX` for several weights of one width (q, k, v; gate, up): the activations are rounded and packed once,
    /// and the products run as one parallel job — a thread done with one weight's units goes on to the next weight's
    /// instead of waiting at a barrier. Each output is computed exactly as by `bf16AMX` alone.
    static func bf16AMX(_ x: Tensor, weights: [Tensor], bias: Tensor? = nil) -> [Tensor] {
        precondition(bias == nil || weights.count == 1, "one bias serves one weight")
        let k = weights[0].shape[1], m = x.count / k
        let packedCount = jk_amx_packed_count(Int32(k), Int32(m))
        // A tensor, so that the block cache hands the same pages back call after call (fresh pages of a 2–7 MB
        // buffer cost a fault and a kernel clear each: 8 % of a 600-row product).
        let packedTensor = Tensor(uninitialized: [packedCount], dtype: .bf16)
        let packed = packedTensor.rawPointer.assumingMemoryBound(to: UInt16.self)
        let level = Int32(KernelDispatch.level)
        x.withFloats { xp in
            let xp = xp.baseAddress!
            Parallel.forEachChunk((m + 15) / 16, minChunk: 4) { range in
                let done = jk_amx_pack_f32(level, xp, Int32(k), Int32(m), Int32(range.lowerBound), Int32(range.upperBound), packed)
                precondition(done == 1, "AMX activation packing failed (out of memory)")
            }
        }
        let outs = weights.map { Tensor(uninitialized: Array(x.shape.dropLast()) + [$0.shape[0]]) }
        let ws = weights.map { UnsafeRawPointer($0.rawPointer).assumingMemoryBound(to: UInt16.self) }
        let ys = outs.map { $0.rawPointer.assumingMemoryBound(to: Float.self) }
        let biasF32 = bias.map { $0.toF32() }
        let b = biasF32.map { UnsafePointer($0.rawPointer.assumingMemoryBound(to: Float.self)) }
        // Units of 256 weight rows go to whichever thread is free (a fixed half each waited for the thread the
        // shared machine delayed); each output is still computed by one unit in one order. One counter per weight.
        let next = UnsafeMutablePointer<Int32>.allocate(capacity: weights.count)
        next.initialize(repeating: 0, count: weights.count)
        defer { next.deallocate() }
        let units = weights.reduce(0) { $0 + ($1.shape[0] + 255) / 256 }
        Parallel.forEachChunk(min(Parallel.threadCount, units)) { _ in
            for i in weights.indices {
                let n = weights[i].shape[0]
                let done = jk_gemm_bf16_amx_shared(ws[i], Int32(k), packed, Int32(m), ys[i], Int32(n), Int32(n), b, next + i)
                precondition(done == 1, "AMX product refused after the checks passed")
            }
        }
        // Two calls: `withExtendedLifetime((biasF32, packedTensor))` leaked the packed block on every product
        // (Swift 6.3, release builds; AMXScratchTests).
        withExtendedLifetime(biasF32) {}
        withExtendedLifetime(packedTensor) {}
        return outs
    }

    /// bf16 activations [..., K] (already rounded) times bf16 weights of one width, as one parallel job over all
    /// the weights' output rows.
    static func bf16DotProducts(_ rounded: [UInt16], shape: [Int], weights: [Tensor], bias: Tensor? = nil) -> [Tensor] {
        let k = weights[0].shape[1], m = rounded.count / max(k, 1)
        let outputs = weights.map { Tensor(uninitialized: Array(shape.dropLast()) + [$0.shape[0]]) }
        let starts = weights.reduce(into: [0]) { $0.append($0.last! + $1.shape[0]) }
        let rows = weights.map { UnsafeRawPointer($0.rawPointer).assumingMemoryBound(to: UInt16.self) }
        let ys = outputs.map { $0.rawPointer.assumingMemoryBound(to: Float.self) }
        let biasF32 = bias.map { $0.toF32() }
        let b = biasF32.map { UnsafePointer($0.rawPointer.assumingMemoryBound(to: Float.self)) }
        rounded.withUnsafeBufferPointer { xb in
            let xb = xb.baseAddress!
            Parallel.forEachChunk(starts.last!, minChunk: 64) { range in
                for i in weights.indices {
                    let lo = max(range.lowerBound, starts[i]), hi = min(range.upperBound, starts[i + 1])
                    if lo < hi {
                        _ = jk_gemv_bf16_dot(rows[i], Int32(k), xb, Int32(m), ys[i], Int32(weights[i].shape[0]),
                                             Int32(lo - starts[i]), Int32(hi - starts[i]), b)
                    }
                }
            }
        }
        withExtendedLifetime(biasF32) {}
        return outputs
    }

    /// Weight rows per work item of `bf16GEMM`: 128 rows of K = 2048 are 512 KB, kept in L2 while every token
    /// streams past them.
    static let bf16GEMMBlockRows = 128

    /// Positions per activation panel of `bf16GEMM`: the convolution kernel's block of 48.
    static let bf16GEMMPanel = 48

    /// Many rows (prefill) with bf16 activations: the bf16 convolution kernel as a 1×1 convolution. The activations
    /// are transposed into panels of 48 tokens, each panel its K/2 channel pairs × 48 words in a row, so the kernel
    /// reads a panel front to back instead of one line from each of K/2 planes a token row apart (AMD EPYC Zen 4, a
    /// 5632×2048 product at 1,156 / 4,624 rows, with a tiled output transpose then: 93–103 → 76–82 / 435–494 →
    /// 337–343 ms). The weight rows (already pairs of bf16 in memory) are the output channels. Blocks of weight rows
    /// run in parallel, every panel against each block; each output's summation order depends on K alone, as before.
    /// The kernel writes each block's results into the token rows (`jk_conv_bf16_rows`, 8 × 8 squares transposed in
    /// registers) instead of channel rows transposed afterwards: that transpose and its 4·m·n-byte buffer were ~4 %
    /// of a bf16 JanusFlow flow step in perf.
    static func bf16GEMM(_ x: Tensor, weights: [Tensor], bias: Tensor? = nil) -> [Tensor] {
        precondition(bias == nil || weights.count == 1, "Linear.bf16GEMM: a bias serves one weight")
        let k = weights[0].shape[1], m = x.count / k, pairs = k / 2
        let panel = bf16GEMMPanel, panels = (m + panel - 1) / panel
        // A tensor, so that the block cache hands the same pages back product after product. The activations are
        // rounded to bf16 while they are packed (no rounded copy), once for every weight that reads them.
        let gridTensor = Tensor(uninitialized: [panels * pairs * panel], dtype: .f32)
        let grid = gridTensor.rawPointer.assumingMemoryBound(to: UInt32.self)
        let outputs = weights.map { Tensor(uninitialized: Array(x.shape.dropLast()) + [$0.shape[0]]) }
        let ys = outputs.map { $0.rawPointer.assumingMemoryBound(to: Float.self) }
        let level = Int32(KernelDispatch.level)
        x.withFloats { xb in
            let source = xb.baseAddress!
            Parallel.forEachChunk(panels) { range in
                for b in range {
                    let t0 = b * panel, count = min(panel, m - t0)
                    jk_token_panel_bf16(level, source + t0 * k, k, Int32(count), Int32(pairs), grid + b * pairs * panel, Int32(panel))
                }
            }
        }
        let ws = weights.map { UnsafeRawPointer($0.rawPointer).assumingMemoryBound(to: UInt32.self) }
        let biasF32 = bias.map { $0.toF32() }
        let b = biasF32.map { UnsafePointer($0.rawPointer.assumingMemoryBound(to: Float.self)) }
        forEachWeightBlock(weights, blockRows: bf16GEMMBlockRows) { i, n0, end in
            let n = weights[i].shape[0], rows = end - n0
            for p in 0..<panels {
                // Panel p (planes `panel` words apart) → tokens p·48 ..< p·48 + count, columns n0 ..< n0 + rows.
                let t0 = p * panel, count = min(panel, m - t0)
                _ = jk_conv_bf16_rows(grid + p * pairs * panel, panel, Int32(pairs), ws[i] + n0 * pairs, Int32(rows),
                                      b.map { $0 + n0 }, ys[i] + t0 * n + n0, n, Int32(count))
            }
        }
        withExtendedLifetime(biasF32) {}
        withExtendedLifetime(gridTensor) {}
        return outputs
    }

    /// Work items of several weights' products: blocks of `blockRows` rows of each weight, weight after weight, to
    /// whichever thread is free (a core the shared machine delays costs its share only). `body(weight, lo, hi)`.
    static func forEachWeightBlock(_ weights: [Tensor], blockRows: Int, _ body: (Int, Int, Int) -> Void) {
        let blockCounts = weights.map { ($0.shape[0] + blockRows - 1) / blockRows }
        let firstBlock = blockCounts.reduce(into: [0]) { $0.append($0.last! + $1) }
        Parallel.forEachItem(firstBlock.last!) { next in
            while let item = next() {
                let i = firstBlock.lastIndex { $0 <= item }!
                let lo = (item - firstBlock[i]) * blockRows
                body(i, lo, min(weights[i].shape[0], lo + blockRows))
            }
        }
    }

    /// Weight rows per work item of `f32GEMM`: 64 rows of K = 2048 converted to f32 are 512 KB, in L2 next to the
    /// 384 KB activation panel streaming past them.
    static let f32GEMMBlockRows = 64

    /// Panels per group of `f32GEMM`: about 8 MB of activations, at least 16 panels (768 tokens), so that the weights,
    /// read again for each group, cost at most ~1.5 % more. Measured with the 5632×2048 weight at 4,624 rows on the
    /// Intel Xeon without AMX (f32, 2 threads, alternated in one process, 7 rounds; medians / minima, ms): all panels
    /// at once 490, 498 / 378, 399; groups of 8 MB 425, 419 / 376, 403; 16 MB 412, 447 / 372, 398. At 1,156 rows
    /// (a JanusFlow P = 1 step) 116 / 104 against 108 / 102. Equal minima: the groups keep the product fast while the
    /// neighbours load the shared L3. Each output is the same bits whatever the grouping (one kernel call per panel and
    /// weight block).
    static func f32GEMMGroupPanels(k: Int) -> Int { max(16, (8 << 20) / (k * bf16GEMMPanel * 4)) }

    /// A group size forced for the current task (tests, benchmarks).
    @TaskLocal static var forcedGroupPanels: Int?

    public static func withF32GEMMGroupPanels<R>(_ panels: Int, _ body: () throws -> R) rethrows -> R {
        try $forcedGroupPanels.withValue(max(1, panels)) { try body() }
    }

    /// Many rows (prefill, the JanusFlow flow step) in f32 without OpenBLAS: the f32 convolution kernel as a 1×1
    /// convolution, as `bf16GEMM` does in bf16. The activations are transposed into panels of 48 tokens (K × 48 floats
    /// each); each work item converts a block of weight rows to f32 and runs a group of panels past it, writing the token
    /// rows directly (`jk_conv_f32_rows`). Each output is one blocked sum over K in a fixed order, then + bias, so it
    /// depends on neither the thread count nor the other rows (a prompt in pieces equals it in one piece).
    static func f32GEMM(weight: Tensor, k: Int, n: Int, x: UnsafePointer<Float>, m: Int, y: UnsafeMutablePointer<Float>,
                        bias: UnsafePointer<Float>?) {
        f32GEMM(weight: weight, k: k, n: n, panels: f32Panels(x, m: m, k: k), m: m, y: y, bias: bias)
    }

    /// `x`'s m rows as f32GEMM's token panels (K × 48 floats each, zeros past the last token); with `roundedToBF16`
    /// each value rounded to bf16 on the way (`--precision bf16`; the values of `HalfPrecision.roundedToBF16`).
    static func f32Panels(_ x: UnsafePointer<Float>, m: Int, k: Int, roundedToBF16: Bool = false) -> Tensor {
        let panel = bf16GEMMPanel, panels = (m + panel - 1) / panel
        let gridTensor = Tensor(uninitialized: [panels * k * panel], dtype: .f32)
        let level = Int32(KernelDispatch.level)
        let words = UnsafeRawPointer(x).assumingMemoryBound(to: UInt32.self)
        let gridWords = gridTensor.rawPointer.assumingMemoryBound(to: UInt32.self)
        Parallel.forEachChunk(panels) { range in
            for b in range {
                let t0 = b * panel, count = min(panel, m - t0)
                if roundedToBF16 {
                    jk_token_panel_rounded_f32(level, x + t0 * k, k, Int32(count), Int32(k), gridWords + b * k * panel, Int32(panel))
                } else {
                    jk_token_panel(level, words + t0 * k, k, Int32(count), Int32(k), gridWords + b * k * panel, Int32(panel))
                }
            }
        }
        return gridTensor
    }

    /// Whether `tiled` runs this product on `f32GEMM` (our AVX-512 kernel; OpenBLAS otherwise).
    static func usesF32GEMM(weight: Tensor, rows m: Int, k: Int) -> Bool {
        KernelDispatch.f32GEMMDirect && !(weight.dtype == .bf16 && usesAMX(rows: m, k: k) && KernelDispatch.f32OnAMX)
    }

    /// Many rows on `f32GEMM` with one packing of the activations for all `weights` (q/k/v, gate/up) instead of one
    /// per weight. `roundedToBF16` (`--precision bf16` where `BF16Product.f32OnRounded` serves past `gemvRowLimit`
    /// rows): the values rounded as they are packed, instead of a rounded copy first. Each output has the bits of
    /// `apply`'s (of the rounded copy).
    static func f32GEMMSharingPanels(_ x: Tensor, weights: [Tensor], bias: Tensor? = nil, roundedToBF16: Bool) -> [Tensor] {
        let k = x.shape.last ?? 0, m = x.count / max(k, 1)
        let biasF32 = bias?.toF32()
        return x.withFloats { px in
            let panels = f32Panels(px.baseAddress!, m: m, k: k, roundedToBF16: roundedToBF16)
            return weights.map { weight in
                let n = weight.shape[0], out = Tensor(uninitialized: Array(x.shape.dropLast()) + [n])
                f32GEMM(weight: weight, k: k, n: n, panels: panels, m: m, y: out.rawPointer.assumingMemoryBound(to: Float.self),
                        bias: biasF32.map { UnsafePointer($0.rawPointer.assumingMemoryBound(to: Float.self)) })
                withExtendedLifetime(biasF32) {}
                return out
            }
        }
    }

    /// `f32GEMM` on panels already made (`f32Panels`), so several weights can share them.
    static func f32GEMM(weight: Tensor, k: Int, n: Int, panels gridTensor: Tensor, m: Int, y: UnsafeMutablePointer<Float>,
                        bias: UnsafePointer<Float>?) {
        let panel = bf16GEMMPanel, panels = (m + panel - 1) / panel
        let grid = gridTensor.rawPointer.assumingMemoryBound(to: Float.self)
        defer { withExtendedLifetime(gridTensor) {} }
        let level = Int32(KernelDispatch.level), type = weightType(weight.dtype)
        let w = UnsafeRawPointer(weight.rawPointer)
        let blockRows = f32GEMMBlockRows, blocks = (n + blockRows - 1) / blockRows
        // Panels in groups, every weight block past one group before the next: a group's activations stay in the
        // caches while the weight blocks pass, where all of them would not (`f32GEMMGroupPanels`).
        let groupPanels = forcedGroupPanels ?? f32GEMMGroupPanels(k: k)
        for g0 in stride(from: 0, to: panels, by: groupPanels) {
            let group = g0..<min(panels, g0 + groupPanels)
            Parallel.forEachItem(blocks) { next in
                // A tensor block, reused from the block cache product after product. Rows `ldw` = K + 16 floats apart,
                // so that at K = 2048 the kernel's eight row streams are not 8 KB apart in the same L1 sets (introduced
                // with other changes, not measured alone; the same padding measured no faster for the bf16 GEMM).
                let ldw = k + 16
                let rowsTensor = Tensor(uninitialized: [blockRows * ldw])
                let converted = rowsTensor.rawPointer.assumingMemoryBound(to: Float.self)
                defer { withExtendedLifetime(rowsTensor) {} }
                while let block = next() {
                    let n0 = block * blockRows, rows = min(n, n0 + blockRows) - n0
                    for r in 0..<rows { jk_convert_rows(level, type, w, Int32(k), Int32(n0 + r), Int32(n0 + r + 1), converted + r * ldw) }
                    let source = UnsafePointer(converted)
                    for p in group {
                        // Panel p (planes `panel` floats apart) → tokens p·48 ..< p·48 + count, columns n0 ..< n0 + rows.
                        let t0 = p * panel, count = min(panel, m - t0)
                        let done = jk_conv_f32_rows(grid + p * k * panel, panel, Int32(k), source, ldw, Int32(rows),
                                                    bias.map { $0 + n0 }, y + t0 * n + n0, n, Int32(count))
                        precondition(done != 0, "linear: the AVX-512 f32 kernel refused")
                    }
                }
            }
        }
    }

    static func applyF32(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let k = weight.shape[1], n = weight.shape[0], m = x.count / max(k, 1)
        let out = Tensor(uninitialized: Array(x.shape.dropLast()) + [n])
        let biasF32 = bias.map { $0.toF32() }
        guard m > 0, n > 0 else { return out }
        x.withFloats { px in out.withMutableFloats { py in
            let biasPointer = biasF32.map { $0.rawPointer.assumingMemoryBound(to: Float.self) }
            if m <= gemvRowLimit {
                gemv(weight: weight, k: k, n: n, x: px.baseAddress!, m: m, y: py.baseAddress!, bias: biasPointer)
            } else {
                tiled(weight: weight, k: k, n: n, x: px.baseAddress!, m: m, y: py.baseAddress!, bias: biasPointer)
            }
        } }
        return out
    }

    /// `apply` for several weights that read the same input (q/k/v, gate/up), no bias. With few rows and bf16
    /// weights of one width, the products run as one parallel job over all their output rows: one activation
    /// split and one thread hand-off instead of one per weight (decode makes ~170 products per token). Each output
    /// equals `apply`'s bit for bit.
    public static func applyMany(_ x: Tensor, weights: [Tensor], activations: ActivationPrecision = .f32) -> [Tensor] {
        let k = x.shape.last ?? 0, m = x.count / max(k, 1)
        if activations == .bf16 {
            let sameWidth = weights.allSatisfy({ $0.dtype == .bf16 && $0.rank == 2 && $0.shape[1] == k })
            if sameWidth && usesAMX(rows: m, k: k) && x.dtype == .f32 { return bf16AMX(x, weights: weights) }
            let product = KernelDispatch.bf16Product(rows: m, k: k)
            if sameWidth && x.dtype == .f32 && product == .bf16GEMM { return bf16GEMM(x, weights: weights) }
            if sameWidth && x.dtype == .f32 && product == .f32OnRounded && m > gemvRowLimit {
                // One rounding for all the weights, then the f32 kernel: each output as `apply`'s.
                if weights.allSatisfy({ usesF32GEMM(weight: $0, rows: m, k: k) }) { return f32GEMMSharingPanels(x, weights: weights, roundedToBF16: true) }
                return applyMany(HalfPrecision.roundedToBF16(x), weights: weights)
            }
            guard !usesAMX(rows: m, k: k), usesBF16Dot(rows: m), sameWidth else {
                return weights.map { apply(x, weight: $0, activations: .bf16) }
            }
            // One rounding of the activations and one parallel job over all the weights' rows.
            return bf16DotProducts(x.withFloats { HalfPrecision.bf16Bits(from: $0.baseAddress!, count: $0.count) }, shape: x.shape,
                                   weights: weights)
        }
        let level = Int32(KernelDispatch.level)
        if m > gemvRowLimit && x.dtype == .f32 && weights.count > 1
            && weights.allSatisfy({ $0.rank == 2 && $0.shape[1] == k && usesF32GEMM(weight: $0, rows: m, k: k) }) {
            return f32GEMMSharingPanels(x, weights: weights, roundedToBF16: false)
        }
        guard m >= 1, m <= gemvRowLimit, x.dtype == .f32, level >= 2, (m >= 2 || level >= 3),
              weights.allSatisfy({ $0.dtype == .bf16 && $0.rank == 2 && $0.shape[1] == k }) else {
            return weights.map { apply(x, weight: $0) }
        }
        let outputs = weights.map { Tensor(uninitialized: Array(x.shape.dropLast()) + [$0.shape[0]]) }
        let starts = weights.reduce(into: [0]) { $0.append($0.last! + $1.shape[0]) }
        x.withFloats { px in
            let x = px.baseAddress!
            withSplitActivations(x, k: k, m: m) { xe, xo in
                let rows = weights.map { UnsafeRawPointer($0.rawPointer).assumingMemoryBound(to: UInt16.self) }
                let ys = outputs.map { $0.rawPointer.assumingMemoryBound(to: Float.self) }
                Parallel.forEachChunk(starts.last!, minChunk: 64) { range in
                    for i in weights.indices {
                        let lo = max(range.lowerBound, starts[i]), hi = min(range.upperBound, starts[i + 1])
                        if lo >= hi { continue }
                        let n = weights[i].shape[0]
                        _ = jk_gemv_bf16_split(level, rows[i], Int32(k), x, Int32(k), Int32(m), xe, xo, ys[i], Int32(n),
                                               Int32(lo - starts[i]), Int32(hi - starts[i]), nil)
                    }
                }
            }
        }
        return outputs
    }

    /// Even/odd halves of `m` activation rows for the bf16 kernels, 64-byte aligned (unaligned 512-bit activation
    /// loads cost ~20 % in the compute-bound guidance batches).
    static func withSplitActivations(_ x: UnsafePointer<Float>, k: Int, m: Int,
                                     _ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> Void) {
        let stride = k / 2 + 16   // JK_SPLIT_STRIDE
        let bytes = m * stride * MemoryLayout<Float>.size
        let xeRaw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let xoRaw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { xeRaw.deallocate(); xoRaw.deallocate() }
        let xe = xeRaw.bindMemory(to: Float.self, capacity: m * stride)
        let xo = xoRaw.bindMemory(to: Float.self, capacity: m * stride)
        jk_split_even_odd(x, Int32(k), Int32(m), Int32(k), xe, xo)
        body(xe, xo)
    }

    static func gemv(weight: Tensor, k: Int, n: Int, x: UnsafePointer<Float>, m: Int, y: UnsafeMutablePointer<Float>,
                     bias: UnsafePointer<Float>?) {
        let level = Int32(KernelDispatch.level), type = weightType(weight.dtype)
        let w = UnsafeRawPointer(weight.rawPointer)
        // bf16: the even/odd split kernels (several rows share each activation load; for one row at the AVX-512
        // level, four accumulator chains stream at 30-32 GB/s where the AVX2 one-row kernel reached 26-28).
        if weight.dtype == .bf16 && level >= 2 && (m >= 2 || level >= 3) {
            let rows = w.assumingMemoryBound(to: UInt16.self)
            withSplitActivations(x, k: k, m: m) { xe, xo in
                Parallel.forEachChunk(n, minChunk: 64) { range in
                    _ = jk_gemv_bf16_split(level, rows, Int32(k), x, Int32(k), Int32(m), xe, xo, y, Int32(n),
                                           Int32(range.lowerBound), Int32(range.upperBound), bias)
                }
            }
            return
        }
        // Chunks of at least 64 output rows: below that thread start-up costs more than it saves.
        Parallel.forEachChunk(n, minChunk: 64) { range in
            jk_gemv(level, type, w, Int32(k), x, Int32(k), Int32(m), y, Int32(n), Int32(range.lowerBound),
                    Int32(range.upperBound), bias)
        }
    }

    /// f32 activations times bf16 weights on AMX tiles, when asked (`KernelDispatch.f32OnAMX`): each activation split into three bf16
    /// parts (hi + mid + lo = x), each part's products exact in f32, all accumulated in f32 — the error of f32
    /// summation, as sgemm's (measured NMSE vs a Double product: 6e-14, where a plain f32 loop gives 7e-13), at a
    /// third of the bf16 tile product's speed (600 rows × 5632×2048: ~0.6 s vs 2.5 s for the converted-tile sgemm on
    /// this OpenBLAS). Results do not depend on the thread count or on the row count.
    static func f32x3AMX(weight: Tensor, k: Int, n: Int, x: UnsafePointer<Float>, m: Int, y: UnsafeMutablePointer<Float>,
                         bias: UnsafePointer<Float>?) {
        let count = jk_amx_packed_count(Int32(k), Int32(m))
        let packedRaw = UnsafeMutableRawPointer.allocate(byteCount: 3 * count * 2, alignment: 64)
        let scratch = UnsafeMutablePointer<UInt16>.allocate(capacity: 3 * m * k)
        defer { packedRaw.deallocate() }
        let packed = packedRaw.bindMemory(to: UInt16.self, capacity: 3 * count)
        jk_amx_pack_f32x3(x, Int32(k), Int32(m), packed, scratch)
        scratch.deallocate()
        let w = UnsafeRawPointer(weight.rawPointer).assumingMemoryBound(to: UInt16.self)
        Parallel.forEachChunk((n + 31) / 32, minChunk: 2) { range in
            let n0 = range.lowerBound * 32, n1 = min(n, range.upperBound * 32)
            let done = jk_gemm_f32x3_amx(w, Int32(k), packed, Int32(m), y, Int32(n), Int32(n0), Int32(n1), bias)
            precondition(done == 1, "AMX product refused after the checks passed")
        }
    }

    static func tiled(weight: Tensor, k: Int, n: Int, x: UnsafePointer<Float>, m: Int, y: UnsafeMutablePointer<Float>,
                      bias: UnsafePointer<Float>?) {
        if usesF32GEMM(weight: weight, rows: m, k: k) {
            f32GEMM(weight: weight, k: k, n: n, x: x, m: m, y: y, bias: bias)
            return
        }
        // OpenBLAS computes the last row of an odd row count with its one-row kernel, whose summation order differs
        // from the paired rows' (measured: that row differs in the last bits from the same row inside a larger
        // product). A zero row makes every count even, so each output row is the same whatever rows it is
        // multiplied with: a prompt computed in pieces (a shared prefix, then each question) equals it in one piece
        // (measured for weights whose rows fill whole `tileRows` tiles, as every Janus language-model weight does; a
        // narrower last tile left a few outputs in a thousand differing in the last bit).
        if m % 2 == 1 {
            let padded = UnsafeMutablePointer<Float>.allocate(capacity: (m + 1) * k)
            let out = UnsafeMutablePointer<Float>.allocate(capacity: (m + 1) * n)
            defer { padded.deallocate(); out.deallocate() }
            padded.update(from: x, count: m * k)
            (padded + m * k).update(repeating: 0, count: k)
            tiled(weight: weight, k: k, n: n, x: padded, m: m + 1, y: out, bias: bias)
            y.update(from: out, count: m * n)
            return
        }
        let level = Int32(KernelDispatch.level), type = weightType(weight.dtype)
        if weight.dtype == .bf16 && usesAMX(rows: m, k: k) && KernelDispatch.f32OnAMX {
            f32x3AMX(weight: weight, k: k, n: n, x: x, m: m, y: y, bias: bias)
            return
        }
        let w = UnsafeRawPointer(weight.rawPointer)
        if weight.dtype == .f32 {
            // The same fixed tiles with single-threaded sgemm: OpenBLAS's own threading splits a product by the
            // thread count in force (which concurrent callers change), and its results differ in the last bits
            // between splits; fixed tiles make every output independent of threads and of other callers.
            let tiles = (n + tileRows - 1) / tileRows
            let wf = w.assumingMemoryBound(to: Float.self)
            Parallel.withBLASThreads(1) {
                Parallel.forEachItem(tiles) { next in
                    while let tile = next() {
                        let n0 = tile * tileRows, n1 = min(n, n0 + tileRows)
                        Matmul.gemm(transposeA: false, transposeB: true, m: m, n: n1 - n0, k: k, a: x, lda: k,
                                    b: wf + n0 * k, ldb: k, c: y + n0, ldc: n)
                    }
                }
            }
        } else {
            // Fixed tiles of `tileRows` output rows, whole tiles per thread: each thread converts its tile and
            // multiplies it with single-threaded sgemm (no BLAS thread hand-off per tile; the tile is still warm
            // in cache when sgemm packs it). Tile boundaries do not depend on the thread count, so neither does
            // any output (sgemm's blocking of a column depends on where it sits in its tile). Tiles go to whichever
            // thread is free: with fixed halves the f32 flow step spent 6–10 % waiting for the thread the shared
            // machine had delayed.
            let tiles = (n + tileRows - 1) / tileRows
            Parallel.withBLASThreads(1) {
                Parallel.forEachItem(tiles) { next in
                    // A tensor block (reused from the block cache, not fresh pages each product: 1.4–5.8 MB).
                    let block = Tensor(uninitialized: [min(tileRows, n) * k])
                    let scratch = block.rawPointer.assumingMemoryBound(to: Float.self)
                    defer { withExtendedLifetime(block) {} }
                    while let tile = next() {
                        let n0 = tile * tileRows, n1 = min(n, n0 + tileRows)
                        jk_convert_rows(level, type, w, Int32(k), Int32(n0), Int32(n1), scratch)
                        Matmul.gemm(transposeA: false, transposeB: true, m: m, n: n1 - n0, k: k, a: x, lda: k,
                                    b: scratch, ldb: k, c: y + n0, ldc: n)
                    }
                }
            }
        }
        if let bias {
            for i in 0..<m { for j in 0..<n { y[i * n + j] += bias[j] } }
        }
    }
}
