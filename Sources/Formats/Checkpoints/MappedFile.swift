#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// A read-only memory mapping of a whole file. Tensors borrow from it (their storage keeps it alive),
/// so weights are never copied at load: pages are read from disk when a kernel first touches them.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let size: Int
    public let base: UnsafeRawPointer
    /// True when `base` is our own allocation (an empty file, or bytes given in memory), not a mapping.
    private let allocated: Bool

    /// The bytes of a file already in memory (tests and fuzz targets), copied; `path` only names it in messages.
    public init(bytes: [UInt8], path: String) {
        self.path = path
        size = bytes.count
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        bytes.withUnsafeBytes { if let b = $0.baseAddress { p.copyMemory(from: b, byteCount: $0.count) } }
        base = UnsafeRawPointer(p)
        allocated = true
    }

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CheckpointError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CheckpointError.cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw CheckpointError.cannotOpen(file: path, reason: "not a regular file") }
        size = Int(st.st_size)
        if size == 0 {
            // mmap of zero bytes fails; an empty file is still a valid (malformed) input to report on.
            base = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64))
            allocated = true
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw CheckpointError.cannotOpen(file: path, reason: "mmap failed: \(String(cString: strerror(errno)))") }
        base = UnsafeRawPointer(p)
        allocated = false
    }

    deinit {
        if allocated { UnsafeMutableRawPointer(mutating: base).deallocate() }
        else { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The bytes [offset, offset+count) as a buffer, or nil when out of range.
    public func bytes(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer? {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else { return nil }
        return UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    /// A tensor viewing `byteCount` bytes at `offset` (caller has checked the range).
    public func tensor(shape: [Int], dtype: DType, offset: Int) -> Tensor {
        let bytes = shape.reduce(1, *) * dtype.byteSize
        let storage = TensorStorage(borrowing: base + offset, byteCount: bytes, owner: self)
        return Tensor(shape: shape, dtype: dtype, storage: storage)
    }

    public func loadLE<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
