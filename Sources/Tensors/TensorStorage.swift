import CKernels
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
        (base, blockSize) = LargeBlocks.shared.take(size) ?? (LargeBlocks.shared.allocate(size), LargeBlocks.blockSize(size))
        memset(base, 0, size)
        self.byteCount = byteCount
        self.owner = nil
        self.ownsMemory = true
    }

    /// Allocates `byteCount` bytes, 64-byte aligned, contents unspecified (for outputs every element of which is
    /// written before it is read).
    public init(uninitializedByteCount byteCount: Int) {
        let size = max(byteCount, 1)
        (base, blockSize) = LargeBlocks.shared.take(size) ?? (LargeBlocks.shared.allocate(size), LargeBlocks.blockSize(size))
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
        if ownsMemory { LargeBlocks.shared.release(base, size: blockSize) }
    }

    /// Bytes of fresh large blocks (≥ 4 MB) this process has allocated so far: pages the kernel had to fault in and
    /// clear (and, on a virtual machine that returns freed memory to its host, the host too). Benchmarks report it.
    public static var freshLargeBlockBytes: Int { LargeBlocks.shared.freshBytes }
}

/// Allocation of tensor blocks. Large ones (≥ 4 MB: VQ decoder activations, prefill intermediates) are our own
/// anonymous mappings in whole 2 MB granules on 2 MB boundaries, marked for transparent huge pages, and freed ones are
/// kept (up to `cacheLimit` bytes) for the next tensor: the VQ decoder makes hundreds of 75 MB tensors, and fresh
/// pages cost a fault and a kernel clear each (14 % of its time before this cache) — on our virtual machines the
/// host's fault too (about 1.4–3.5 s per GB measured with a memset of new memory, against ~0.1 for pages the process
/// already has).
///
/// A request takes the first granules of the smallest cached block that holds it (the rest stays cached). When none
/// does, the cached blocks' pages, most recently freed first, are moved under a new mapping of the request's size
/// (`jk_pages_move`: mremap, no copy and no fault) and only the rest is fresh. After two JanusFlow flow steps the
/// cache holds their blocks, each too small for an SDXL-VAE activation: the VAE decode took 492 MB of fresh pages
/// before, 174 now. With exact sizes only, the first VQ decode of a process allocated 622 MB fresh for a peak of
/// 357 MB live.
///
/// `shared` serves every tensor; tests make their own.
public final class LargeBlocks: @unchecked Sendable {
    public static let threshold = 4 << 20
    public static let granule = 2 << 20
    public static let shared = LargeBlocks(cacheLimit: 1 << 30)

    public let cacheLimit: Int
    /// Freed blocks, oldest first; when a release would pass `cacheLimit` the oldest are really freed.
    private var cached: [(size: Int, block: UnsafeMutableRawPointer)] = []
    private var cachedBytes = 0
    /// Bytes of fresh pages this cache's blocks have had (new mappings, and the parts of gathered ones no cached page
    /// filled).
    public var freshBytes: Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return fresh
    }
    private var fresh = 0
    private var lock = pthread_mutex_t()

    public init(cacheLimit: Int) {
        self.cacheLimit = cacheLimit
        pthread_mutex_init(&lock, nil)
    }

    deinit {
        for c in cached { jk_pages_unmap(c.block, c.size) }
        pthread_mutex_destroy(&lock)
    }

    /// The size of the block a request of `size` bytes gets: whole granules for large ones.
    public static func blockSize(_ size: Int) -> Int { size >= threshold ? (size + granule - 1) / granule * granule : size }

    /// A new block of `blockSize(size)` bytes: 64-byte aligned from malloc below `threshold`, else a fresh mapping.
    public func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        guard size >= Self.threshold else {
            var raw: UnsafeMutableRawPointer?
            let status = posix_memalign(&raw, 64, size)
            precondition(status == 0 && raw != nil, "out of memory allocating \(size) bytes")
            return raw!
        }
        let bytes = Self.blockSize(size)
        guard let block = jk_pages_map(bytes) else { preconditionFailure("out of memory mapping \(bytes) bytes") }
        pthread_mutex_lock(&lock)
        fresh += bytes
        pthread_mutex_unlock(&lock)
        return block
    }

    /// Frees a block `allocate(size)` made (never cached).
    public static func deallocate(_ block: UnsafeMutableRawPointer, size: Int) {
        if size >= threshold { jk_pages_unmap(block, blockSize(size)) } else { free(block) }
    }

    /// A block for `size` bytes and its size, from the cache: the best fit, else cached pages moved under a new
    /// mapping (the rest of it fresh); nil when the cache is empty or `size` is below `threshold`.
    public func take(_ size: Int) -> (block: UnsafeMutableRawPointer, size: Int)? {
        guard size >= Self.threshold else { return nil }
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let bytes = Self.blockSize(size)
        if let best = Self.bestFit(cached.map(\.size), for: bytes, wasting: .max) {
            // Exactly the granules asked for: the rest of the block stays cached where it is (no call needed), so a
            // run that repeats its requests never needs more than its first round's peak and takes no fresh page again.
            let taken = cached[best]
            if taken.size > bytes { cached[best] = (taken.size - bytes, taken.block + bytes) } else { cached.remove(at: best) }
            cachedBytes -= bytes
            return (taken.block, bytes)
        }
        guard !cached.isEmpty else { return nil }
        guard let region = jk_pages_map(bytes) else { preconditionFailure("out of memory mapping \(bytes) bytes") }
        var filled = 0
        while filled < bytes, let piece = cached.last {
            let n = min(piece.size, bytes - filled)
            let moved = jk_pages_move(piece.block, n, region + filled)
            filled += moved
            cachedBytes -= moved
            if moved == piece.size {
                cached.removeLast()
            } else {
                cached[cached.count - 1] = (piece.size - moved, piece.block + moved)
                if moved < n { break }   // the kernel refused (mapping limits): the rest of the region stays fresh
            }
        }
        fresh += bytes - filled
        return (region, bytes)
    }

    /// Index of the smallest of `sizes` that holds `size` bytes without wasting more than `wasting` (the last of
    /// equal ones: the most recently freed, still warm in cache), or nil. `TensorArena` lends whole blocks and wastes
    /// at most the request's size; this cache splits the block it takes and so may take any.
    public static func bestFit(_ sizes: [Int], for size: Int, wasting: Int? = nil) -> Int? {
        let limit = wasting ?? size
        var best: Int?
        for (i, s) in sizes.enumerated() where s >= size && s - size <= limit && (best == nil || s <= sizes[best!]) { best = i }
        return best
    }

    /// Returns a block of `size` bytes (what `take` gave, or `blockSize` of what `allocate` was asked) to the cache.
    public func release(_ block: UnsafeMutableRawPointer, size: Int) {
        guard size >= Self.threshold else { free(block); return }
        guard size <= cacheLimit else { jk_pages_unmap(block, size); return }
        var evicted: [(size: Int, block: UnsafeMutableRawPointer)] = []
        pthread_mutex_lock(&lock)
        cached.append((size, block))
        cachedBytes += size
        while cachedBytes > cacheLimit {
            let oldest = cached.removeFirst()
            cachedBytes -= oldest.size
            evicted.append(oldest)
        }
        pthread_mutex_unlock(&lock)
        evicted.forEach { jk_pages_unmap($0.block, $0.size) }
    }
}
