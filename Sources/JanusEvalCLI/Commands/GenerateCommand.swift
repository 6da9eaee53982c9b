import ArgumentParser
import Formats
import Foundation
import Models
import Tensors

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate images from a prompt with a Janus model.",
        discussion: """
            The reference procedure (generation_inference.py): classifier-free guidance on an interleaved batch of
            2 × parallel rows, temperature sampling (or --greedy), the VQ-16 decoder, pixels truncated to uint8.
            Image i's sampling generator is numpy's default_rng seeded with splitmix64(seed ⊕ splitmix64(i)), so an
            image does not depend on --parallel, the thread count or what else is in the batch.
            Writes img_<i>.png and generation.json (token ids, settings, timings) into --out.

            Examples:
              janus-eval generate --model pro-1b --seed 1 --out out/ "a red bench"
              janus-eval generate --weights path/to/Janus-Pro-7B --parallel 4 --cfg 5 --out out/ "a photo of two cats"
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Run seed.") var seed: UInt64 = 0
    @Option(help: "Classifier-free guidance weight.") var cfg: Float = 5
    @Option(help: "Sampling temperature.") var temperature: Float = 1
    @Option(help: "Images per prompt (the guidance batch has twice as many rows).") var parallel = 4
    @Flag(help: "Take the most likely token at each step instead of sampling.") var greedy = false
    @Option(help: "Output folder.") var out: String
    @Argument(help: "The prompt.") var prompt: String

    func validate() throws {
        guard parallel >= 1 && parallel <= 64 else { throw ValidationError("--parallel must be between 1 and 64") }
        guard temperature > 0 else { throw ValidationError("--temperature must be positive") }
    }

    static func imageSeed(_ seed: UInt64, _ index: UInt64) -> UInt64 { splitmix(seed ^ splitmix(index &+ 0x9E37_79B9)) }
    static func splitmix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func run() throws {
        do {
            let (folder, chosenTemplate) = try modelOptions.resolve()
            var t = Date()
            let model = try JanusGenerationModel(folder: folder)
            model.activationPrecision = modelOptions.activationPrecision
            let tokenizer = try BPETokenizer(file: folder.appendingPathComponent("tokenizer.json").path)
            let template = chosenTemplate ?? (tokenizer.id(of: "<|User|>") != nil ? .pro : .plain)
            let loadSeconds = Date().timeIntervalSince(t)
            let ids = tokenizer.encode(template.generationPrompt(prompt), addBOS: true)
            let pad = try tokenizer.requireID(of: ChatTemplate.pad)
            t = Date()
            let generationStart = t
            var bar = ProgressBar(label: "tokens")
            var firstStep: Date?
            let sampling: JanusGenerationModel.Sampling = greedy ? .greedy
                : .sample(temperature: temperature, generators: (0..<parallel).map { NumpyRandom(seed: Self.imageSeed(seed, UInt64($0))) })
            let tokens = try model.generate(promptIDs: ids, padID: pad, images: parallel, cfgWeight: cfg, sampling: sampling) { done, total in
                if firstStep == nil { firstStep = Date() }
                bar.update(done, total)
            }
            let stepsSeconds = Date().timeIntervalSince(t)
            t = Date()
            let images = VQ16Decoder.pixels(model.vq.decode(tokens, side: model.vq.gridSide(imageSize: model.imageSize),
                                                                 activations: model.activationPrecision))
            let decodeSeconds = Date().timeIntervalSince(t)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for (i, pixels) in images.enumerated() {
                try PNGCodec.write(RGBImage(width: model.imageSize, height: model.imageSize, pixels: pixels), to: out + "/img_\(i).png")
            }
            // Where the time went: the prompt (prefill and the first token step), the other token steps, VQ decode.
            let prefill = firstStep.map { $0.timeIntervalSince(generationStart) } ?? 0
            let laterSteps = max(model.tokensPerImage - 1, 1), stepsOnly = max(stepsSeconds - prefill, 0)
            let report = JSONObject([
                ("prompt", .string(prompt)), ("prompt_ids", .array(ids.map { .int(Int64($0)) })),
                ("settings", .object(JSONObject([("seed", .int(Int64(seed))), ("cfg", .double(Double(cfg))),
                                                 ("temperature", .double(Double(temperature))), ("parallel", .int(Int64(parallel))),
                                                 ("greedy", .bool(greedy)), ("threads", .int(Int64(Parallel.threadCount))),
                                                 ("precision", .string(modelOptions.activationPrecision.rawValue)),
                                                 ("template", .string(template.userRole)), ("weights", .string(folder.path))]))),
                ("tokens", .array(tokens.map { .array($0.map { .int(Int64($0)) }) })),
                ("timings", .object(JSONObject([("load_s", .double(loadSeconds)), ("prefill_and_first_step_s", .double(prefill)),
                                                ("token_steps_s", .double(stepsOnly)),
                                                ("ms_per_step", .double(1000 * stepsOnly / Double(laterSteps))),
                                                ("vq_decode_s", .double(decodeSeconds)),
                                                ("seconds_per_image", .double((stepsSeconds + decodeSeconds) / Double(images.count)))]))),
            ])
            try Data((JSONWriter(style: .pythonDumps).string(.object(report)) + "\n").utf8)
                .write(to: URL(fileURLWithPath: out + "/generation.json"))
            print("wrote \(images.count) image(s) to \(out) in \(String(format: "%.1f", stepsSeconds + decodeSeconds)) s: prompt "
                  + String(format: "%.1f s, %d more token steps %.1f s (%.0f ms each), VQ decode %.1f s (%.1f s per image)",
                           prefill, laterSteps, stepsOnly, 1000 * stepsOnly / Double(laterSteps), decodeSeconds,
                           decodeSeconds / Double(images.count)))
        } catch let error as ValidationError {
            throw error
        } catch {
            FileStandardError.write("janus-eval generate: \(error)\n")
            throw ExitCode(1)
        }
    }
}
