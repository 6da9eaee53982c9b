import Formats
import Tensors

/// Any checkpoint reader as a `TensorProvider` for strict loading.
public struct CheckpointTensors: TensorProvider {
    public let reader: CheckpointReader
    public init(_ reader: CheckpointReader) { self.reader = reader }
    public var tensorNames: [String] { reader.tensorNames }
    public func tensor(named name: String) throws -> Tensor { try reader.tensor(named: name) }
    public var sourceDescription: String { reader.sourceDescription }
}
