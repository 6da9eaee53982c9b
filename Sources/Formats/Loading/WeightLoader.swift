import Tensors

/// What a network's `sanitize` makes of one checkpoint name (the mlx-swift-lm pattern: each model owns its
/// renames and the names it knows to be unused).
public enum SanitizedName: Equatable, Sendable {
    /// Load it under this name.
    case use(String)
    /// The reference keeps it in its checkpoints but never reads it: dropped, and listed in `dropped`.
    case knownUnused
}

/// Strict weight assignment in three visible steps:
/// 1. every checkpoint name goes through the network's `sanitize` (renamed between layouts, known-unused ones dropped);
/// 2. each module `take`s the tensors it needs, with the shape it expects;
/// 3. `finish()` fails listing every tensor that was asked for but missing and every tensor nobody took.
/// Nothing is copied: tensors stay views in their stored dtype.
public final class WeightLoader {
    private let provider: TensorProvider
    /// sanitized name → provider name
    private var available: [String: String] = [:]
    private var taken: Set<String> = []
    private var missing: [String] = []
    private var firstShapeError: LoadingError?
    public private(set) var dropped: [String] = []
    public private(set) var setAsideCount = 0

    public init(_ provider: TensorProvider, sanitize: (String) -> SanitizedName = { .use($0) }) {
        self.provider = provider
        for name in provider.tensorNames {
            switch sanitize(name) {
            case .use(let renamed): available[renamed] = name
            case .knownUnused: dropped.append(name)
            }
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

    /// Whether the checkpoint has `name` (for optional tensors such as biases).
    public func has(_ name: String) -> Bool { available[name] != nil }

    /// Throws when any tensor was missing, had the wrong shape, or was left unused.
    public func finish() throws {
        if let error = firstShapeError { throw error }
        let unused = available.keys.filter { !taken.contains($0) }.sorted()
        if !missing.isEmpty || !unused.isEmpty {
            throw LoadingError.tensorMismatch(checkpoint: provider.sourceDescription, missing: missing.sorted(), unused: unused)
        }
    }
}
