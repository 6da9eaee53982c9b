#if canImport(Glibc)
import Glibc
#endif

/// A value behind a pthread mutex, for state shared between threads (Parallel's BLAS scopes, Models' PrefixCache).
///
/// Not `Synchronization.Mutex`: on Linux that is a priority-inheritance futex whose contended lock and unlock hand
/// the lock over inside the kernel (`_lockSlow` / `_unlockSlow` in the uninstrumented libswiftSynchronization), so
/// ThreadSanitizer sees no ordering between two critical sections that met and reports the data inside as a race
/// (it did, three times in TensorsTests). ThreadSanitizer intercepts pthread mutexes, so with this lock a report
/// means a real race.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock (not reentrant: `body` must not take it again).
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
