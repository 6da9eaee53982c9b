import Foundation

/// A one-line progress bar with rate and ETA on standard error (only when it is a terminal, or when forced).
struct ProgressBar {
    let label: String
    let start = Date()
    let enabled: Bool
    private var lastDraw = Date.distantPast

    init(label: String, enabled: Bool = isatty(2) != 0) {
        self.label = label
        self.enabled = enabled
    }

    mutating func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start)
        let fraction = Double(done) / Double(total)
        let width = 30, filled = Int(fraction * Double(width))
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileStandardError.write(String(format: "\r%@ %@ %d/%d  %.1fs elapsed, ETA %.1fs ", label, bar, done, total, elapsed, eta)
                                + (done == total ? "\n" : ""))
    }
}
