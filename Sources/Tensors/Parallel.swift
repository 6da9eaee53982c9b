#if canImport(Glibc)
import Glibc
#endif
import CKernels
import COpenBLAS
import Synchronization

/// The process-wide compute thread count and a chunked parallel-for over it.
///
/// Determinism rule for every kernel that uses it: each output element is written by exactly one
/// chunk, and its reduction order does not depend on how the range was split, so results are the
/// same at any thread count.
public enum Parallel {
    /// `setThreadCount`'s value (0: not set). Atomic: kernels on other threads read it while a caller (a test) sets
    /// it (ThreadSanitizer reported the plain `nonisolated(unsafe)` variable this was).
    private static let configuredThreads = Atomic<Int>(0)

    /// Threads used by our kernels and by OpenBLAS: `setThreadCount`, else `$JANUS_EVAL_THREADS`, else all cores.
    public static var threadCount: Int {
        let configured = configuredThreads.load(ordering: .relaxed)
        return configured > 0 ? configured : (environmentThreads ?? ProcessInfoCores.count)
    }

    /// `JANUS_EVAL_THREADS` when it is valid (capped at the cores); the CLI refuses an invalid one up front
    /// (`ThreadSetting`), library callers fall back to every core.
    static let environmentThreads: Int? = {
        guard let setting = try? ThreadSetting.resolve(option: nil), let n = setting.count else { return nil }
        openblas_set_num_threads(Int32(n))
        return n
    }()

    /// The cores this process may use.
    public static var coreCount: Int { ProcessInfoCores.count }

    /// Sets the thread count for our kernels and OpenBLAS. May be called while kernels run on other threads (a job
    /// already split keeps the count it read); results do not depend on the count, only the speed does.
    /// A `withBLASThreads` scope running meanwhile keeps its smaller OpenBLAS count (tests change the count while
    /// other tests multiply; a threaded sgemm inside a one-thread scope would change that scope's bits).
    public static func setThreadCount(_ n: Int) {
        blasRequests.withLock { active in
            configuredThreads.store(max(1, n), ordering: .relaxed)
            openblas_set_num_threads(Int32(active.keys.min() ?? max(1, n)))
        }
    }

    /// Runs `body` with OpenBLAS limited to `threads` (restoring the configured count after). Decode steps use
    /// one BLAS thread: OpenBLAS's idle workers spin for a while after each call and would take the second core
    /// from the weight-streaming kernels (measured: 235 → 171 ms per token at the 1B shape).
    /// Overlapping scopes (nested, or on concurrent tasks) get the smallest count any of them asked for, until the
    /// last one ends: a scope that asked for one thread never sees another scope's exit hand OpenBLAS back its
    /// threads (threaded sgemm blocks a tile differently, so its bits would change with the machine's load).
    public static func withBLASThreads<R>(_ threads: Int, _ body: () throws -> R) rethrows -> R {
        let n = max(1, threads)
        blasRequests.withLock { active in
            active[n, default: 0] += 1
            openblas_set_num_threads(Int32(active.keys.min()!))
        }
        defer {
            blasRequests.withLock { active in
                active[n]! -= 1
                if active[n] == 0 { active[n] = nil }
                openblas_set_num_threads(Int32(active.keys.min() ?? threadCount))
            }
        }
        return try body()
    }

    /// Active `withBLASThreads` scopes per requested count. `Locked`, not `Mutex`: ThreadSanitizer cannot see a
    /// contended `Mutex` hand-over on Linux (Locked.swift).
    private static let blasRequests = Locked<[Int: Int]>([:])

    /// Runs `body` over `0..<count` split into at most `threadCount` contiguous chunks of at least `minChunk`.
    public static func forEachChunk(_ count: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let threads = threadCount  // read once: a concurrent setThreadCount must not split one job two ways
        let chunks = max(1, min(threads, count / max(minChunk, 1)))
        if chunks == 1 { body(0..<count); return }
        // A persistent pool (CKernels/pool.c): libdispatch's concurrentPerform cost ~50 µs per call here, a large
        // share of a decode step's ~170 matrix-vector products.
        withoutActuallyEscaping(body) { body in
            var job = ChunkJob(count: count, chunks: chunks, body: body)
            withUnsafeMutablePointer(to: &job) { pointer in
                jk_parallel_run(Int32(threads), Int32(chunks), { context, chunk in
                    let job = context!.assumingMemoryBound(to: ChunkJob.self)
                    let c = Int(chunk), count = job.pointee.count, chunks = job.pointee.chunks
                    let lo = count * c / chunks, hi = count * (c + 1) / chunks
                    if lo < hi { job.pointee.body(lo..<hi) }
                }, pointer)
            }
        }
    }

    /// Runs `body` on up to `Parallel.threadCount` threads; each pulls item indices `0..<count` from a shared counter
    /// with `next()` until it returns nil. Items go to whichever thread is free (a core taken by another process
    /// slows the job by its share only, not by a whole static chunk), so every item's work must depend on its index
    /// alone — which thread runs it never changes a result.
    public static func forEachItem(_ count: Int, _ body: (_ next: () -> Int?) -> Void) {
        guard count > 0 else { return }
        let counter = Atomic<Int>(0)
        Parallel.forEachChunk(min(count, Parallel.threadCount)) { workers in
            for _ in workers {
                body {
                    let i = counter.wrappingAdd(1, ordering: .relaxed).oldValue
                    return i < count ? i : nil
                }
            }
        }
    }
}

/// What a pool chunk needs to find its range; lives on the caller's stack for the duration of the job.
private struct ChunkJob {
    let count: Int
    let chunks: Int
    let body: (Range<Int>) -> Void
}

/// Online core count (sysconf), without Foundation.
enum ProcessInfoCores {
    static let count: Int = {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }()
}
