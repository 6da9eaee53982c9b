#if canImport(Glibc)
import Glibc
#endif

/// Blocks for the activations of a network that runs the same shapes again and again (the FID Inception-v3, batch
/// after batch): a tensor made here borrows a block that goes back to the arena when the tensor's storage is freed,
/// and the next request takes the smallest free block that holds it. After the first batch no activation is a fresh
/// allocation, so the kernel never zeroes its pages again (the process-wide `LargeBlocks` cache keeps blocks only up
/// to 1 GB, oldest out first; when it kept exact sizes only, Inception's ~0.8 GB of differently sized activations per
/// batch of 16 cycled through it and 4 % of the time went to clearing fresh huge pages). The arena holds at most the
/// peak of its live blocks (plus what best fit wastes) until it is freed itself.
///
/// Used through `TensorArena.current` by `ChannelMajor.output` (and so by every channel-major kernel's output).
public final class TensorArena: @unchecked Sendable {
    /// The arena of the current task, if any: `ChannelMajor` outputs come from it. Read on the calling thread.
    @TaskLocal public static var current: TensorArena?

    private var free: [(size: Int, block: UnsafeMutableRawPointer)] = []
    private var lock = pthread_mutex_t()
    /// Bytes of all blocks the arena owns (free or lent), for tests and messages.
    public private(set) var ownedBytes = 0

    public init() { pthread_mutex_init(&lock, nil) }

    deinit {
        for f in free { LargeBlocks.deallocate(f.block, size: f.size) }
        pthread_mutex_destroy(&lock)
    }

    /// An f32 tensor of `shape`, contents unspecified.
    public func tensor(_ shape: [Int]) -> Tensor {
        let bytes = max(shape.reduce(1, *) * MemoryLayout<Float>.size, 1)
        pthread_mutex_lock(&lock)
        let size: Int, block: UnsafeMutableRawPointer
        // The smallest free block that holds the tensor without wasting more than its size.
        if let best = LargeBlocks.bestFit(free.map(\.size), for: bytes) {
            (size, block) = free.remove(at: best)
        } else {
            size = LargeBlocks.blockSize(bytes); block = LargeBlocks.shared.allocate(bytes)
            ownedBytes += size
        }
        pthread_mutex_unlock(&lock)
        let lease = Lease(arena: self, block: block, size: size)
        return Tensor(shape: shape, dtype: .f32, storage: TensorStorage(borrowing: block, byteCount: bytes, owner: lease))
    }

    fileprivate func giveBack(_ block: UnsafeMutableRawPointer, size: Int) {
        pthread_mutex_lock(&lock)
        free.append((size, block))
        pthread_mutex_unlock(&lock)
    }

    /// Owns one lent block; returns it when the tensor storage that borrows it is freed.
    private final class Lease {
        let arena: TensorArena
        let block: UnsafeMutableRawPointer
        let size: Int
        init(arena: TensorArena, block: UnsafeMutableRawPointer, size: Int) { self.arena = arena; self.block = block; self.size = size }
        deinit { arena.giveBack(block, size: size) }
    }
}
