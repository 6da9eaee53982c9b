import Foundation
import Models
import Tensors

/// JanusFlow text-to-image on a full-size (random) checkpoint and SDXL-VAE, the same measurements as
/// tools/reference/bench_janusflow_reference.py (the official janus/janusflow loop on PyTorch): per P, the first
/// flow step (the prompt's prefix included), the mean of the later steps, the VAE decode of the P latents, and
/// seconds per image for the default 30 steps (`(first + 29 · later + decode) / P`).
///
/// The prompt is the reference script's: ids 100 … 119 with BOS (100000) first, the unconditional rows padded with
/// 100002; the loop drops its last token as the demo does.
///
///     JANUS_BENCH_JANUSFLOW=DIR JANUS_BENCH_VAE=DIR [JANUS_BENCH_PARALLEL=1,4] [JANUS_BENCH_FLOW_STEPS=3]
///         [JANUS_BENCH_PRECISION=f32|bf16] [JANUS_BENCH_PREFIX_PROBE=1] janus-bench janusflow
///
/// `JANUS_BENCH_PREFIX_PROBE=1` first times the prompt prefix alone three times (the two guidance rows' KV, what the
/// first step computes once and the later steps reuse); the weights are then already touched when the steps run.
enum JanusFlowBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        guard let folder = env["JANUS_BENCH_JANUSFLOW"], let vaeFolder = env["JANUS_BENCH_VAE"] else {
            print("janusflow: set JANUS_BENCH_JANUSFLOW (tools/reference/make_fullsize_checkpoint.py --janusflow) and JANUS_BENCH_VAE (an SDXL-VAE folder)")
            return
        }
        let parallel = (env["JANUS_BENCH_PARALLEL"] ?? "1,4").split(separator: ",").compactMap { Int($0) }
        let steps = max(2, Int(env["JANUS_BENCH_FLOW_STEPS"] ?? "") ?? 3)
        do {
            let precision = try JanusModelBenchmark.benchPrecision()
            var start = Date()
            let model = try JanusFlowGenerationModel(folder: URL(fileURLWithPath: folder), precision: precision)
            let vae = try AutoencoderKL(folder: URL(fileURLWithPath: vaeFolder), precision: precision)
            let load = Date().timeIntervalSince(start)
            let ids = [100_000] + Array(101..<120)
            let side = model.latentSide(vaeFactor: vae.downsampleFactor), channels = model.sizes.latentChannels
            print("janusflow: \(precision.rawValue), \(steps) steps, prompt \(ids.count) tokens, latents \(channels)×\(side)×\(side), "
                  + "OpenBLAS \(MachineInfo.openBLASCore), \(MachineInfo.cpuModel), \(Parallel.threadCount) threads, load \(format(load, 1)) s")
            if env["JANUS_BENCH_PREFIX_PROBE"] == "1" {
                for _ in 0..<3 {
                    let t0 = Date()
                    _ = try model.prefix(promptIDs: ids, padID: 100_002)
                    report.add([("benchmark", "janusflow_prefix"), ("precision", precision.rawValue), ("prompt_tokens", String(ids.count - 1)),
                                ("seconds", format(Date().timeIntervalSince(t0), 3))])
                }
            }
            for p in parallel {
                var rng = NumpyRandom(seed: 14)
                let z0 = Tensor(shape: [p, channels, side, side], floats: rng.standardNormals(p * channels * side * side))
                var stepSeconds: [Double] = []
                start = Date()
                let z = try model.sample(promptIDs: ids, padID: 100_002, initial: z0, cfgWeight: 2, steps: steps) { _, _ in
                    stepSeconds.append(Date().timeIntervalSince(start))
                    start = Date()
                }
                let fresh = TensorStorage.freshLargeBlockBytes
                start = Date()
                _ = vae.decodeFlowLatents(z)
                let decode = Date().timeIntervalSince(start)
                // Large blocks the decode allocated anew (fresh pages), after the flow steps' blocks filled the cache.
                let decodeFresh = (TensorStorage.freshLargeBlockBytes - fresh) >> 20
                let later = stepSeconds.dropFirst().reduce(0, +) / Double(stepSeconds.count - 1)
                let perImage = (stepSeconds[0] + 29 * later + decode) / Double(p)
                report.add([("benchmark", "janusflow"), ("precision", precision.rawValue), ("parallel", String(p)),
                            ("steps", String(steps)), ("first_step_s", format(stepSeconds[0], 2)), ("later_step_s", format(later, 2)),
                            ("vae_decode_s", format(decode, 2)), ("vae_decode_fresh_MB", String(decodeFresh)),
                            ("image_s_30_steps", format(perImage, 1)),
                            ("peak_rss_GB", format(PrefixReuseBenchmark.peakRSSGigabytes(), 2))])
            }
        } catch {
            print("janusflow: \(error)")
        }
    }
}
