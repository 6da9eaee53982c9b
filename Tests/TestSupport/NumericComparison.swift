/// Error measures for parity and kernel tests (llama.cpp's test-backend-ops style).
public enum NumericComparison {
    /// Normalised mean squared error: Σ(a−b)² / Σb², with b the reference. 0 when both are all zero.
    public static func nmse(_ actual: [Float], _ reference: [Float]) -> Double {
        precondition(actual.count == reference.count, "length \(actual.count) vs \(reference.count)")
        var num = 0.0, den = 0.0
        for i in 0..<actual.count {
            let d = Double(actual[i]) - Double(reference[i])
            num += d * d
            den += Double(reference[i]) * Double(reference[i])
        }
        if den == 0 { return num == 0 ? 0 : .infinity }
        return num / den
    }

    /// The largest absolute difference and where it is.
    public static func maxAbsDifference(_ actual: [Float], _ reference: [Float]) -> (value: Double, index: Int) {
        precondition(actual.count == reference.count, "length \(actual.count) vs \(reference.count)")
        var worst = 0.0, at = -1
        for i in 0..<actual.count {
            let d = abs(Double(actual[i]) - Double(reference[i]))
            if d > worst || d.isNaN { worst = d; at = i; if d.isNaN { break } }
        }
        return (worst, at)
    }

    /// A human-readable account of how two arrays diverge, for test failure messages.
    public static func describeDivergence(_ actual: [Float], _ reference: [Float], shape: [Int]? = nil) -> String {
        let (worst, at) = maxAbsDifference(actual, reference)
        guard at >= 0 else { return "identical" }
        var position = "index \(at)"
        if let shape {
            var rem = at, coords: [Int] = []
            for d in shape.reversed() { coords.append(rem % max(d, 1)); rem /= max(d, 1) }
            position = "index \(coords.reversed())"
        }
        return "max |Δ| = \(worst) at \(position) (got \(actual[at]), expected \(reference[at])); NMSE = \(nmse(actual, reference))"
    }
}

/// A small deterministic generator for test inputs (SplitMix64), so tests need no global RNG state.
public struct TestRandom {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Float = -1, _ hi: Float = 1) -> Float {
        lo + (hi - lo) * Float(next() >> 40) / Float(1 << 24)
    }
    public mutating func floats(_ n: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<n).map { _ in uniform(lo, hi) }
    }
}
