/// A NumPy array as `.npy` stores it: element type, shape, memory order and the raw little-endian bytes.
public struct NPYArray: Equatable, Sendable {
    /// NumPy type strings janus-eval reads (`descr` without the byte-order mark).
    public enum ElementType: String, Sendable, CaseIterable {
        case f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1, b1
        public var byteSize: Int {
            switch self {
            case .f8, .i8, .u8: return 8
            case .f4, .i4, .u4: return 4
            case .f2, .i2, .u2: return 2
            case .i1, .u1, .b1: return 1
            }
        }
    }

    public var elementType: ElementType
    public var shape: [Int]
    /// Column-major (Fortran) order when true.
    public var fortranOrder: Bool
    public var bytes: [UInt8]

    public var count: Int { shape.reduce(1, *) }

    public init(elementType: ElementType, shape: [Int], fortranOrder: Bool = false, bytes: [UInt8]) {
        precondition(bytes.count == shape.reduce(1, *) * elementType.byteSize)
        self.elementType = elementType; self.shape = shape; self.fortranOrder = fortranOrder; self.bytes = bytes
    }

    public init(doubles: [Double], shape: [Int]) {
        precondition(doubles.count == shape.reduce(1, *))
        var bytes = [UInt8](repeating: 0, count: doubles.count * 8)
        bytes.withUnsafeMutableBytes { raw in for (i, v) in doubles.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 8, as: UInt64.self) } }
        self.init(elementType: .f8, shape: shape, bytes: bytes)
    }

    public init(floats: [Float], shape: [Int]) {
        precondition(floats.count == shape.reduce(1, *))
        var bytes = [UInt8](repeating: 0, count: floats.count * 4)
        bytes.withUnsafeMutableBytes { raw in for (i, v) in floats.enumerated() { raw.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self) } }
        self.init(elementType: .f4, shape: shape, bytes: bytes)
    }

    /// The values as Double in row-major (C) order, whatever the stored order and type.
    public func doubles() -> [Double] {
        let n = count
        var raw = [Double](repeating: 0, count: n)
        bytes.withUnsafeBytes { b in
            for i in 0..<n {
                let o = i * elementType.byteSize
                switch elementType {
                case .f8: raw[i] = Double(bitPattern: UInt64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt64.self)))
                case .f4: raw[i] = Double(Float(bitPattern: UInt32(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt32.self))))
                case .f2: raw[i] = Double(Float(Float16(bitPattern: UInt16(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt16.self)))))
                case .i8: raw[i] = Double(Int64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: Int64.self)))
                case .i4: raw[i] = Double(Int32(littleEndian: b.loadUnaligned(fromByteOffset: o, as: Int32.self)))
                case .i2: raw[i] = Double(Int16(littleEndian: b.loadUnaligned(fromByteOffset: o, as: Int16.self)))
                case .i1: raw[i] = Double(Int8(bitPattern: b[o]))
                case .u8: raw[i] = Double(UInt64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt64.self)))
                case .u4: raw[i] = Double(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
                case .u2: raw[i] = Double(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
                case .u1, .b1: raw[i] = Double(b[o])
                }
            }
        }
        guard fortranOrder, shape.count > 1 else { return raw }
        // Fortran order: the first index varies fastest. Reorder to C order.
        var out = [Double](repeating: 0, count: n)
        var index = [Int](repeating: 0, count: shape.count)
        for c in 0..<n {
            var f = 0, stride = 1
            for (d, size) in shape.enumerated() { f += index[d] * stride; stride *= size }
            out[c] = raw[f]
            var d = shape.count - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return out
    }
}
