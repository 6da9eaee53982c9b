import Foundation
import Harness
import Models

/// How a run shows its progress: on a terminal a bar with items/s and ETA redrawn in place; otherwise (CI logs,
/// Slurm output files) a plain line every 10 seconds and at the end, so logs stay readable.
struct RunProgressReporter {
    let label: String
    let terminal = isatty(2) != 0
    private var lastLine = Date.distantPast

    init(label: String) { self.label = label }

    mutating func update(_ p: Runner.Progress) {
        let now = Date()
        let finished = p.done == p.total
        guard finished || now.timeIntervalSince(lastLine) >= (terminal ? 0.2 : 10) else { return }
        lastLine = now
        let rate = p.elapsed > 0 ? Double(p.doneHere) / p.elapsed : 0
        let eta = rate > 0 ? Double(p.total - p.done) / rate : 0
        var stats = String(format: "%d/%d  %.2f items/s  ETA %@", p.done, p.total, rate, Self.duration(eta))
        if let cache = p.prefixCache, cache.capacityBytes != nil {
            stats += String(format: "  prefixes %d computed, %d hits, %.2f GiB cached", cache.misses, cache.hits,
                            Double(cache.bytes) / Double(1 << 30))
        }
        if terminal {
            let width = 28, filled = p.total > 0 ? Int(Double(width) * Double(p.done) / Double(p.total)) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileStandardError.write("\r\(label) \(bar) \(stats) " + (finished ? "\n" : ""))
        } else {
            FileStandardError.write("\(label): \(stats) (last \(p.lastID)\(p.lastFailed ? ", failed" : ""))\n")
        }
    }

    private var batchStart = Date()
    private var lastStepLine = Date.distantPast

    /// Inside a generation batch (minutes of token steps before its items are scored): which step, and the batch's
    /// ETA — on a terminal redrawn in place, in logs a line a minute.
    mutating func generationStep(done: Int, total: Int, prompts: Int) {
        let now = Date()
        if done == 1 { batchStart = now }
        guard done == total || now.timeIntervalSince(lastStepLine) >= (terminal ? 0.5 : 60) else { return }
        lastStepLine = now
        let elapsed = now.timeIntervalSince(batchStart)
        let eta = done > 1 ? elapsed / Double(done - 1) * Double(total - done) : 0
        let line = "\(label) generating \(prompts) prompt\(prompts == 1 ? "" : "s") together: step \(done)/\(total), batch ETA \(Self.duration(eta))"
        FileStandardError.write(terminal ? "\r\(line)   " : line + "\n")
    }

    static func duration(_ s: Double) -> String {
        guard s.isFinite, s > 0 else { return "0s" }
        if s < 90 { return String(format: "%.0fs", s) }
        if s < 5400 { return String(format: "%.0fm", s / 60) }
        return String(format: "%.1fh", s / 3600)
    }
}
