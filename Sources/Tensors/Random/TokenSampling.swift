import Foundation

/// Choosing a token from logits: the one argmax every greedy path uses, and a categorical draw.
public enum TokenSampling {
    /// The index of the largest value, the first one on ties (as numpy.argmax for finite values).
    public static func argmax(_ values: [Float]) -> Int {
        precondition(!values.isEmpty, "argmax of an empty vector")
        var best = 0
        for i in 1..<values.count where values[i] > values[best] { best = i }
        return best
    }

    /// softmax(logits / T) then one categorical draw with `rng` (inverse CDF on random()).
    public static func categorical(_ logits: [Float], temperature: Float, using rng: inout NumpyRandom) -> Int {
        let scaled = logits.map { Double($0 / temperature) }
        let m = scaled.max() ?? 0
        let weights = scaled.map { exp($0 - m) }
        let total = weights.reduce(0, +)
        var u = rng.random() * total
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return i }
        }
        return weights.count - 1
    }
}
