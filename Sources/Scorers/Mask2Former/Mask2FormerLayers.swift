import Formats
import Tensors

/// The small weight-holding pieces every Mask2Former block is made of, each taking its tensors from the
/// `WeightLoader` under the Hugging Face key names (the mmdet layout is renamed to these by `Mask2FormerKeyMap`).

struct DenseLayer {
    let weight: Tensor
    let bias: Tensor?

    init(_ loader: WeightLoader, _ prefix: String, input: Int, output: Int, bias hasBias: Bool = true) throws {
        weight = try loader.take(prefix + ".weight", shape: [output, input])
        bias = hasBias ? try loader.take(prefix + ".bias", shape: [output]) : nil
    }

    init(weight: Tensor, bias: Tensor?) { self.weight = weight; self.bias = bias }

    func callAsFunction(_ x: Tensor) -> Tensor { Linear.apply(x, weight: weight, bias: bias) }

    /// Three equal row blocks of a fused [3·C, C] projection (nn.MultiheadAttention's in_proj, mmdet Swin's qkv),
    /// as views of the stored tensors.
    static func splitFused(weight: Tensor, bias: Tensor?, parts: Int = 3) -> [DenseLayer] {
        // A wrong shape has been recorded by the loader (which throws at finish()): placeholders.
        guard weight.rank == 2, bias.map({ $0.count == weight.shape[0] }) ?? true else {
            return (0..<parts).map { _ in DenseLayer(weight: weight, bias: bias) }
        }
        let rows = weight.shape[0] / parts, cols = weight.shape[1]
        return (0..<parts).map { i in
            let w = Tensor(shape: [rows, cols], dtype: weight.dtype, storage: weight.storage,
                           byteOffset: weight.byteOffset + i * rows * cols * weight.dtype.byteSize)
            let b = bias.map { Tensor(shape: [rows], dtype: $0.dtype, storage: $0.storage, byteOffset: $0.byteOffset + i * rows * $0.dtype.byteSize) }
            return DenseLayer(weight: w, bias: b)
        }
    }
}

struct LayerNormLayer {
    let weight: Tensor
    let bias: Tensor
    let eps: Float

    init(_ loader: WeightLoader, _ prefix: String, width: Int, eps: Float = 1e-5) throws {
        weight = try loader.take(prefix + ".weight", shape: [width])
        bias = try loader.take(prefix + ".bias", shape: [width])
        self.eps = eps
    }

    init(weight: Tensor, bias: Tensor, eps: Float) { self.weight = weight; self.bias = bias; self.eps = eps }

    func callAsFunction(_ x: Tensor) -> Tensor { Normalization.layerNorm(x, weight: weight, bias: bias, eps: eps) }
}

struct GroupNormLayer {
    let weight: Tensor
    let bias: Tensor
    let groups: Int

    init(_ loader: WeightLoader, _ prefix: String, channels: Int, groups: Int = 32) throws {
        weight = try loader.take(prefix + ".weight", shape: [channels])
        bias = try loader.take(prefix + ".bias", shape: [channels])
        self.groups = groups
    }

    func callAsFunction(_ x: Tensor) -> Tensor { Normalization.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: 1e-5) }
}

struct ConvLayer {
    let weight: Tensor
    let bias: Tensor?
    let options: Conv2D.Options

    init(_ loader: WeightLoader, _ prefix: String, input: Int, output: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
         bias hasBias: Bool = true) throws {
        weight = try loader.take(prefix + ".weight", shape: [output, input, kernel, kernel])
        bias = hasBias ? try loader.take(prefix + ".bias", shape: [output]) : nil
        options = Conv2D.Options(stride: stride, padding: padding)
    }

    func callAsFunction(_ x: Tensor) -> Tensor { Conv2D.apply(x, weight: weight, bias: bias, options: options) }
}
