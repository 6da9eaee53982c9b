import Foundation
import Formats
import Scorers
import Tensors

/// Mask2Former Swin on a folder written by tools/reference/bench_mask2former_reference.py --write
/// ($JANUS_BENCH_MASK2FORMER: config.json, model.safetensors, expected.safetensors with one input and transformers'
/// logits): the logits' max |Δ| against transformers, then images/s (median of 3 after a warm-up).
enum Mask2FormerBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        guard let folder = ProcessInfo.processInfo.environment["JANUS_BENCH_MASK2FORMER"] else {
            report.add([("benchmark", "mask2former"), ("skipped", "set JANUS_BENCH_MASK2FORMER to a folder written by tools/reference/bench_mask2former_reference.py --write")])
            return
        }
        do {
            let config = try Mask2FormerConfig.load(path: folder + "/config.json")
            let model = try Mask2FormerModel(config: config, weights: try SafetensorsFile(path: folder + "/model.safetensors"))
            let expected = try SafetensorsFile(path: folder + "/expected.safetensors")
            let pixels = try expected.tensor(named: "pixel_values").toF32()
            var out = try model(pixels)
            for (name, got) in [("class_queries_logits", out.classLogits), ("masks_queries_logits", out.maskLogits)] {
                let want = try expected.tensor(named: name).toFloats(), have = got.toFloats()
                let worst = zip(have, want).map { abs(Double($0) - Double($1)) }.max() ?? 0
                let scale = Double(want.map { abs($0) }.max() ?? 0)
                report.add([("benchmark", "mask2former_parity"), ("output", name), ("max_abs_diff", String(worst)),
                            ("max_abs_reference", String(scale)), ("ratio", String(worst / max(scale, 1e-30)))])
            }
            let seconds = medianSeconds(repeats: 3) { out = try! model(pixels) }
            report.add([("benchmark", "mask2former"), ("input", "\(pixels.shape)"), ("threads", String(Parallel.threadCount)),
                        ("seconds", format(seconds, 3)), ("images_per_s", format(1 / seconds, 3))])
        } catch {
            report.add([("benchmark", "mask2former"), ("error", "\(error)")])
        }
    }
}
