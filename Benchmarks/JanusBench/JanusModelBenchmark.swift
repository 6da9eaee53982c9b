import Foundation
import Models
import Tensors

/// A full-size (random) checkpoint end to end, next to the read bandwidth measured in the same run:
/// understanding (prefill of a ~600-token prompt, greedy decode ms/token) and text-to-image (ms per guidance token
/// step at P = 1, 2, 4 at the mean context of a whole image, VQ decode seconds per image). The same measurements as tools/reference/bench_janus_reference.py.
///
///     JANUS_BENCH_WEIGHTS=DIR [JANUS_BENCH_STEPS=16] [JANUS_BENCH_PARALLEL=1,2,4] [JANUS_BENCH_CONTEXT=308]
///         [JANUS_BENCH_PRECISION=f32|bf16] [JANUS_BENCH_PARTS=understanding,generation,vq] [JANUS_BENCH_VQ_IMAGES=2]
///         janus-bench janus
///
/// Without JANUS_BENCH_WEIGHTS the benchmark says so and does nothing (CI has no full-size checkpoint).
enum JanusModelBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        guard let folder = weightsFolder("janus") else { return }
        let url = URL(fileURLWithPath: folder)
        let steps = Int(env["JANUS_BENCH_STEPS"] ?? "") ?? 16
        let parallel = (env["JANUS_BENCH_PARALLEL"] ?? "1,2,4").split(separator: ",").compactMap { Int($0) }
        let parts = Set((env["JANUS_BENCH_PARTS"] ?? "understanding,generation,vq").split(separator: ",").map(String.init))
        if BandwidthBenchmark.gbPerSecond.isEmpty { BandwidthBenchmark.run(&report) }
        let bandwidth = BandwidthBenchmark.gbPerSecond[Parallel.threadCount] ?? .nan
        do {
            if parts.contains("understanding") { try understanding(url, steps: steps, bandwidth: bandwidth, &report) }
            if parts.contains("generation") { try generation(url, steps: steps, parallel: parallel, bandwidth: bandwidth, &report) }
            if parts.contains("vq") { try vqDecode(url, bandwidth: bandwidth, &report) }
        } catch {
            print("janus: \(error)")
        }
    }

    static func understanding(_ url: URL, steps: Int, bandwidth: Double, _ report: inout BenchmarkReport) throws {
        var start = Date()
        let precision = try benchPrecision()
        let model = try JanusUnderstandingModel(folder: url, precision: precision)
        let load = Date().timeIntervalSince(start)
        let config = model.config.languageConfig, h = config.hiddenSize, promptTokens = 600
        var rng = NumpyRandom(seed: 7)
        let embeddings = Tensor(shape: [1, promptTokens, h], floats: (0..<promptTokens * h).map { _ in Float(rng.random() - 0.5) * 0.04 })
        // The library's own greedy loop (as `ask` runs it), never stopping at EOS, timed token by token.
        var times: [Double] = []
        var prefill = 0.0
        var last = Date()
        start = Date()
        _ = try model.greedy(embeddings: embeddings, eos: -1, maxNewTokens: steps, prefilled: { done in
            prefill = done.timeIntervalSince(start)
            last = done
        }, onToken: { _ in
            let now = Date()
            times.append(now.timeIntervalSince(last))
            last = now
        })
        // The first interval holds only the first token's logits (no forward step): not a decode step.
        times = Array(times.dropFirst()).sorted()
        guard !times.isEmpty else { print("janus: JANUS_BENCH_STEPS must be at least 2"); return }
        let perToken = times[times.count / 2]
        // Bytes a decode step must read: every decoder and lm_head weight once (bf16 in the official files) plus
        // the f32 KV cache at this context length.
        let i = config.intermediateSize, layers = config.numHiddenLayers
        let weights = Double(layers * (4 * h * h + 3 * h * i) + config.vocabSize * h) * 2
        let kv = Double(layers * 2 * (promptTokens + steps / 2) * h * (precision == .bf16 ? 2 : 4))
        let floor = (weights + kv) / (bandwidth * 1e9)
        report.add([("benchmark", "janus_understanding"), ("load_s", format(load, 2)), ("precision", precision.rawValue),
                    ("prompt_tokens", String(promptTokens)),
                    ("prefill_s", format(prefill, 2)), ("decode_ms_per_token", format(perToken * 1000)),
                    ("bytes_per_token_GB", format((weights + kv) / 1e9, 2)), ("bandwidth_floor_ms", format(floor * 1000)),
                    ("%_of_bandwidth", format(100 * floor / perToken))])
    }

    static func generation(_ url: URL, steps: Int, parallel: [Int], bandwidth: Double, _ report: inout BenchmarkReport) throws {
        var start = Date()
        let precision = try benchPrecision()
        let model = try JanusGenerationModel(folder: url, precision: precision)
        let load = Date().timeIntervalSince(start)
        // BOS, text, <begin_of_image>: as long as the mean context over a whole image (a 20-token prompt plus half
        // of the image's tokens), so each timed step reads as much KV cache as an average step of a full image.
        // ($JANUS_BENCH_CONTEXT overrides it: the guidance prefill of that many positions × 2P rows is costly at 7B.)
        let context = max(2, Int(ProcessInfo.processInfo.environment["JANUS_BENCH_CONTEXT"] ?? "") ?? (20 + model.tokensPerImage / 2))
        let prompt = [100000] + Array(repeating: 3000, count: context - 2) + [100016]
        for p in parallel {
            var stepTimes: [Double] = []
            var last = Date()
            start = Date()
            let generators = (0..<p).map { NumpyRandom(seed: UInt64($0)) }
            _ = try model.generate(promptIDs: prompt, padID: 100015, images: p, cfgWeight: 5,
                                   sampling: .sample(temperature: 1, generators: generators), stepLimit: steps) { _, _ in
                let now = Date()
                stepTimes.append(now.timeIntervalSince(last))
                last = now
            }
            // The first entry includes the prompt prefill.
            let prefill = stepTimes.first ?? 0
            let rest = stepTimes.dropFirst().sorted()
            let perStep = rest.isEmpty ? prefill : rest[rest.count / 2]
            let full = Double(model.tokensPerImage) * perStep
            report.add([("benchmark", "janus_generation"), ("load_s", format(load, 2)), ("images", String(p)), ("rows", String(2 * p)),
                        ("context", String(context)), ("precision", precision.rawValue),
                        ("prefill_and_first_step_s", format(prefill, 2)), ("ms_per_step", format(perStep * 1000)),
                        ("steps_timed", String(rest.count)), ("projected_steps_s_per_prompt", format(full, 1))])
        }
    }

    /// VQ decode of one image from random codes, in each activation precision (or $JANUS_BENCH_PRECISION's).
    static func vqDecode(_ url: URL, bandwidth: Double, _ report: inout BenchmarkReport) throws {
        let chosen = try ProcessInfo.processInfo.environment["JANUS_BENCH_PRECISION"].map { _ in try benchPrecision() }
        for precision in chosen.map({ [$0] }) ?? ActivationPrecision.allCases {
            let model = try JanusGenerationModel(folder: url, precision: precision)
            let side = model.vq.gridSide(imageSize: model.imageSize)
            var rng = NumpyRandom(seed: 3)
            let codes = [(0..<side * side).map { _ in rng.integers(0, model.vq.spec.codebookSize) }]
            let fresh0 = TensorStorage.freshLargeBlockBytes
            let start = Date()
            _ = model.vq.decode(codes, side: side)
            let first = Date().timeIntervalSince(start)
            let fresh1 = TensorStorage.freshLargeBlockBytes
            // A second image in the same process, as every image of a run after its first: the tensor blocks then
            // come from the block cache instead of fresh pages the kernel must fault in and clear.
            let again = Date()
            _ = model.vq.decode(codes, side: side)
            let warm = Date().timeIntervalSince(again), fresh2 = TensorStorage.freshLargeBlockBytes
            // $JANUS_BENCH_VQ_IMAGES (2): more images after those two, for the fresh blocks of a long run's images.
            let extra = max(0, (Int(ProcessInfo.processInfo.environment["JANUS_BENCH_VQ_IMAGES"] ?? "") ?? 2) - 2)
            for _ in 0..<extra { _ = model.vq.decode(codes, side: side) }
            // fresh_MB: large blocks the decodes allocated anew (first image / second image [/ the rest]); the first precision's
            // decodes leave blocks in the cache for the next one, so give JANUS_BENCH_PRECISION for a first image's.
            report.add([("benchmark", "janus_vq_decode"), ("images", "1"), ("precision", precision.rawValue),
                        ("seconds", format(first, 2)), ("warm_seconds", format(warm, 2)),
                        ("fresh_MB", "\((fresh1 - fresh0) >> 20)/\((fresh2 - fresh1) >> 20)"
                            + (extra > 0 ? "/\((TensorStorage.freshLargeBlockBytes - fresh2) >> 20) over \(extra) more" : "")),
                        ("read_bw_GB/s", format(bandwidth))])
            if precision == .bf16 && KernelDispatch.hasAMX {
                // The bf16 convolutions without AMX tiles (AVX512-BF16 dot products), for comparison.
                let start = Date()
                _ = KernelDispatch.withAMX(false) { model.vq.decode(codes, side: side) }
                report.add([("benchmark", "janus_vq_decode_without_amx"), ("images", "1"), ("precision", precision.rawValue),
                            ("seconds", format(Date().timeIntervalSince(start), 2))])
            }
        }
    }

    /// $JANUS_BENCH_WEIGHTS, or nil after saying how to set it (CI has no full-size checkpoint).
    static func weightsFolder(_ benchmark: String) -> String? {
        guard let folder = ProcessInfo.processInfo.environment["JANUS_BENCH_WEIGHTS"] else {
            print("\(benchmark): set JANUS_BENCH_WEIGHTS to a model folder (e.g. one made by tools/reference/make_fullsize_checkpoint.py)")
            return nil
        }
        return folder
    }

    /// $JANUS_BENCH_PRECISION (f32 when unset); anything else is an error, not a silent f32.
    static func benchPrecision() throws -> ActivationPrecision {
        let text = ProcessInfo.processInfo.environment["JANUS_BENCH_PRECISION"] ?? "f32"
        guard let precision = ActivationPrecision(rawValue: text) else {
            throw ModelError.invalidConfig(file: "$JANUS_BENCH_PRECISION", detail: "'\(text)' is not f32 or bf16")
        }
        return precision
    }
}
