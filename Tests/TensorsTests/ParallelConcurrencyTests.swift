import Dispatch
import Testing
import Tensors

/// Parallel's thread count changed while chunked jobs run on another thread (what the tests here do to each other:
/// Swift Testing runs them concurrently). ThreadSanitizer reported that race when the count was a plain
/// `nonisolated(unsafe)` variable (AMXProductTests' setThreadCount against a ChannelMajor convolution's
/// forEachChunk); this test makes it happen on purpose (`tools/sanitize thread TensorsTests`), and in any build checks
/// that every job still covers its range exactly once whichever count it read.
@Suite struct ParallelConcurrencyTests {
    @Test func threadCountChangesWhileJobsRun() {
        let before = Parallel.threadCount
        defer { Parallel.setThreadCount(before) }
        let count = 4_099, jobs = 300
        let marks = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
        defer { marks.deallocate() }
        nonisolated(unsafe) var badJobs = 0
        nonisolated(unsafe) let buffer = marks
        DispatchQueue.concurrentPerform(iterations: 2) { role in
            if role == 0 {
                for i in 0..<(jobs * 4) { Parallel.setThreadCount(1 + i % 2) }
                return
            }
            for _ in 0..<jobs {
                buffer.initialize(repeating: 0)
                Parallel.forEachChunk(count, minChunk: 64) { range in
                    for i in range { buffer[i] += 1 }
                }
                if buffer.contains(where: { $0 != 1 }) { badJobs += 1 }
            }
        }
        #expect(badJobs == 0, "\(badJobs) of \(jobs) jobs did not write every element exactly once")
        Parallel.setThreadCount(2)
        #expect(Parallel.threadCount == 2)
    }
}
