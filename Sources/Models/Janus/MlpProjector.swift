import Formats
import Tensors

/// The reference's `MlpProjector` ("mlp_gelu", depth 2): Linear → GELU → Linear, keys `layers.0` and `layers.2`.
/// JanusFlow's understanding aligner is a single Linear (depth 1 here).
public struct MlpProjector: @unchecked Sendable {
    let w0: Tensor, b0: Tensor
    let w2: Tensor?, b2: Tensor?

    public init(loader: WeightLoader, prefix: String, input: Int, output: Int, depth: Int = 2) throws {
        if depth == 1 {
            w0 = try loader.take(prefix + "weight", shape: [output, input]); b0 = try loader.take(prefix + "bias", shape: [output])
            w2 = nil; b2 = nil
        } else {
            w0 = try loader.take(prefix + "layers.0.weight", shape: [output, input]); b0 = try loader.take(prefix + "layers.0.bias", shape: [output])
            w2 = try loader.take(prefix + "layers.2.weight", shape: [output, output]); b2 = try loader.take(prefix + "layers.2.bias", shape: [output])
        }
    }

    /// `rowGroups`: independent row groups, each computed as if alone (`Linear.apply(_:weight:rowGroups:)`).
    public func callAsFunction(_ x: Tensor, activations: ActivationPrecision = .f32, rowGroups: [Int]? = nil) -> Tensor {
        let first = Linear.apply(x, weight: w0, bias: b0, activations: activations, rowGroups: rowGroups)
        guard let w2, let b2 else { return first }
        return Linear.apply(Activations.gelu(first), weight: w2, bias: b2, activations: activations, rowGroups: rowGroups)
    }
}
