import Foundation
import Formats

/// JPEG decode speed (JPEGCodec through libjpeg-turbo, to RGB8 as Pillow's convert("RGB")), megapixels per second,
/// per file of $JANUS_BENCH_JPEG_DIR (default /tmp/janus-jpeg-bench, written by tools/reference/bench_jpeg_pillow.py,
/// which times Pillow's Image.open(p).convert("RGB") on the same files), one thread.
enum JPEGBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let dir = ProcessInfo.processInfo.environment["JANUS_BENCH_JPEG_DIR"] ?? "/tmp/janus-jpeg-bench"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir).filter({ $0.hasSuffix(".jpg") }).sorted(),
              !names.isEmpty else {
            report.add([("benchmark", "jpeg"), ("skipped", "no .jpg files in \(dir) (run tools/reference/bench_jpeg_pillow.py)")])
            return
        }
        for name in names {
            guard let data = FileManager.default.contents(atPath: dir + "/" + name),
                  let first = try? JPEGCodec.decode(data, file: name) else { continue }
            let megapixels = Double(first.width * first.height) / 1e6
            let repeats = max(3, min(50, Int(20 / max(megapixels, 0.01))))
            let seconds = medianSeconds(repeats: repeats) { _ = try! JPEGCodec.decode(data, file: name) }
            report.add([("benchmark", "jpeg"), ("file", name), ("size", "\(first.width)x\(first.height)"),
                        ("ms", format(seconds * 1000, 2)), ("mpix_per_s", format(megapixels / seconds, 1))])
        }
    }
}
