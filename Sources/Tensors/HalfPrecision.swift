import CKernels

/// Conversions between f32 and the two 16-bit float formats checkpoints are stored in.
public enum HalfPrecision {
    /// bf16 is the top half of an f32: widening is a shift.
    @inline(__always)
    public static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Round-to-nearest-even, as torch's `.to(torch.bfloat16)`; NaN stays NaN.
    @inline(__always)
    public static func bf16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: (bits >> 16) | 0x40) }
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    /// `count` values rounded as `bf16Bits(from:)` does, by the SIMD kernel (decode rounds ~100 k activations per
    /// token step in the bf16 mode; the scalar map was ~4 % of a step).
    public static func bf16Bits(from values: UnsafePointer<Float>, count: Int) -> [UInt16] {
        guard count > 0 else { return [] }
        return [UInt16](unsafeUninitializedCapacity: count) { buffer, initialised in
            jk_round_bf16(Int32(KernelDispatch.level), values, buffer.baseAddress!, count)
            initialised = count
        }
    }

    /// `x` (f32) with every value rounded as `bf16Bits(from:)`, still f32: what the f32 kernels take under the bf16
    /// precision.
    public static func roundedToBF16(_ x: Tensor) -> Tensor {
        let out = Tensor(uninitialized: x.shape)
        let level = Int32(KernelDispatch.level)
        x.withFloats { px in out.withMutableFloats { py in
            let (src, dst) = (px.baseAddress!, py.baseAddress!)
            Parallel.forEachChunk(px.count, minChunk: 1 << 16) { range in
                jk_round_bf16_f32(level, src + range.lowerBound, dst + range.lowerBound, range.count)
            }
        } }
        return out
    }

    /// `bf16Bits(from:)` of `count` values, written to `out`.
    public static func storeBF16(_ values: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<UInt16>) {
        jk_round_bf16(Int32(KernelDispatch.level), values, out, count)
    }

    @inline(__always)
    public static func float(fromF16 bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    @inline(__always)
    public static func f16Bits(from value: Float) -> UInt16 {
        Float16(value).bitPattern
    }
}
