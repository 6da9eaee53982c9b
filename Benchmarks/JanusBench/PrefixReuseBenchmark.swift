import Foundation
import Formats
import Models
import Tensors

/// A POPE-shaped understanding run on a full-size checkpoint, with and without prompt-prefix reuse (issue 16), in
/// f32 and bf16, alternated image by image so both arms share the machine's noise:
///
/// - reuse: every image's 18 questions through `VisualQA.answers` — the image prefix (system prompt, role, 576
///   image tokens) computed once, every question continuing it;
/// - whole prompts: the first `JANUS_BENCH_BASELINE` questions of `JANUS_BENCH_BASELINE_IMAGES` images spread evenly
///   over the run (images 0, n/k, 2n/k, …, so a change of the machine's load mid-run reaches both arms) answered one
///   by one, each prefilling its whole ~600-token prompt (the reference's way; 10–30 s an item here, so measured on a
///   subset), and their tokens compared with the reuse arm's: they must be identical;
/// - the largest |Δ| between the first answer token's logits of a whole prompt and of its continuation (two
///   questions of the first image; 0 means bit for bit).
///
/// Every answer decodes at most `JANUS_BENCH_MAX_NEW` tokens (default 3: POPE answers are "Yes"/"No" then EOS).
/// Synthetic 640×480 images and POPE-template questions; items per hour per arm, their ratio, and peak RSS.
///
///     JANUS_BENCH_WEIGHTS=DIR [JANUS_BENCH_IMAGES=50] [JANUS_BENCH_QUESTIONS=18] [JANUS_BENCH_BASELINE=6]
///         [JANUS_BENCH_BASELINE_IMAGES=5] [JANUS_BENCH_MAX_NEW=3] [JANUS_BENCH_PRECISION=f32|bf16]
///         [JANUS_BENCH_DECODE_ROWS=1] janus-bench pope
enum PrefixReuseBenchmark {
    static let objects = ["person", "dog", "cat", "car", "bicycle", "chair", "bottle", "cup", "dining table", "umbrella",
                          "bench", "truck", "bird", "horse", "handbag", "book", "clock", "potted plant", "traffic light",
                          "backpack", "sheep", "kite", "bowl", "laptop"]

    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        guard let folder = env["JANUS_BENCH_WEIGHTS"] else {
            print("pope: set JANUS_BENCH_WEIGHTS to a model folder (e.g. one made by tools/reference/make_fullsize_checkpoint.py)")
            return
        }
        func number(_ key: String, _ fallback: Int) -> Int { env[key].flatMap { Int($0) } ?? fallback }
        let images = number("JANUS_BENCH_IMAGES", 50), perImage = number("JANUS_BENCH_QUESTIONS", 18)
        let baseline = number("JANUS_BENCH_BASELINE", 6), baselineImages = min(number("JANUS_BENCH_BASELINE_IMAGES", 5), images)
        let maxNew = number("JANUS_BENCH_MAX_NEW", 3), decodeRows = number("JANUS_BENCH_DECODE_ROWS", 1)
        let precisions = env["JANUS_BENCH_PRECISION"].flatMap(ActivationPrecision.init(rawValue:)).map { [$0] } ?? ActivationPrecision.allCases
        do {
            let url = URL(fileURLWithPath: folder)
            var models: [ActivationPrecision: JanusAssistant] = [:]
            for p in precisions {
                let model = try JanusAssistant(folder: url, precision: p)
                model.prefixReuse = PrefixReuse(enabled: true, cacheBytes: PrefixReuse.defaultCacheBytes, decodeRows: decodeRows)
                models[p] = model
            }
            // Every `stride`-th image also runs the whole-prompt arm.
            let stride = max(1, images / max(1, baselineImages))
            func isBaselineImage(_ i: Int) -> Bool { i % stride == 0 && i / stride < baselineImages }
            print("pope: OpenBLAS \(MachineInfo.openBLASCore); \(images) images × \(perImage) questions, max_new_tokens \(maxNew), decode rows \(decodeRows), "
                  + "whole prompts for \(baseline) questions of \(baselineImages) images (one image in \(stride)); \(MachineInfo.cpuModel), \(Parallel.threadCount) threads")
            var rng = NumpyRandom(seed: 16)
            var reuseSeconds: [ActivationPrecision: [Double]] = [:], wholeSeconds: [ActivationPrecision: [Double]] = [:]
            var mismatches: [ActivationPrecision: Int] = [:], compared: [ActivationPrecision: Int] = [:]
            for i in 0..<images {
                let image = RGBImage(width: 640, height: 480, pixels: (0..<(640 * 480 * 3)).map { _ in UInt8(rng.integers(0, 256)) })
                let questions = (0..<perImage).map { k -> VisualQuestion in
                    let name = objects[(i * 7 + k * 5) % objects.count]
                    let article = "aeiou".contains(name.first!) ? "an" : "a"
                    return VisualQuestion("Is there \(article) \(name) in the image?", maxNewTokens: maxNew)
                }
                for p in precisions {
                    let model = models[p]!
                    var start = Date()
                    let answers = model.answers(image: image, imageKey: "synthetic-\(i)", questions: questions)
                    let seconds = Date().timeIntervalSince(start)
                    reuseSeconds[p, default: []].append(seconds)
                    let tokens = try answers.map { try $0.get().tokenIDs }
                    let t = (try? answers[0].get().timings) ?? [:]
                    var row: [(String, String)] = [("benchmark", "pope_reuse_image"), ("precision", p.rawValue), ("image", String(i)),
                                                   ("questions", String(perImage)), ("seconds", format(seconds, 2)),
                                                   ("prefix_s", format(t["prefix_s"] ?? 0, 2)), ("prefill_s", format(t["prefill_s"] ?? 0, 2)),
                                                   ("decode_s", format(t["decode_s"] ?? 0, 2)),
                                                   ("items_per_hour", format(Double(perImage) * 3600 / seconds, 0))]
                    if isBaselineImage(i) {
                        for (k, q) in questions.prefix(baseline).enumerated() {
                            start = Date()
                            let alone = try model.answer(image: image, question: q.question, maxNewTokens: q.maxNewTokens)
                            wholeSeconds[p, default: []].append(Date().timeIntervalSince(start))
                            compared[p, default: 0] += 1
                            if alone.tokenIDs != tokens[k] { mismatches[p, default: 0] += 1 }
                        }
                        row.append(("whole_prompt_s_median", format(median(wholeSeconds[p]!), 2)))
                        row.append(("token_mismatches", String(mismatches[p, default: 0])))
                    }
                    row.append(("peak_rss_GB", format(peakRSSGigabytes(), 2)))
                    report.add(row)
                }
            }
            for p in precisions {
                let model = models[p]!
                let logitDelta = try firstTokenLogitDifference(model, image: RGBImage(width: 640, height: 480,
                    pixels: (0..<(640 * 480 * 3)).map { _ in UInt8(rng.integers(0, 256)) }))
                let reuse = reuseSeconds[p] ?? [], whole = wholeSeconds[p] ?? []
                let reusePerHour = Double(perImage) * 3600 / median(reuse), wholePerHour = 3600 / median(whole)
                let stats = model.prefixCacheStatistics!
                report.add([("benchmark", "pope_reuse_summary"), ("precision", p.rawValue), ("images", String(reuse.count)),
                            ("items_reuse", String(reuse.count * perImage)), ("items_whole", String(whole.count)),
                            ("image_s_median", format(median(reuse), 2)), ("whole_item_s_median", format(median(whole), 2)),
                            ("items_per_hour_reuse", format(reusePerHour, 0)), ("items_per_hour_whole", format(wholePerHour, 0)),
                            ("ratio", format(reusePerHour / wholePerHour, 2)),
                            ("token_mismatches", "\(mismatches[p, default: 0])/\(compared[p, default: 0])"),
                            ("first_token_logit_max_abs_diff", String(logitDelta)),
                            ("prefixes_computed", String(stats.misses)), ("cache_peak_GB", format(Double(stats.peakBytes) / 1e9, 2)),
                            ("peak_rss_GB", format(peakRSSGigabytes(), 2))])
            }
        } catch {
            print("pope: \(error)")
        }
    }

    /// The first answer token's logits for two questions: each whole prompt vs its continuation of the shared image
    /// prefix. Returns the largest |Δ| (0: bit for bit).
    static func firstTokenLogitDifference(_ assistant: JanusAssistant, image: RGBImage) throws -> Float {
        let model = assistant.model, lm = model.language, h = lm.config.hiddenSize
        let tokenizer = assistant.tokenizer
        let imageID = try tokenizer.requireID(of: ChatTemplate.imagePlaceholder), boi = try tokenizer.requireID(of: ChatTemplate.beginOfImage)
        let eoi = try tokenizer.requireID(of: ChatTemplate.endOfImage)
        let (_, aligned) = model.imageEmbeddings(JanusImagePreprocessor(imageSize: model.vision.spec.imageSize)(image))
        let prompts = ["Is there a dog in the image?", "Is there an umbrella in the image?"].map { assistant.promptIDs(question: $0) }
        let p = prompts[0].firstIndex(of: eoi)! + 1
        let prefix = model.prefill(prefix: try model.inputEmbeddings(ids: Array(prompts[0][..<p]), imageTokenID: imageID, beginOfImageID: boi,
                                                                     aligned: aligned))
        let continuation = LlamaContinuation(prefix: prefix, rows: prompts.count, capacity: 64)
        let continued = lm.forward(try prompts.enumerated().map { ($0.offset, try lm.embed(Array($0.element[p...]))) }, continuing: continuation)
        var worst: Float = 0
        for (k, ids) in prompts.enumerated() {
            let whole = lm.forward(try model.inputEmbeddings(ids: ids, imageTokenID: imageID, beginOfImageID: boi, aligned: aligned),
                                   cache: lm.makeCache(batch: 1, capacity: ids.count)).toFloats()
            let a = lm.logits(Tensor(shape: [1, h], floats: Array(whole.suffix(h)))).toFloats()
            let b = lm.logits(Tensor(shape: [1, h], floats: Array(continued[k].toFloats().suffix(h)))).toFloats()
            for j in a.indices { worst = max(worst, abs(a[j] - b[j])) }
        }
        return worst
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// VmHWM of this process (peak resident set), in GB.
    static func peakRSSGigabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              // "VmHWM:\t  4311596 kB"; from 10 GB on the number fills its field and follows the tab directly.
              let kb = Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return .nan }
        return kb * 1024 / 1e9
    }
}
