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

    @inline(__always)
    public static func float(fromF16 bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    @inline(__always)
    public static func f16Bits(from value: Float) -> UInt16 {
        Float16(value).bitPattern
    }
}
