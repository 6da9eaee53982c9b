import CKernels

/// Products over several independent row groups at once — the guidance rows of several prompts in one batch — where
/// every output row must equal, bit for bit, what multiplying its group alone gives. `rowGroups` are the sizes of
/// consecutive row blocks of `x` (summing to its row count).
///
/// Each group takes the kernel it would take alone (`Linear.apply`'s rules for its own row count), so a 64-row batch
/// reads each weight from memory once instead of once per group. Groups on the f32 split kernel (2–8 rows) run as one
/// job over blocks of weight rows, every group multiplying a block while it is in L2. The bf16 dot products and AMX
/// tiles compute each output independently of the other rows, so groups that would take them alone run as one
/// product over all the rows (`jk_gemv_bf16_dot_many`, or one AMX product). Anything else runs group by group.
extension Linear {
    /// Weight rows per block of the grouped streaming product: 64 rows of K = 5632 bf16 are 704 KB, L2-resident
    /// while every group passes over them.
    static let groupBlockRows = 64

    /// Weight rows per work item of the many-row dot-product kernel (`jk_gemv_bf16_dot_many`).
    static let manyBlockRows = 128

    /// `apply` with `x`'s rows in independent groups (see above). nil or a single group is `apply`.
    public static func apply(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, activations: ActivationPrecision = .f32,
                             rowGroups: [Int]?) -> Tensor {
        guard let groups = rowGroups, groups.count > 1 else { return apply(x, weight: weight, bias: bias, activations: activations) }
        let k = weight.shape[1], n = weight.shape[0], m = x.count / max(k, 1)
        precondition(groups.reduce(0, +) == m && groups.allSatisfy { $0 > 0 }, "Linear: row groups \(groups) do not cover \(m) rows")
        let path = groupPath(groups, k: k, weight: weight, activations: activations)
        switch path {
        case .together:
            return apply(x, weight: weight, bias: bias, activations: activations)
        case .alone:
            let out = Tensor(uninitialized: Array(x.shape.dropLast()) + [n])
            var start = 0
            x.withFloats { xp in out.withMutableFloats { yp in
                for g in groups {
                    let part = Tensor(shape: [g, k], floats: Array(xp[(start * k)..<((start + g) * k)]))
                    apply(part, weight: weight, bias: bias, activations: activations).withFloats { src in
                        (yp.baseAddress! + start * n).update(from: src.baseAddress!, count: g * n)
                    }
                    start += g
                }
            } }
            return out
        case .bf16Dot:
            return manyRowDots(x, weights: [weight], bias: bias)[0]
        case .split:
            let level = Int32(KernelDispatch.level), stride = k / 2 + 16   // JK_SPLIT_STRIDE
            return x.withFloats { xp in
                let xp = xp.baseAddress!
                var result: Tensor!
                withSplitActivations(xp, k: k, m: m) { xe, xo in
                    result = streamGroups(groups, n: n, shape: x.shape, bias: bias) { y, biasPointer, start, g, lo, hi in
                        _ = jk_gemv_bf16_split(level, UnsafeRawPointer(weight.rawPointer).assumingMemoryBound(to: UInt16.self), Int32(k),
                                               xp + start * k, Int32(k), Int32(g), xe + start * stride, xo + start * stride,
                                               y + start * n, Int32(n), Int32(lo), Int32(hi), biasPointer)
                    }
                }
                return result
            }
        }
    }

    /// `applyMany` with row groups: each weight's product as `apply(_:weight:rowGroups:)`; where they all take the
    /// dot products, in one job (q / k / v, gate / up: one rounding of the rows, one wait for the threads).
    public static func applyMany(_ x: Tensor, weights: [Tensor], activations: ActivationPrecision = .f32, rowGroups: [Int]?) -> [Tensor] {
        guard let groups = rowGroups, groups.count > 1 else { return applyMany(x, weights: weights, activations: activations) }
        let k = weights[0].shape[1]
        if weights.allSatisfy({ $0.shape[1] == k && groupPath(groups, k: k, weight: $0, activations: activations) == .bf16Dot }) {
            return manyRowDots(x, weights: weights, bias: nil)
        }
        return weights.map { apply(x, weight: $0, activations: activations, rowGroups: groups) }
    }

    /// All of `x`'s rows (rounded to bf16) times each weight on the many-row dot-product kernel. Every output of the
    /// dot products is its own sum in an order fixed by K, so this equals each group's product alone, bit for bit,
    /// while each weight row is read once, with compute to hide the reads. Work items: `forEachWeightBlock` of
    /// `manyBlockRows` rows (an even split left one core waiting whenever the shared machine delayed the other).
    static func manyRowDots(_ x: Tensor, weights: [Tensor], bias: Tensor?) -> [Tensor] {
        precondition(bias == nil || weights.count == 1, "Linear.manyRowDots: a bias serves one weight")
        let k = weights[0].shape[1], m = x.count / max(k, 1)
        let rounded = x.withFloats { HalfPrecision.bf16Bits(from: $0.baseAddress!, count: $0.count) }
        let outputs = weights.map { Tensor(uninitialized: Array(x.shape.dropLast()) + [$0.shape[0]]) }
        let ys = outputs.map { $0.rawPointer.assumingMemoryBound(to: Float.self) }
        let ws = weights.map { UnsafeRawPointer($0.rawPointer).assumingMemoryBound(to: UInt16.self) }
        let biasF32 = bias.map { $0.toF32() }
        let b = biasF32.map { UnsafePointer($0.rawPointer.assumingMemoryBound(to: Float.self)) }
        rounded.withUnsafeBufferPointer { xb in
            forEachWeightBlock(weights, blockRows: manyBlockRows) { i, lo, hi in
                _ = jk_gemv_bf16_dot_many(ws[i], Int32(k), xb.baseAddress!, Int32(m), ys[i], Int32(weights[i].shape[0]), Int32(lo), Int32(hi), b)
            }
        }
        withExtendedLifetime(biasF32) {}
        return outputs
    }

    enum GroupPath: Equatable {
        /// One product over all rows gives every group's bits (AMX tiles).
        case together
        /// The grouped streaming kernels.
        case bf16Dot, split
        /// Group by group.
        case alone
    }

    /// Which way a grouped product runs (for tests and benchmarks to say what they exercised).
    public static func groupPathName(_ groups: [Int], k: Int, weight: Tensor, activations: ActivationPrecision) -> String {
        switch groupPath(groups, k: k, weight: weight, activations: activations) {
        case .together: return "AMX, all rows at once"
        case .bf16Dot: return "bf16 dot products, all rows in one pass"
        case .split: return "split"
        case .alone: return "group by group"
        }
    }

    /// The kernel every group takes alone, when they all take the same one (else `.alone`).
    static func groupPath(_ groups: [Int], k: Int, weight: Tensor, activations: ActivationPrecision) -> GroupPath {
        let paths = Set(groups.map { g -> GroupPath in
            if activations == .bf16 && weight.dtype == .bf16 {
                if usesAMX(rows: g, k: k) { return .together }
                if usesBF16Dot(rows: g) { return .bf16Dot }
                return .alone
            }
            // f32 activations: `applyF32` → `gemv` → the split kernel for bf16 weights, 2–8 rows (1 row at AVX-512).
            let level = KernelDispatch.level
            if weight.dtype == .bf16 && g <= gemvRowLimit && level >= 2 && (g >= 2 || level >= 3) { return .split }
            return .alone
        })
        return paths.count == 1 ? paths.first! : .alone
    }

    /// Output rows split between threads; within a thread's range, blocks of `groupBlockRows` weight rows, each
    /// multiplied by every group in turn. `body(y, bias, groupStart, groupRows, lo, hi)` computes one group's outputs
    /// lo..<hi.
    static func streamGroups(_ groups: [Int], n: Int, shape: [Int], bias: Tensor?,
                             _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>?, Int, Int, Int, Int) -> Void) -> Tensor {
        let out = Tensor(uninitialized: Array(shape.dropLast()) + [n])
        let starts = groups.reduce(into: [0]) { $0.append($0.last! + $1) }
        let biasF32 = bias.map { $0.toF32() }
        let b = biasF32.map { UnsafePointer($0.rawPointer.assumingMemoryBound(to: Float.self)) }
        let y = out.rawPointer.assumingMemoryBound(to: Float.self)
        Parallel.forEachChunk(n, minChunk: groupBlockRows) { range in
            var lo = range.lowerBound
            while lo < range.upperBound {
                let hi = min(range.upperBound, lo + groupBlockRows)
                for (i, g) in groups.enumerated() { body(y, b, starts[i], g, lo, hi) }
                lo = hi
            }
        }
        withExtendedLifetime(biasF32) {}
        return out
    }
}
