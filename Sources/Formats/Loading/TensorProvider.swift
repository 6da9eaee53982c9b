import Tensors

/// Anything that can hand out named tensors: every `CheckpointReader` (a safetensors file, a pickled .bin, a
/// sharded folder), or an in-memory set in tests.
public protocol TensorProvider {
    var tensorNames: [String] { get }
    func tensor(named name: String) throws -> Tensor
    /// Shown in errors: the file or folder the tensors come from.
    var sourceDescription: String { get }
}
