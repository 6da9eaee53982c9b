#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM ask a run to stop after the item in progress: the journal then holds everything
/// finished, the report covers it, and the command exits 130. A second Ctrl-C stops at once.
public enum StopSignal {
    private static let requested = Atomic<Int>(0)

    public static var isRequested: Bool { requested.load(ordering: .relaxed) > 0 }

    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in
            if StopSignal.requested.add(1, ordering: .relaxed).newValue > 1 { _exit(130) }
            let message = "\njanus-eval: stopping after the current item (Ctrl-C again to stop now)\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A parent may have left them blocked (a spawning thread's mask is inherited): unblock, or Ctrl-C never arrives.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// For tests.
    public static func request() { requested.store(1, ordering: .relaxed) }
    public static func reset() { requested.store(0, ordering: .relaxed) }
}
