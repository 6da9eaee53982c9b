#if canImport(Glibc)
import Glibc
#endif

/// Rotary position embedding as transformers' Llama ("rotate_half"): dimension i pairs with i + d/2,
/// inv_freq[i] = θ^(−2i/d), angle = position·inv_freq in f32, out = x·cos + rotate_half(x)·sin.
public struct RotaryEmbedding: Sendable {
    public let headDim: Int
    public let theta: Float
    let inverseFrequencies: [Float]

    public init(headDim: Int, theta: Float = 10000) {
        precondition(headDim % 2 == 0, "RoPE needs an even head dimension")
        self.headDim = headDim
        self.theta = theta
        inverseFrequencies = (0..<headDim / 2).map { 1 / powf(theta, Float(2 * $0) / Float(headDim)) }
    }

    /// Rotates x [B, H, S, D] in place; `positions` gives the position of each of the S steps.
    public func apply(_ x: Tensor, positions: [Int]) {
        precondition(x.rank == 4 && x.shape[3] == headDim && x.shape[2] == positions.count, "RoPE: shape \(x.shape) vs \(positions.count) positions")
        let s = x.shape[2], half = headDim / 2
        var cosTable = [Float](repeating: 0, count: s * half), sinTable = cosTable
        for (t, p) in positions.enumerated() {
            for i in 0..<half {
                let angle = Float(p) * inverseFrequencies[i]
                cosTable[t * half + i] = cosf(angle)
                sinTable[t * half + i] = sinf(angle)
            }
        }
        let rows = x.count / headDim
        x.withMutableFloats { px in
            Parallel.forEachChunk(rows, minChunk: 64) { range in
                for r in range {
                    let t = r % s, v = px.baseAddress! + r * headDim
                    for i in 0..<half {
                        let c = cosTable[t * half + i], sn = sinTable[t * half + i]
                        let a = v[i], b = v[i + half]
                        v[i] = a * c - b * sn
                        v[i + half] = b * c + a * sn
                    }
                }
            }
        }
    }

    /// Rotates packed rows in place: x holds R rows of H vectors of D values ([R, H·D] or [R, H, D]), and
    /// `positions[r]` is the position of row r's H vectors (several sequences packed into one matrix, each at its
    /// own positions). The same arithmetic as `apply(_:positions:)`.
    public func apply(rows x: Tensor, positions: [Int]) {
        precondition(positions.isEmpty ? x.count == 0 : x.count % (positions.count * headDim) == 0,
                     "RoPE: \(x.count) values for \(positions.count) rows of \(headDim)-wide vectors")
        guard !positions.isEmpty else { return }
        let half = headDim / 2, vectors = x.count / (positions.count * headDim)
        var cosTable = [Float](repeating: 0, count: positions.count * half), sinTable = cosTable
        for (t, p) in positions.enumerated() {
            for i in 0..<half {
                let angle = Float(p) * inverseFrequencies[i]
                cosTable[t * half + i] = cosf(angle)
                sinTable[t * half + i] = sinf(angle)
            }
        }
        x.withMutableFloats { px in
            Parallel.forEachChunk(positions.count * vectors, minChunk: 64) { range in
                for r in range {
                    let t = r / vectors, v = px.baseAddress! + r * headDim
                    for i in 0..<half {
                        let c = cosTable[t * half + i], sn = sinTable[t * half + i]
                        let a = v[i], b = v[i + half]
                        v[i] = a * c - b * sn
                        v[i + half] = b * c + a * sn
                    }
                }
            }
        }
    }
}
