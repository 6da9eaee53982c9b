import Tensors

/// What a checkpoint says about one tensor, without reading its data.
public struct TensorInfo: Equatable, Sendable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    /// The file (shard) that holds the tensor's bytes.
    public var file: String
    public var byteCount: Int { shape.reduce(1, *) * dtype.byteSize }
    public var elementCount: Int { shape.reduce(1, *) }

    public init(name: String, dtype: DType, shape: [Int], file: String) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.file = file
    }
}

/// A source of named tensors: a safetensors file, a PyTorch checkpoint, or a sharded folder of either.
/// Tensors come back as views of the memory-mapped file in their stored dtype whenever the layout allows.
public protocol CheckpointReader: TensorProvider, AnyObject, Sendable {
    /// Tensor names in file order.
    var tensorNames: [String] { get }
    func info(named name: String) -> TensorInfo?
    func tensor(named name: String) throws -> Tensor
    /// The file or folder, for messages.
    var sourceDescription: String { get }
    /// Things a user may want to know (entries that are not tensors, skipped metadata).
    var notes: [String] { get }
}

extension CheckpointReader {
    public var infos: [TensorInfo] { tensorNames.compactMap { info(named: $0) } }
}
