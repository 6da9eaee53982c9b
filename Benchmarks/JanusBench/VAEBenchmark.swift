import Foundation
import Models
import Tensors

/// SDXL-VAE decode ($JANUS_BENCH_VAE: a diffusers AutoencoderKL folder, e.g. the full-size random one
/// tools/reference/make_janusflow_fixtures.py --sdxl DIR writes) of one latent of side $JANUS_BENCH_VAE_SIDE (48,
/// JanusFlow's 384² image): f32, bf16 (`--precision bf16`: AMX tiles where usable) and, on an AMX machine, bf16
/// without AMX (AVX512-BF16 dot products), alternated for $JANUS_BENCH_ROUNDS rounds (3), medians;
/// $JANUS_BENCH_PRECISION=f32|bf16 times one precision only.
/// Compare tools/reference/bench_vae_reference.py (diffusers' AutoencoderKL, f32 and bf16, on the same latent:
/// numpy's default_rng(0).random() · 4 − 2, which NumpyRandom reproduces).
enum VAEBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        guard let folder = env["JANUS_BENCH_VAE"], !folder.isEmpty else {
            report.add([("benchmark", "vae"), ("skipped", "set JANUS_BENCH_VAE to an AutoencoderKL folder (diffusers layout)")])
            return
        }
        let side = Int(env["JANUS_BENCH_VAE_SIDE"] ?? "") ?? 48, rounds = max(1, Int(env["JANUS_BENCH_ROUNDS"] ?? "") ?? 3)
        do {
            let url = URL(fileURLWithPath: folder)
            let f32 = try AutoencoderKL(folder: url), bf16 = try AutoencoderKL(folder: url, precision: .bf16)
            let channels = f32.config.latentChannels
            var rng = NumpyRandom(seed: 0)
            let latent = Tensor(shape: [1, channels, side, side],
                                floats: (0..<channels * side * side).map { _ in Float(rng.random() * 4 - 2) })
            var modes: [(name: String, model: AutoencoderKL, amx: Bool)] = [("f32", f32, false), ("bf16", bf16, true)]
            if KernelDispatch.hasAMX { modes.append(("bf16", bf16, false)) }
            if let only = env["JANUS_BENCH_PRECISION"], !only.isEmpty { modes = modes.filter { $0.name == only } }
            var times = [[Double]](repeating: [], count: modes.count)
            var outputs = [[Float]](repeating: [], count: modes.count)
            for (i, mode) in modes.enumerated() {   // warm-up (page-in of the weights, the large-block cache)
                outputs[i] = KernelDispatch.withAMX(mode.amx) { mode.model.decode(latent) }.toFloats()
            }
            for _ in 0..<rounds {
                for (i, mode) in modes.enumerated() {
                    let start = DispatchTime.now().uptimeNanoseconds
                    _ = KernelDispatch.withAMX(mode.amx) { mode.model.decode(latent) }
                    times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
            }
            for (i, mode) in modes.enumerated() {
                let sorted = times[i].sorted()
                let path = KernelDispatch.withAMX(mode.amx) { mode.name == "f32" ? (KernelDispatch.f32ConvDirect(taps: 9) ? "f32 AVX-512 kernels" : "f32 kernels + OpenBLAS sgemm") : Conv2D.bf16Path() }
                let values = outputs[i]
                let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
                let maxDiff = modes[0].name == "f32" ? format(Double(zip(values, outputs[0]).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }), 5) : "n/a"
                report.add([("benchmark", "vae_decode"), ("latent", "\(channels)x\(side)x\(side)"), ("precision", mode.name),
                            ("path", path), ("median_s", format(sorted[sorted.count / 2], 3)), ("min_s", format(sorted[0], 3)),
                            ("rounds", String(rounds)), ("threads", String(Parallel.threadCount)),
                            ("output_mean", format(mean, 6)), ("max_abs_diff_vs_f32", maxDiff)])
            }
        } catch {
            report.add([("benchmark", "vae"), ("error", "\(error)")])
        }
    }
}
