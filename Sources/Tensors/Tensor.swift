import CKernels

/// A tensor: a shape, an element type and contiguous row-major bytes in a `TensorStorage`.
///
/// Activations are f32 tensors we allocate. Weights are usually views into a memory-mapped
/// checkpoint in their stored dtype (bf16 for the Janus checkpoints): no conversion copy at load.
public struct Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let dtype: DType
    public let storage: TensorStorage
    /// Offset of element 0 inside `storage`, in bytes.
    public let byteOffset: Int

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }
    public var byteCount: Int { count * dtype.byteSize }

    /// Wraps existing storage. The caller guarantees the bytes are in range.
    public init(shape: [Int], dtype: DType, storage: TensorStorage, byteOffset: Int = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(byteOffset >= 0 && byteOffset + shape.reduce(1, *) * dtype.byteSize <= storage.byteCount,
                     "tensor of shape \(shape) \(dtype) at offset \(byteOffset) exceeds its storage of \(storage.byteCount) bytes")
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
        self.byteOffset = byteOffset
    }

    /// A new zero-filled tensor.
    public init(zeros shape: [Int], dtype: DType = .f32) {
        let bytes = shape.reduce(1, *) * dtype.byteSize
        self.init(shape: shape, dtype: dtype, storage: TensorStorage(zeroedByteCount: bytes))
    }

    /// A new tensor whose contents are unspecified: only for outputs whose every element is written before it is
    /// read (decode makes ~250 small outputs per token step; clearing them first was ~1 % of a step).
    public init(uninitialized shape: [Int], dtype: DType = .f32) {
        let bytes = shape.reduce(1, *) * dtype.byteSize
        self.init(shape: shape, dtype: dtype, storage: TensorStorage(uninitializedByteCount: bytes))
    }

    /// A new f32 tensor holding `values` (row-major).
    public init(shape: [Int], floats values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
        self.init(uninitialized: shape, dtype: .f32)
        values.withUnsafeBytes { src in
            if let s = src.baseAddress { rawPointer.copyMemory(from: s, byteCount: src.count) }
        }
    }

    /// Pointer to element 0.
    public var rawPointer: UnsafeMutableRawPointer { storage.base + byteOffset }

    /// Same bytes, new shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, dtype: dtype, storage: storage, byteOffset: byteOffset)
    }

    /// Read access to an f32 tensor's elements.
    public func withFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(dtype == .f32, "withFloats on a \(dtype) tensor")
        return try body(UnsafeBufferPointer(start: rawPointer.assumingMemoryBound(to: Float.self), count: count))
    }

    /// Write access to an f32 tensor's elements (the storage is shared with copies of this value).
    public func withMutableFloats<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(dtype == .f32, "withMutableFloats on a \(dtype) tensor")
        return try body(UnsafeMutableBufferPointer(start: rawPointer.assumingMemoryBound(to: Float.self), count: count))
    }

    /// The elements as f32, converting from any floating or integer dtype.
    public func toFloats() -> [Float] {
        let n = count
        let p = UnsafeRawPointer(rawPointer)
        switch dtype {
        case .f32: return Array(UnsafeBufferPointer(start: p.assumingMemoryBound(to: Float.self), count: n))
        case .f64: return (0..<n).map { Float(p.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
        case .bf16: return (0..<n).map { HalfPrecision.float(fromBF16: p.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .f16: return (0..<n).map { HalfPrecision.float(fromF16: p.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .i64: return (0..<n).map { Float(p.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        case .i32: return (0..<n).map { Float(p.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
        case .i16: return (0..<n).map { Float(p.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) }
        case .i8: return (0..<n).map { Float(p.loadUnaligned(fromByteOffset: $0, as: Int8.self)) }
        case .u8, .bool: return (0..<n).map { Float(p.load(fromByteOffset: $0, as: UInt8.self)) }
        }
    }

    /// An f32 copy of this tensor (a no-op view when it already is f32). bf16 and f16 convert with the SIMD kernel
    /// on every thread, straight into the new tensor: the bf16 convolutions convert their weights per call where the
    /// f32 kernels serve them, and the element-wise array copy cost ~0.3 s per SDXL-VAE decode.
    public func toF32() -> Tensor {
        if dtype == .f32 { return self }
        guard dtype == .bf16 || dtype == .f16 else { return Tensor(shape: shape, floats: toFloats()) }
        let out = Tensor(uninitialized: shape)
        let source = UnsafeRawPointer(rawPointer), target = out.rawPointer.assumingMemoryBound(to: Float.self)
        let level = Int32(KernelDispatch.level), type = Int32(dtype == .bf16 ? JK_BF16 : JK_F16)
        let piece = 1 << 16, pieces = (count + piece - 1) / piece
        Parallel.forEachChunk(pieces) { range in
            let start = range.lowerBound * piece, end = min(count, range.upperBound * piece)
            jk_to_f32(level, type, source + start * 2, end - start, target + start)
        }
        return out
    }

    /// A bf16 copy, each value rounded to nearest (ties to even) as `tensor.to(torch.bfloat16)`; a no-op when it
    /// already is bf16.
    public func toBF16() -> Tensor {
        if dtype == .bf16 { return self }
        let bits = toF32().withFloats { HalfPrecision.bf16Bits(from: $0.baseAddress!, count: $0.count) }
        let out = Tensor(uninitialized: shape, dtype: .bf16)
        bits.withUnsafeBytes { if let base = $0.baseAddress { out.rawPointer.copyMemory(from: base, byteCount: $0.count) } }
        return out
    }
}
