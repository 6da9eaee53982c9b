import Foundation
import Models
import Tensors

/// Cross-prompt batching on a full-size (random) checkpoint: GenEval prompts, 4 images each, 1 / 4 / 8 / 16 prompts
/// in flight (2 × 4 × B guidance rows). Per B: the prefill of B real prompts, the median guidance step at a whole
/// image's mean context (each prompt padded by half an image's tokens: a timed step reads as much KV cache as an
/// average step), alternated round by round with one prompt's step (the machine is shared: the ratio is taken pair
/// by pair), the projected images per hour (prefill + 576 steps + VQ decode of 4B images) and hours for the whole
/// 553 × 4, the KV cache a real run holds and peak RSS; then, at the first B > 1, the image tokens of the batch
/// against each prompt generated alone (they must be identical).
///
///     JANUS_BENCH_WEIGHTS=DIR [JANUS_BENCH_IN_FLIGHT=1,4,8,16] [JANUS_BENCH_STEPS=8] [JANUS_BENCH_ROUNDS=2] [JANUS_BENCH_PRECISION=f32|bf16]
///         [JANUS_BENCH_PROMPTS=suites/geneval/generation_prompts.txt] janus-bench batch
enum BatchedGenerationBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        guard let folder = JanusModelBenchmark.weightsFolder("batch") else { return }
        let inFlight = (env["JANUS_BENCH_IN_FLIGHT"] ?? "1,4,8,16").split(separator: ",").compactMap { Int($0) }.sorted()
        let steps = max(3, Int(env["JANUS_BENCH_STEPS"] ?? "") ?? 8)
        let promptFile = env["JANUS_BENCH_PROMPTS"] ?? "suites/geneval/generation_prompts.txt"
        do {
            let precision = try JanusModelBenchmark.benchPrecision()
            let prompts = try String(contentsOfFile: promptFile, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            guard prompts.count >= (inFlight.last ?? 1) else { print("batch: \(promptFile) has \(prompts.count) prompts"); return }
            if BandwidthBenchmark.gbPerSecond.isEmpty { BandwidthBenchmark.run(&report) }
            let t2i = try JanusTextToImage(folder: URL(fileURLWithPath: folder), precision: precision)
            let model = t2i.model
            let pad = try t2i.tokenizer.requireID(of: ChatTemplate.pad)
            let images = 4, tokens = model.tokensPerImage
            let vq = vqSecondsPerImage(model)
            report.add([("benchmark", "batch_vq_decode"), ("precision", precision.rawValue), ("s_per_image", format(vq, 2))])
            func jobs(_ ids: [[Int]]) -> [JanusGenerationModel.Job] {
                ids.enumerated().map { j, ids in
                    JanusGenerationModel.Job(promptIDs: ids, images: images, sampling: .sample(temperature: 1,
                        generators: (0..<images).map { NumpyRandom(seed: UInt64(100 * j + $0)) }))
                }
            }
            // Median later step (the first includes the prefill) of B prompts padded to a whole image's mean context.
            func stepSeconds(_ ids: [[Int]]) throws -> Double {
                let padded = ids.map { Array($0.dropLast()) + Array(repeating: 3000, count: tokens / 2) + [$0.last!] }
                var times: [Double] = []
                var last = Date()
                _ = try model.generate(batch: jobs(padded), padID: pad, cfgWeight: 5, stepLimit: steps) { _, _ in
                    let now = Date(); times.append(now.timeIntervalSince(last)); last = now
                }
                let later = Array(times.dropFirst()).sorted()
                return later[later.count / 2]
            }
            func perHour(_ b: Int, prefill: Double, step: Double) -> Double {
                3600 * Double(images * b) / (prefill + Double(tokens) * step + vq * Double(images * b))
            }
            let rounds = max(1, Int(ProcessInfo.processInfo.environment["JANUS_BENCH_ROUNDS"] ?? "") ?? 2)
            let allIDs = (0..<(inFlight.last ?? 1)).map { t2i.promptIDs(prompts[$0]) }
            // One prompt alone: its prefill, then its steps measured next to every batch size's (pair by pair). A first
            // untimed run reads the weights in: a cold page cache (weights read from disk) made the one-prompt prefill
            // ~50 s once and inflated every ratio.
            _ = try model.generate(batch: jobs([allIDs[0]]), padID: pad, cfgWeight: 5, stepLimit: 1)
            var start = Date(), prefillOne = 0.0
            _ = try model.generate(batch: jobs([allIDs[0]]), padID: pad, cfgWeight: 5, stepLimit: 2) { done, _ in
                if done == 1 { prefillOne = Date().timeIntervalSince(start) }
            }
            var checked = false
            for b in inFlight {
                let ids = Array(allIDs.prefix(b))
                let longestReal = ids.map(\.count).max()!, longestPadded = longestReal + tokens / 2
                let real = LlamaMemoryEstimate(config: model.config.languageConfig, batch: 2 * images * b, promptTokens: longestReal,
                                               capacity: longestReal + tokens, precision: precision)
                let timed = LlamaMemoryEstimate(config: model.config.languageConfig, batch: 2 * images * b, promptTokens: longestPadded,
                                                capacity: longestPadded + steps, precision: precision)
                do { try MemoryBudget.check(max(real.totalBytes, timed.totalBytes), for: "\(b) prompts in flight") } catch {
                    report.add([("benchmark", "batch_generation"), ("precision", precision.rawValue), ("in_flight", String(b)),
                                ("skipped", "\(error)")])
                    continue
                }
                // The prefill of B real prompts (time to the first step's tokens).
                start = Date()
                var prefill = 0.0
                let realTokens = try model.generate(batch: jobs(ids), padID: pad, cfgWeight: 5, stepLimit: steps) { done, _ in
                    if done == 1 { prefill = Date().timeIntervalSince(start) }
                }
                var batchSteps: [Double] = [], oneSteps: [Double] = [], ratios: [Double] = []
                for _ in 0..<rounds {
                    let one = try stepSeconds([ids[0]]), many = b == 1 ? one : try stepSeconds(ids)
                    oneSteps.append(one); batchSteps.append(many)
                    ratios.append(perHour(b, prefill: prefill, step: many) / perHour(1, prefill: prefillOne, step: one))
                }
                let step = PrefixReuseBenchmark.median(batchSteps), oneStep = PrefixReuseBenchmark.median(oneSteps)
                let rate = perHour(b, prefill: prefill, step: step)
                report.add([("benchmark", "batch_generation"), ("precision", precision.rawValue), ("in_flight", String(b)),
                            ("rows", String(2 * images * b)), ("prefill_s", format(prefill, 2)),
                            ("ms_per_step", format(step * 1000)), ("one_prompt_ms_per_step", format(oneStep * 1000)),
                            ("rounds", String(rounds)), ("images_per_hour", format(rate)),
                            ("geneval_hours", format(553.0 * 4 / rate, 1)),
                            ("vs_one_prompt", format(PrefixReuseBenchmark.median(ratios), 2)),
                            ("vs_one_prompt_rounds", ratios.map { format($0, 2) }.joined(separator: "/")),
                            ("kv_cache_GB", format(Double(real.kvCacheBytes) / 1e9, 2)),
                            ("peak_rss_GB", format(PrefixReuseBenchmark.peakRSSGigabytes(), 2))])
                if b > 1 && !checked {
                    checked = true
                    var differing = 0
                    for (j, job) in jobs(ids).enumerated() {
                        let alone = try model.generate(batch: [job], padID: pad, cfgWeight: 5, stepLimit: steps)[0]
                        differing += zip(alone.joined(), realTokens[j].joined()).filter { $0 != $1 }.count
                    }
                    report.add([("benchmark", "batch_identical_tokens"), ("precision", precision.rawValue), ("in_flight", String(b)),
                                ("tokens_compared", String(b * images * steps)), ("differing", String(differing))])
                }
            }
        } catch {
            print("batch: \(error)")
        }
    }

    static func vqSecondsPerImage(_ model: JanusGenerationModel) -> Double {
        let side = model.vq.gridSide(imageSize: model.imageSize)
        var rng = NumpyRandom(seed: 3)
        let codes = [(0..<side * side).map { _ in rng.integers(0, model.vq.spec.codebookSize) }]
        let start = Date()
        _ = model.vq.decode(codes, side: side)
        return Date().timeIntervalSince(start)
    }
}
