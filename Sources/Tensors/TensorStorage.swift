#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of bytes a tensor reads from: either memory we allocated (64-byte aligned, freed on deinit)
/// or memory borrowed from an owner that keeps it alive (a memory-mapped checkpoint file).
///
/// `@unchecked Sendable`: the storage itself is immutable after creation; kernels that write into it
/// do so on freshly allocated outputs before handing them out.
public final class TensorStorage: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Keeps borrowed memory alive (nil when we own the allocation).
    public let owner: AnyObject?
    private let ownsMemory: Bool

    /// Allocates `byteCount` zeroed bytes, 64-byte aligned.
    public init(zeroedByteCount byteCount: Int) {
        let size = max(byteCount, 1)
        var raw: UnsafeMutableRawPointer?
        let status = posix_memalign(&raw, 64, size)
        precondition(status == 0 && raw != nil, "out of memory allocating \(size) bytes")
        memset(raw!, 0, size)
        self.base = raw!
        self.byteCount = byteCount
        self.owner = nil
        self.ownsMemory = true
    }

    /// Borrows `byteCount` bytes at `base`; `owner` must keep them valid for the storage's lifetime.
    public init(borrowing base: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        self.base = UnsafeMutableRawPointer(mutating: base)
        self.byteCount = byteCount
        self.owner = owner
        self.ownsMemory = false
    }

    deinit {
        if ownsMemory { free(base) }
    }
}
