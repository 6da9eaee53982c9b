import Tensors

/// Anything that can hand out named tensors (a safetensors file, a pickled .bin, a sharded folder).
public protocol TensorProvider {
    var tensorNames: [String] { get }
    func tensor(named name: String) throws -> Tensor
    /// Shown in errors: the file or folder the tensors come from.
    var sourceDescription: String { get }
}

/// Strict weight assignment in three visible steps (the mlx-swift-lm pattern):
/// 1. the provider's names are `sanitize`d (renamed between layouts, known-unused ones dropped);
/// 2. each module `take`s the tensors it needs, with the shape it expects;
/// 3. `finish()` fails listing every tensor that was asked for but missing and every tensor nobody took.
/// Nothing is copied: tensors stay views in their stored dtype.
public final class WeightLoader {
    private let provider: TensorProvider
    /// sanitized name → provider name
    private var available: [String: String] = [:]
    private var taken: Set<String> = []
    private var missing: [String] = []
    private var firstShapeError: ModelError?
    public private(set) var dropped: [String] = []

    /// - Parameters:
    ///   - rename: maps a provider name to the model's name (return nil to keep it unchanged).
    ///   - isKnownUnused: names the reference keeps in its checkpoints but never uses (dropped, with a note).
    public init(_ provider: TensorProvider, rename: (String) -> String? = { _ in nil },
                isKnownUnused: (String) -> Bool = { _ in false }) {
        self.provider = provider
        for name in provider.tensorNames {
            if isKnownUnused(name) { dropped.append(name); continue }
            available[rename(name) ?? name] = name
        }
    }

    /// The tensor `name` with exactly `shape`. A missing tensor or a wrong shape is recorded and reported by
    /// `finish()` (so one run lists every problem); the returned placeholder is never used after that.
    public func take(_ name: String, shape: [Int]) throws -> Tensor {
        guard let source = available[name] else {
            missing.append(name)
            return Tensor(zeros: [0])
        }
        taken.insert(name)
        let tensor = try provider.tensor(named: source)
        if tensor.shape != shape {
            if firstShapeError == nil {
                firstShapeError = .wrongShape(checkpoint: provider.sourceDescription, tensor: source, expected: shape, found: tensor.shape)
            }
            return Tensor(zeros: [0])
        }
        return tensor
    }

    /// Marks every tensor under these prefixes as accounted for without loading it: the parts of a checkpoint a
    /// mode does not run (the generation path when only answering questions). Returns how many were set aside.
    @discardableResult
    public func setAside(prefixes: [String]) -> Int {
        let names = available.keys.filter { name in prefixes.contains { name.hasPrefix($0) } }
        names.forEach { taken.insert($0) }
        setAsideCount += names.count
        return names.count
    }
    public private(set) var setAsideCount = 0

    /// Whether the checkpoint has `name` (for optional tensors such as biases).
    public func has(_ name: String) -> Bool { available[name] != nil }

    /// Throws when any tensor was missing, had the wrong shape, or was left unused.
    public func finish() throws {
        if let error = firstShapeError { throw error }
        let unused = available.keys.filter { !taken.contains($0) }.sorted()
        if !missing.isEmpty || !unused.isEmpty {
            throw ModelError.tensorMismatch(checkpoint: provider.sourceDescription, missing: missing.sorted(), unused: unused)
        }
    }
}

/// Names the Janus checkpoints carry that the reference never reads.
public enum JanusKnownUnused {
    public static func contains(_ name: String) -> Bool {
        name.contains(".attn_pool.") || name.hasSuffix("rotary_emb.inv_freq") || name.hasSuffix("quantize.codebook_used")
    }
}
