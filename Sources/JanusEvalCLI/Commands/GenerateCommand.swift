import ArgumentParser
import Harness
import Models

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
        guard temperature > 0, temperature.isFinite else { throw ValidationError("--temperature must be a positive finite number, not \(temperature)") }
        guard cfg.isFinite else { throw ValidationError("--cfg must be a finite number, not \(cfg)") }
    }

    func run() throws {
        do {
            let (folder, options) = try modelOptions.resolve()
            let request = TextToImageRequest(prompt: prompt, images: parallel, cfgWeight: cfg, temperature: temperature,
                                             greedy: greedy, seed: seed)
            let generation = GenerationRun(request: request, outputFolder: out, weights: folder.path)
            try generation.prepareOutput()
            let model = try ModelFactory.textToImage(folder: folder, options: options)
            var bar = ProgressBar(label: "tokens")
            let summary = try generation.run(model: model) { done, total in bar.update(done, total) }
            let t = summary.timings
            print("wrote \(summary.imageFiles.count) image(s) to \(out) in \(String(format: "%.1f", t.total)) s: prompt "
                  + String(format: "%.1f s, %d more token steps %.1f s (%.0f ms each), VQ decode %.1f s (%.1f s per image)",
                           t.promptAndFirstStep, t.laterStepCount, t.laterSteps, t.millisecondsPerStep, t.decode,
                           t.decode / Double(max(summary.imageFiles.count, 1))))
        } catch let error as ValidationError {
            throw error
        } catch {
            FileStandardError.write("janus-eval generate: \(error)\n")
            throw ExitCode(1)
        }
    }
}
