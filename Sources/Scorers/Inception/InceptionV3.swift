import Formats
import Tensors

/// pytorch-fid's `InceptionV3` (src/pytorch_fid/inception.py, 0.3.0) with `use_fid_inception=True`: torchvision's
/// Inception-v3 without aux logits, its Mixed_5b–5d, 6b–6e, 7b and 7c replaced by the FID blocks (average pools
/// with `count_include_pad=False`, Mixed_7c's max pool), BatchNorm eps 1e-3, cut into pytorch-fid's four blocks:
///
/// - block 0: Conv2d_1a/2a/2b + 3×3 max pool stride 2 (64 channels);
/// - block 1: Conv2d_3b/4a + max pool (192);
/// - block 2: Mixed_5b … Mixed_6e (768);
/// - block 3: Mixed_7a/7b/7c + global average pool (2048: pool3, the FID feature).
///
/// A block's feature is its output averaged over space (pytorch-fid's `adaptive_avg_pool2d` for blocks 0–2).
/// The input is an already-normalised 3 × 299 × 299 batch (see `InceptionPreprocessing`). Widths come from the
/// checkpoint, so pytorch-fid's `pt_inception-2015-12-05-6726825d.pth`, torch-fidelity's
/// `weights-inception-2015-12-05-6726825d.pth` (the same weights under the same key names) and reduced-width test
/// networks in that layout all load. Weights stay f32.
public final class InceptionV3: @unchecked Sendable {
    public static let inputSize = 299
    /// pytorch-fid's `BLOCK_INDEX_BY_DIM` for the real network.
    public static let standardWidths = [64, 192, 768, 2048]

    /// The feature width of each block (64, 192, 768, 2048 for the real weights).
    public let blockWidths: [Int]
    /// The weights file, for messages.
    public let source: String

    let conv1a, conv2a, conv2b, conv3b, conv4a: InceptionConv
    let mixed5: [InceptionA]
    let mixed6a: InceptionB
    let mixed6: [InceptionC]
    let mixed7a: InceptionD
    let mixed7b, mixed7c: InceptionE

    /// Loads every tensor strictly: all of them used (only `fc.*` and `num_batches_tracked` are known to be unused),
    /// every shape checked; a mismatch lists each missing and unused tensor.
    public convenience init(provider: TensorProvider) throws {
        try self.init(loader: InceptionLoader(provider), source: provider.sourceDescription)
    }

    init(loader l: InceptionLoader, source: String) throws {
        self.source = source
        conv1a = try InceptionConv("Conv2d_1a_3x3", inChannels: 3, kernel: (3, 3), stride: 2, standardWidth: 32, loader: l)
        conv2a = try InceptionConv("Conv2d_2a_3x3", inChannels: conv1a.outChannels, kernel: (3, 3), standardWidth: 32, loader: l)
        conv2b = try InceptionConv("Conv2d_2b_3x3", inChannels: conv2a.outChannels, kernel: (3, 3), padding: (1, 1), standardWidth: 64, loader: l)
        conv3b = try InceptionConv("Conv2d_3b_1x1", inChannels: conv2b.outChannels, kernel: (1, 1), standardWidth: 80, loader: l)
        conv4a = try InceptionConv("Conv2d_4a_3x3", inChannels: conv3b.outChannels, kernel: (3, 3), standardWidth: 192, loader: l)
        // Mixed_5b/5c/5d: pool_features 32, 64, 64 in the real network (read from the file here).
        var channels = conv4a.outChannels
        var a: [InceptionA] = []
        for (name, pool) in [("Mixed_5b", 32), ("Mixed_5c", 64), ("Mixed_5d", 64)] {
            let block = try InceptionA(name, inChannels: channels, poolFeatures: pool, loader: l)
            a.append(block); channels = block.outChannels
        }
        mixed5 = a
        mixed6a = try InceptionB("Mixed_6a", inChannels: channels, loader: l)
        channels = mixed6a.outChannels
        var c: [InceptionC] = []
        for (name, c7) in [("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192)] {
            let block = try InceptionC(name, inChannels: channels, channels7x7: c7, loader: l)
            c.append(block); channels = block.outChannels
        }
        mixed6 = c
        let width2 = channels
        mixed7a = try InceptionD("Mixed_7a", inChannels: channels, loader: l)
        mixed7b = try InceptionE("Mixed_7b", inChannels: mixed7a.outChannels, maxPoolBranch: false, loader: l)
        mixed7c = try InceptionE("Mixed_7c", inChannels: mixed7b.outChannels, maxPoolBranch: true, loader: l)
        try l.finish()
        blockWidths = [conv2b.outChannels, conv4a.outChannels, width2, mixed7c.outChannels]
    }

    /// A weights file: pytorch-fid's (legacy torch.save) or torch-fidelity's, or any .pth / .safetensors in that layout.
    public convenience init(file: String) throws {
        try self.init(provider: try CheckpointFiles.openFile(file))
    }

    /// The block whose feature width is `dims` (pytorch-fid's `--dims`).
    public func block(forDims dims: Int) throws -> Int {
        guard let b = blockWidths.firstIndex(of: dims) else {
            throw InceptionError.unknownDims(dims, available: blockWidths, weights: source)
        }
        return b
    }

    /// Features of `block` for a batch: input NCHW [B, 3, 299, 299] (normalised), output B rows of the block's width.
    public func features(_ input: Tensor, block: Int) -> [[Float]] { forward(input, block: block, FoldedConvolutions()) }

    /// Activation blocks reused from batch to batch (see `TensorArena`).
    let arena = TensorArena()

    /// The forward pass with the convolutions applied by `ops` (inference, or BatchNorm calibration); every
    /// activation comes from the network's arena.
    func forward(_ input: Tensor, block: Int, _ ops: some InceptionConvolutions) -> [[Float]] {
        TensorArena.$current.withValue(arena) { forwardInArena(input, block: block, ops) }
    }

    private func forwardInArena(_ input: Tensor, block: Int, _ ops: some InceptionConvolutions) -> [[Float]] {
        precondition(input.rank == 4 && input.shape[1] == 3 && (0...3).contains(block), "Inception: NCHW RGB input, block 0…3")
        var x = ChannelMajor.swapBatchAndChannels(input)
        x = ChannelMajor.maxPool(ops.apply(conv2b, ops.apply(conv2a, ops.apply(conv1a, x))), kernel: 3, stride: 2)
        if block == 0 { return ChannelMajor.globalAverage(x) }
        x = ChannelMajor.maxPool(ops.apply(conv4a, ops.apply(conv3b, x)), kernel: 3, stride: 2)
        if block == 1 { return ChannelMajor.globalAverage(x) }
        for m in mixed5 { x = m(x, ops) }
        x = mixed6a(x, ops)
        for m in mixed6 { x = m(x, ops) }
        if block == 2 { return ChannelMajor.globalAverage(x) }
        x = mixed7c(mixed7b(mixed7a(x, ops), ops), ops)
        return ChannelMajor.globalAverage(x)
    }
}

public enum InceptionError: Error, CustomStringConvertible, Equatable {
    case unknownDims(Int, available: [Int], weights: String)
    /// No weights file was found: the paths looked at, and how to get the file.
    case weightsNotFound(searched: [String])
    case unsupportedImage(file: String, detail: String)
    case noImages(folder: String, rule: String)
    case cache(path: String, detail: String)

    public var description: String {
        switch self {
        case let .unknownDims(d, available, weights):
            return "--dims \(d) is not a block width of \(weights); it has blocks of \(available.map(String.init).joined(separator: ", ")) (pytorch-fid: 64, 192, 768, 2048)"
        case .weightsNotFound(let searched):
            return """
                no Inception-v3 FID weights found. Looked at:
                \(searched.map { "  " + $0 }.joined(separator: "\n"))
                Get pytorch-fid's file (the same weights as TF's inception-2015-12-05, 95 MB):
                  mkdir -p ~/.cache/torch/hub/checkpoints && curl -L -o ~/.cache/torch/hub/checkpoints/\(InceptionWeights.pytorchFIDFile) \\
                    \(InceptionWeights.pytorchFIDURL)
                (or torch-fidelity's \(InceptionWeights.torchFidelityURL)), then pass --inception-weights FILE,
                set JANUS_EVAL_INCEPTION_WEIGHTS=FILE, or leave it in the torch hub cache above.
                """
        case let .unsupportedImage(file, detail): return "\(file): \(detail)"
        case let .noImages(folder, rule): return "\(folder): no images (\(rule))"
        case let .cache(path, detail): return "feature cache \(path): \(detail)"
        }
    }
}
