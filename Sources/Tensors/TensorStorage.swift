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
    /// Bytes of the block behind `base` (a cached block may be larger than `byteCount`).
    private let blockSize: Int

    /// Allocates `byteCount` zeroed bytes, 64-byte aligned.
    public init(zeroedByteCount byteCount: Int) {
        let size = max(byteCount, 1)
        (base, blockSize) = LargeBlocks.take(size) ?? (LargeBlocks.allocate(size), size)
        memset(base, 0, size)
        self.byteCount = byteCount
        self.owner = nil
        self.ownsMemory = true
    }

    /// Allocates `byteCount` bytes, 64-byte aligned, contents unspecified (for outputs every element of which is
    /// written before it is read).
    public init(uninitializedByteCount byteCount: Int) {
        let size = max(byteCount, 1)
        (base, blockSize) = LargeBlocks.take(size) ?? (LargeBlocks.allocate(size), size)
        self.byteCount = byteCount
        self.owner = nil
        self.ownsMemory = true
    }

    /// Borrows `byteCount` bytes at `base`; `owner` must keep them valid for the storage's lifetime.
    public init(borrowing base: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        self.base = UnsafeMutableRawPointer(mutating: base)
        self.byteCount = byteCount
        self.blockSize = byteCount
        self.owner = owner
        self.ownsMemory = false
    }

    deinit {
        if ownsMemory { LargeBlocks.release(base, size: blockSize) }
    }

    /// Bytes of fresh large blocks (≥ 4 MB) this process has allocated so far: pages the kernel had to fault in and
    /// clear (and, on a virtual machine that returns freed memory to its host, the host too). Benchmarks report it.
    public static var freshLargeBlockBytes: Int { LargeBlocks.freshBytes }
}

/// Allocation of tensor blocks. Large ones (≥ 4 MB: VQ decoder activations, prefill intermediates) sit on 2 MB
/// boundaries marked for transparent huge pages, and freed ones are kept (up to `cacheLimit` bytes) for the next
/// tensor that fits: the VQ decoder makes hundreds of 75 MB tensors, and fresh pages cost a fault and a kernel clear
/// each (14 % of its time before this cache). A request takes the smallest cached block that holds it without
/// wasting more than its own size, as `TensorArena` does: with exact sizes only, the first VQ decode of a process
/// allocated 622 MB of fresh blocks for a peak of 357 MB live, and on our virtual machines a fresh page costs the
/// host's fault too (about 1.4–3.5 s per GB measured, against ~0.1 for a page the process already has).
public enum LargeBlocks {
    static let threshold = 4 << 20
    static let cacheLimit = 1 << 30
    /// Freed blocks, oldest first; when a release would pass `cacheLimit` the oldest are really freed.
    nonisolated(unsafe) private static var cached: [(size: Int, block: UnsafeMutableRawPointer)] = []
    nonisolated(unsafe) private static var cachedBytes = 0
    nonisolated(unsafe) private(set) static var freshBytes = 0
    nonisolated(unsafe) private static var lock: pthread_mutex_t = {
        var m = pthread_mutex_t()
        pthread_mutex_init(&m, nil)
        return m
    }()

    static func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        var raw: UnsafeMutableRawPointer?
        let huge = size >= threshold
        let status = posix_memalign(&raw, huge ? 2 << 20 : 64, size)
        precondition(status == 0 && raw != nil, "out of memory allocating \(size) bytes")
        #if canImport(Glibc)
        if huge { _ = madvise(raw!, size & ~((2 << 20) - 1), MADV_HUGEPAGE) }
        #endif
        if huge {
            pthread_mutex_lock(&lock)
            freshBytes += size
            pthread_mutex_unlock(&lock)
        }
        return raw!
    }

    /// The smallest cached block of `size` to `2 · size` bytes (of equal ones the most recently freed) and its size,
    /// if there is one.
    static func take(_ size: Int) -> (UnsafeMutableRawPointer, Int)? {
        guard size >= threshold else { return nil }
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard let best = bestFit(cached.map(\.size), for: size) else { return nil }
        let taken = cached.remove(at: best)
        cachedBytes -= taken.size
        return (taken.block, taken.size)
    }

    /// Index of the smallest of `sizes` that holds `size` bytes without wasting more than `size` (the last of equal
    /// ones: the most recently freed, still warm in cache), or nil. Shared by this cache and `TensorArena`.
    public static func bestFit(_ sizes: [Int], for size: Int) -> Int? {
        var best: Int?
        for (i, s) in sizes.enumerated() where s >= size && s <= 2 * size && (best == nil || s <= sizes[best!]) { best = i }
        return best
    }

    static func release(_ block: UnsafeMutableRawPointer, size: Int) {
        guard size >= threshold, size <= cacheLimit else { free(block); return }
        var evicted: [UnsafeMutableRawPointer] = []
        pthread_mutex_lock(&lock)
        cached.append((size, block))
        cachedBytes += size
        while cachedBytes > cacheLimit {
            let oldest = cached.removeFirst()
            cachedBytes -= oldest.size
            evicted.append(oldest.block)
        }
        pthread_mutex_unlock(&lock)
        evicted.forEach { free($0) }
    }
}
