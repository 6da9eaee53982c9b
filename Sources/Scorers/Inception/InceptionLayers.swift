import Formats
import Tensors

/// torchvision's `BasicConv2d` (convolution without bias → BatchNorm, eps 1e-3 → ReLU) under its checkpoint name
/// (`<name>.conv.weight`, `<name>.bn.{weight,bias,running_mean,running_var}`). The BatchNorm is folded into the
/// convolution at load (scale γ/√(var + eps) and shift β − mean·scale, computed in Double), which changes results
/// only in the last bits. The output width comes from the checkpoint's weight shape; the kernel size, stride and
/// padding are the architecture's and are checked.
struct InceptionConv {
    static let batchNormEpsilon = 1e-3
    /// The checkpoint name (`Mixed_5b.branch1x1`).
    let name: String
    let convolution: ChannelMajor.Convolution
    var outChannels: Int { convolution.outChannels }

    init(_ name: String, inChannels: Int, kernel: (Int, Int), stride: Int = 1, padding: (Int, Int) = (0, 0),
         standardWidth: Int, loader: InceptionLoader) throws {
        self.name = name
        let cout = loader.width(of: name + ".conv.weight", standard: standardWidth)
        let w = try loader.take(name + ".conv.weight", shape: [cout, inChannels, kernel.0, kernel.1])
        let gamma = try loader.take(name + ".bn.weight", shape: [cout]), beta = try loader.take(name + ".bn.bias", shape: [cout])
        let mean = try loader.take(name + ".bn.running_mean", shape: [cout])
        let variance = try loader.take(name + ".bn.running_var", shape: [cout])
        guard w.count > 0, gamma.count > 0, beta.count > 0, mean.count > 0, variance.count > 0 else {
            // A missing tensor or a wrong shape: the loader's `finish()` reports it with every other problem. A
            // placeholder of the right width keeps the following layers' shapes (and so their checks) meaningful.
            convolution = ChannelMajor.Convolution(weight: Tensor(zeros: [cout, inChannels, kernel.0, kernel.1]), bias: Tensor(zeros: [cout]),
                                                   stride: (stride, stride), padding: padding, relu: true)
            return
        }
        let (g, b, m, v) = (gamma.toFloats(), beta.toFloats(), mean.toFloats(), variance.toFloats())
        var weights = w.toFloats()
        var bias = [Float](repeating: 0, count: cout)
        let per = weights.count / cout
        for o in 0..<cout {
            let scale = Double(g[o]) / (Double(v[o]) + Self.batchNormEpsilon).squareRoot()
            for i in 0..<per { weights[o * per + i] = Float(Double(weights[o * per + i]) * scale) }
            bias[o] = Float(Double(b[o]) - Double(m[o]) * scale)
        }
        convolution = ChannelMajor.Convolution(weight: Tensor(shape: w.shape, floats: weights), bias: Tensor(shape: [cout], floats: bias),
                                               stride: (stride, stride), padding: padding, relu: true)
    }

}

/// The checkpoint's tensors through the strict loader, plus a look at weight shapes (the network's widths come from
/// the file, so a reduced-width test network in the same key layout loads too). Or, for the demo network
/// (`DemoInception`), tensors made on request from their name and shape, at the standard widths divided by
/// `widthDivisor`.
final class InceptionLoader {
    let provider: TensorProvider?
    let loader: WeightLoader?
    let generate: ((String, [Int]) -> Tensor)?
    let widthDivisor: Int

    /// The 1008-class logits head (`fc.*`, used by IS, not by FID) and BatchNorm's `num_batches_tracked` counters
    /// are the only tensors the FID features never read.
    static func sanitize(_ name: String) -> SanitizedName {
        if name == "fc.weight" || name == "fc.bias" || name.hasSuffix(".num_batches_tracked") { return .knownUnused }
        return .use(name)
    }

    init(_ provider: TensorProvider) {
        self.provider = provider
        loader = WeightLoader(provider, sanitize: Self.sanitize)
        generate = nil; widthDivisor = 1
    }

    init(widthDivisor: Int, generating: @escaping (String, [Int]) -> Tensor) {
        provider = nil; loader = nil; generate = generating; self.widthDivisor = widthDivisor
    }

    /// The output width of a convolution: the checkpoint's, else the architecture's (divided for the demo network).
    func width(of name: String, standard: Int) -> Int {
        guard let provider else { return max(1, standard / widthDivisor) }
        guard provider.tensorNames.contains(name), let t = try? provider.tensor(named: name), t.rank >= 1 else { return standard }
        return t.shape[0]
    }

    func take(_ name: String, shape: [Int]) throws -> Tensor {
        if let generate { return generate(name, shape) }
        return try loader!.take(name, shape: shape).toF32()
    }

    func finish() throws { try loader?.finish() }
}

/// How the blocks apply their convolutions: `FoldedConvolutions` (inference, BatchNorm folded into the weights) or
/// `BatchNormCalibration` (the one train-mode pass that sets a random network's BatchNorm statistics). The blocks'
/// data flow is written once, against this.
protocol InceptionConvolutions {
    func apply(_ conv: InceptionConv, _ x: Tensor) -> Tensor
    func apply(_ conv: InceptionConv, _ x: Tensor, into out: Tensor, channelOffset: Int)
    /// A block's 1×1 heads over the same input, their outputs stacked along channels (`stacked` is their fused form).
    func heads(_ stacked: ChannelMajor.Convolution, parts: [InceptionConv], _ x: Tensor) -> Tensor
}

/// Inference: every convolution as loaded (BatchNorm folded), the heads as one fused convolution.
struct FoldedConvolutions: InceptionConvolutions {
    func apply(_ conv: InceptionConv, _ x: Tensor) -> Tensor { conv.convolution(x) }
    func apply(_ conv: InceptionConv, _ x: Tensor, into out: Tensor, channelOffset: Int) {
        conv.convolution.apply(x, into: out, channelOffset: channelOffset)
    }
    func heads(_ stacked: ChannelMajor.Convolution, parts: [InceptionConv], _ x: Tensor) -> Tensor { stacked(x) }
}

/// pytorch-fid's `FIDInceptionA` (Mixed_5b/5c/5d): 1×1; 1×1 → 5×5; 1×1 → 3×3 → 3×3; and the pool branch, a 3×3
/// average pool with `count_include_pad=False` → 1×1.
struct InceptionA {
    let headParts: [InceptionConv]
    let heads: ChannelMajor.Convolution   // branch1x1, branch5x5_1, branch3x3dbl_1 stacked (same input, 1×1)
    let split: (Int, Int, Int)
    let branch5x5_2, branch3x3dbl_2, branch3x3dbl_3, branchPool: InceptionConv
    let outChannels: Int

    init(_ name: String, inChannels c: Int, poolFeatures: Int, loader: InceptionLoader) throws {
        let b1 = try InceptionConv(name + ".branch1x1", inChannels: c, kernel: (1, 1), standardWidth: 64, loader: loader)
        let b5 = try InceptionConv(name + ".branch5x5_1", inChannels: c, kernel: (1, 1), standardWidth: 48, loader: loader)
        branch5x5_2 = try InceptionConv(name + ".branch5x5_2", inChannels: b5.outChannels, kernel: (5, 5), padding: (2, 2), standardWidth: 64, loader: loader)
        let d1 = try InceptionConv(name + ".branch3x3dbl_1", inChannels: c, kernel: (1, 1), standardWidth: 64, loader: loader)
        branch3x3dbl_2 = try InceptionConv(name + ".branch3x3dbl_2", inChannels: d1.outChannels, kernel: (3, 3), padding: (1, 1), standardWidth: 96, loader: loader)
        branch3x3dbl_3 = try InceptionConv(name + ".branch3x3dbl_3", inChannels: branch3x3dbl_2.outChannels, kernel: (3, 3), padding: (1, 1), standardWidth: 96, loader: loader)
        branchPool = try InceptionConv(name + ".branch_pool", inChannels: c, kernel: (1, 1), standardWidth: poolFeatures, loader: loader)
        headParts = [b1, b5, d1]
        heads = .stacked(headParts.map(\.convolution))
        split = (b1.outChannels, b5.outChannels, d1.outChannels)
        outChannels = b1.outChannels + branch5x5_2.outChannels + branch3x3dbl_3.outChannels + branchPool.outChannels
    }

    func callAsFunction(_ x: Tensor, _ ops: some InceptionConvolutions) -> Tensor {
        let h = ops.heads(heads, parts: headParts, x)
        let out = ChannelMajor.output([outChannels] + Array(x.shape.dropFirst()))
        ChannelMajor.copy(ChannelMajor.channels(h, 0, split.0), into: out, channelOffset: 0)
        var offset = split.0
        ops.apply(branch5x5_2, ChannelMajor.channels(h, split.0, split.1), into: out, channelOffset: offset)
        offset += branch5x5_2.outChannels
        ops.apply(branch3x3dbl_3, ops.apply(branch3x3dbl_2, ChannelMajor.channels(h, split.0 + split.1, split.2)), into: out, channelOffset: offset)
        offset += branch3x3dbl_3.outChannels
        ops.apply(branchPool, ChannelMajor.averagePoolExcludingPadding(x, kernel: 3, stride: 1, padding: 1), into: out, channelOffset: offset)
        return out
    }
}

/// torchvision's `InceptionB` (Mixed_6a): 3×3 stride 2; 1×1 → 3×3 → 3×3 stride 2; 3×3 max pool stride 2.
struct InceptionB {
    let branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3: InceptionConv
    let inChannels: Int
    let outChannels: Int

    init(_ name: String, inChannels c: Int, loader: InceptionLoader) throws {
        branch3x3 = try InceptionConv(name + ".branch3x3", inChannels: c, kernel: (3, 3), stride: 2, standardWidth: 384, loader: loader)
        branch3x3dbl_1 = try InceptionConv(name + ".branch3x3dbl_1", inChannels: c, kernel: (1, 1), standardWidth: 64, loader: loader)
        branch3x3dbl_2 = try InceptionConv(name + ".branch3x3dbl_2", inChannels: branch3x3dbl_1.outChannels, kernel: (3, 3), padding: (1, 1), standardWidth: 96, loader: loader)
        branch3x3dbl_3 = try InceptionConv(name + ".branch3x3dbl_3", inChannels: branch3x3dbl_2.outChannels, kernel: (3, 3), stride: 2, standardWidth: 96, loader: loader)
        inChannels = c
        outChannels = branch3x3.outChannels + branch3x3dbl_3.outChannels + c
    }

    func callAsFunction(_ x: Tensor, _ ops: some InceptionConvolutions) -> Tensor {
        let (oh, ow) = branch3x3.convolution.outputSize(height: x.shape[2], width: x.shape[3])
        let out = ChannelMajor.output([outChannels, x.shape[1], oh, ow])
        ops.apply(branch3x3, x, into: out, channelOffset: 0)
        ops.apply(branch3x3dbl_3, ops.apply(branch3x3dbl_2, ops.apply(branch3x3dbl_1, x)), into: out, channelOffset: branch3x3.outChannels)
        ChannelMajor.maxPool(x, kernel: 3, stride: 2, into: out, channelOffset: branch3x3.outChannels + branch3x3dbl_3.outChannels)
        return out
    }
}

/// pytorch-fid's `FIDInceptionC` (Mixed_6b–6e): 1×1; 1×1 → 1×7 → 7×1; 1×1 → 7×1 → 1×7 → 7×1 → 1×7; and the pool
/// branch, a 3×3 average pool with `count_include_pad=False` → 1×1.
struct InceptionC {
    let headParts: [InceptionConv]
    let heads: ChannelMajor.Convolution   // branch1x1, branch7x7_1, branch7x7dbl_1 stacked
    let split: (Int, Int, Int)
    let b7: [InceptionConv]
    let dbl: [InceptionConv]
    let branchPool: InceptionConv
    let outChannels: Int

    init(_ name: String, inChannels c: Int, channels7x7 c7: Int, loader: InceptionLoader) throws {
        let b1 = try InceptionConv(name + ".branch1x1", inChannels: c, kernel: (1, 1), standardWidth: 192, loader: loader)
        let s1 = try InceptionConv(name + ".branch7x7_1", inChannels: c, kernel: (1, 1), standardWidth: c7, loader: loader)
        let s2 = try InceptionConv(name + ".branch7x7_2", inChannels: s1.outChannels, kernel: (1, 7), padding: (0, 3), standardWidth: c7, loader: loader)
        let s3 = try InceptionConv(name + ".branch7x7_3", inChannels: s2.outChannels, kernel: (7, 1), padding: (3, 0), standardWidth: 192, loader: loader)
        let d1 = try InceptionConv(name + ".branch7x7dbl_1", inChannels: c, kernel: (1, 1), standardWidth: c7, loader: loader)
        var d = [d1]
        for (k, kernel) in [(2, (7, 1)), (3, (1, 7)), (4, (7, 1)), (5, (1, 7))] {
            d.append(try InceptionConv(name + ".branch7x7dbl_\(k)", inChannels: d.last!.outChannels, kernel: kernel,
                                       padding: kernel.0 == 7 ? (3, 0) : (0, 3), standardWidth: k == 5 ? 192 : c7, loader: loader))
        }
        branchPool = try InceptionConv(name + ".branch_pool", inChannels: c, kernel: (1, 1), standardWidth: 192, loader: loader)
        headParts = [b1, s1, d1]
        heads = .stacked(headParts.map(\.convolution))
        split = (b1.outChannels, s1.outChannels, d1.outChannels)
        b7 = [s2, s3]
        dbl = Array(d.dropFirst())
        outChannels = b1.outChannels + s3.outChannels + d.last!.outChannels + branchPool.outChannels
    }

    func callAsFunction(_ x: Tensor, _ ops: some InceptionConvolutions) -> Tensor {
        let h = ops.heads(heads, parts: headParts, x)
        let out = ChannelMajor.output([outChannels] + Array(x.shape.dropFirst()))
        ChannelMajor.copy(ChannelMajor.channels(h, 0, split.0), into: out, channelOffset: 0)
        var offset = split.0
        ops.apply(b7[1], ops.apply(b7[0], ChannelMajor.channels(h, split.0, split.1)), into: out, channelOffset: offset)
        offset += b7[1].outChannels
        var y = ChannelMajor.channels(h, split.0 + split.1, split.2)
        for layer in dbl.dropLast() { y = ops.apply(layer, y) }
        ops.apply(dbl.last!, y, into: out, channelOffset: offset)
        offset += dbl.last!.outChannels
        ops.apply(branchPool, ChannelMajor.averagePoolExcludingPadding(x, kernel: 3, stride: 1, padding: 1), into: out, channelOffset: offset)
        return out
    }
}

/// torchvision's `InceptionD` (Mixed_7a): 1×1 → 3×3 stride 2; 1×1 → 1×7 → 7×1 → 3×3 stride 2; 3×3 max pool stride 2.
struct InceptionD {
    let headParts: [InceptionConv]
    let heads: ChannelMajor.Convolution   // branch3x3_1, branch7x7x3_1 stacked
    let split: (Int, Int)
    let branch3x3_2: InceptionConv
    let b7: [InceptionConv]
    let inChannels: Int
    let outChannels: Int

    init(_ name: String, inChannels c: Int, loader: InceptionLoader) throws {
        let a1 = try InceptionConv(name + ".branch3x3_1", inChannels: c, kernel: (1, 1), standardWidth: 192, loader: loader)
        branch3x3_2 = try InceptionConv(name + ".branch3x3_2", inChannels: a1.outChannels, kernel: (3, 3), stride: 2, standardWidth: 320, loader: loader)
        let s1 = try InceptionConv(name + ".branch7x7x3_1", inChannels: c, kernel: (1, 1), standardWidth: 192, loader: loader)
        let s2 = try InceptionConv(name + ".branch7x7x3_2", inChannels: s1.outChannels, kernel: (1, 7), padding: (0, 3), standardWidth: 192, loader: loader)
        let s3 = try InceptionConv(name + ".branch7x7x3_3", inChannels: s2.outChannels, kernel: (7, 1), padding: (3, 0), standardWidth: 192, loader: loader)
        let s4 = try InceptionConv(name + ".branch7x7x3_4", inChannels: s3.outChannels, kernel: (3, 3), stride: 2, standardWidth: 192, loader: loader)
        headParts = [a1, s1]
        heads = .stacked(headParts.map(\.convolution))
        split = (a1.outChannels, s1.outChannels)
        b7 = [s2, s3, s4]
        inChannels = c
        outChannels = branch3x3_2.outChannels + s4.outChannels + c
    }

    func callAsFunction(_ x: Tensor, _ ops: some InceptionConvolutions) -> Tensor {
        let h = ops.heads(heads, parts: headParts, x)
        let (oh, ow) = branch3x3_2.convolution.outputSize(height: x.shape[2], width: x.shape[3])
        let out = ChannelMajor.output([outChannels, x.shape[1], oh, ow])
        ops.apply(branch3x3_2, ChannelMajor.channels(h, 0, split.0), into: out, channelOffset: 0)
        ops.apply(b7[2], ops.apply(b7[1], ops.apply(b7[0], ChannelMajor.channels(h, split.0, split.1))), into: out, channelOffset: branch3x3_2.outChannels)
        ChannelMajor.maxPool(x, kernel: 3, stride: 2, into: out, channelOffset: branch3x3_2.outChannels + b7[2].outChannels)
        return out
    }
}

/// pytorch-fid's `FIDInceptionE_1` (Mixed_7b, pool branch: 3×3 average with `count_include_pad=False`) and
/// `FIDInceptionE_2` (Mixed_7c, pool branch: 3×3 **max** pool, stride 1, padding 1 — the TF graph's quirk):
/// 1×1; 1×1 → (1×3 ‖ 3×1); 1×1 → 3×3 → (1×3 ‖ 3×1); pool → 1×1.
struct InceptionE {
    let headParts: [InceptionConv]
    let heads: ChannelMajor.Convolution   // branch1x1, branch3x3_1, branch3x3dbl_1 stacked
    let split: (Int, Int, Int)
    let branch3x3_2a, branch3x3_2b, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branchPool: InceptionConv
    let maxPoolBranch: Bool
    let outChannels: Int

    init(_ name: String, inChannels c: Int, maxPoolBranch: Bool, loader: InceptionLoader) throws {
        let b1 = try InceptionConv(name + ".branch1x1", inChannels: c, kernel: (1, 1), standardWidth: 320, loader: loader)
        let t1 = try InceptionConv(name + ".branch3x3_1", inChannels: c, kernel: (1, 1), standardWidth: 384, loader: loader)
        branch3x3_2a = try InceptionConv(name + ".branch3x3_2a", inChannels: t1.outChannels, kernel: (1, 3), padding: (0, 1), standardWidth: 384, loader: loader)
        branch3x3_2b = try InceptionConv(name + ".branch3x3_2b", inChannels: t1.outChannels, kernel: (3, 1), padding: (1, 0), standardWidth: 384, loader: loader)
        let d1 = try InceptionConv(name + ".branch3x3dbl_1", inChannels: c, kernel: (1, 1), standardWidth: 448, loader: loader)
        branch3x3dbl_2 = try InceptionConv(name + ".branch3x3dbl_2", inChannels: d1.outChannels, kernel: (3, 3), padding: (1, 1), standardWidth: 384, loader: loader)
        branch3x3dbl_3a = try InceptionConv(name + ".branch3x3dbl_3a", inChannels: branch3x3dbl_2.outChannels, kernel: (1, 3), padding: (0, 1), standardWidth: 384, loader: loader)
        branch3x3dbl_3b = try InceptionConv(name + ".branch3x3dbl_3b", inChannels: branch3x3dbl_2.outChannels, kernel: (3, 1), padding: (1, 0), standardWidth: 384, loader: loader)
        branchPool = try InceptionConv(name + ".branch_pool", inChannels: c, kernel: (1, 1), standardWidth: 192, loader: loader)
        headParts = [b1, t1, d1]
        heads = .stacked(headParts.map(\.convolution))
        split = (b1.outChannels, t1.outChannels, d1.outChannels)
        self.maxPoolBranch = maxPoolBranch
        outChannels = b1.outChannels + branch3x3_2a.outChannels + branch3x3_2b.outChannels + branch3x3dbl_3a.outChannels
            + branch3x3dbl_3b.outChannels + branchPool.outChannels
    }

    func callAsFunction(_ x: Tensor, _ ops: some InceptionConvolutions) -> Tensor {
        let h = ops.heads(heads, parts: headParts, x)
        let out = ChannelMajor.output([outChannels] + Array(x.shape.dropFirst()))
        ChannelMajor.copy(ChannelMajor.channels(h, 0, split.0), into: out, channelOffset: 0)
        var offset = split.0
        let t = ChannelMajor.channels(h, split.0, split.1)
        ops.apply(branch3x3_2a, t, into: out, channelOffset: offset); offset += branch3x3_2a.outChannels
        ops.apply(branch3x3_2b, t, into: out, channelOffset: offset); offset += branch3x3_2b.outChannels
        let d = ops.apply(branch3x3dbl_2, ChannelMajor.channels(h, split.0 + split.1, split.2))
        ops.apply(branch3x3dbl_3a, d, into: out, channelOffset: offset); offset += branch3x3dbl_3a.outChannels
        ops.apply(branch3x3dbl_3b, d, into: out, channelOffset: offset); offset += branch3x3dbl_3b.outChannels
        let pooled = maxPoolBranch ? ChannelMajor.maxPool(x, kernel: 3, stride: 1, padding: 1)
            : ChannelMajor.averagePoolExcludingPadding(x, kernel: 3, stride: 1, padding: 1)
        ops.apply(branchPool, pooled, into: out, channelOffset: offset)
        return out
    }
}
