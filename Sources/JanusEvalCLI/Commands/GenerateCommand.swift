import ArgumentParser
import Foundation
import Harness
import Models

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate images from a prompt with a Janus model.",
        discussion: """
            Janus / Janus-Pro (generation_inference.py): classifier-free guidance on an interleaved batch of
            2 × parallel rows, temperature sampling (or --greedy), the VQ-16 decoder, pixels truncated to uint8.
            Image i's sampling generator is numpy's default_rng seeded with splitmix64(seed ⊕ splitmix64(i)), so an
            image does not depend on --parallel, the thread count or what else is in the batch.
            JanusFlow (demo/app_janusflow.py): rectified flow, --steps Euler steps (default 30) with guidance
            w·cond − (w − 1)·uncond (--cfg, default 2), then the SDXL-VAE decoder (--vae DIR, else
            $JANUS_EVAL_SDXL_VAE_WEIGHTS, a vae/ folder in the model folder, or the Hugging Face cache of
            stabilityai/sdxl-vae). Image i starts from Gaussian latents [4, 48, 48] drawn as in numpy:
              rng = np.random.default_rng(splitmix64(seed ^ splitmix64(i + 0x9E3779B9)))
              u = rng.random(2 * ceil(n / 2)).reshape(-1, 2); r = np.sqrt(-2 * np.log1p(-u[:, 0]))
              z = stack([r * cos(2 pi u[:, 1]), r * sin(2 pi u[:, 1])], axis=1).reshape(-1)[:n].astype(float32)
            (splitmix64 as in the README; float64 math, float32 at the end; reshaped to [4, 48, 48]).
            --save-noise writes those latents as noise.npy (float32 [parallel, 4, 48, 48]); --init-noise FILE.npy
            starts from given latents (e.g. torch.randn saved by the official code) instead.
            Writes img_<i>.png and generation.json (token ids, settings, noise, timings) into --out.

            Examples:
              janus-eval generate --model pro-1b --seed 1 --out out/ "a red bench"
              janus-eval generate --weights path/to/Janus-Pro-7B --parallel 4 --cfg 5 --out out/ "a photo of two cats"
              janus-eval generate --model janusflow-1.3b --steps 30 --save-noise --out out/ "a red bench"
              janus-eval generate --model janusflow-1.3b --init-noise out/noise.npy --out again/ "a red bench"
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Run seed.") var seed: UInt64 = 0
    @Option(help: "Classifier-free guidance weight (default: the model's reference value, 5 for Janus, 2 for JanusFlow).") var cfg: Float?
    @Option(help: "Sampling temperature (token models).") var temperature: Float = 1
    @Option(help: "Images per prompt (the guidance batch has twice as many rows).") var parallel = 4
    @Flag(help: "Take the most likely token at each step instead of sampling (token models).") var greedy = false
    @Option(help: "JanusFlow: Euler steps of the rectified flow (default 30).") var steps: Int?
    @Option(help: "JanusFlow: the SDXL-VAE folder (config.json + diffusion_pytorch_model.safetensors).") var vae: String?
    @Flag(help: "JanusFlow: also write the initial latents as noise.npy (float32 [parallel, 4, H/8, W/8]).") var saveNoise = false
    @Option(help: "JanusFlow: start from these latents (.npy, float32 [parallel, 4, H/8, W/8]) instead of drawing them.") var initNoise: String?
    @Option(help: "Output folder.") var out: String
    @Argument(help: "The prompt.") var prompt: String

    func validate() throws {
        guard parallel >= 1 && parallel <= 64 else { throw ValidationError("--parallel must be between 1 and 64") }
        guard temperature > 0, temperature.isFinite else { throw ValidationError("--temperature must be a positive finite number, not \(temperature)") }
        if let cfg, !cfg.isFinite { throw ValidationError("--cfg must be a finite number, not \(cfg)") }
        if let steps, steps < 1 || steps > 1000 { throw ValidationError("--steps must be between 1 and 1000, not \(steps)") }
        if let initNoise, !FileManager.default.fileExists(atPath: initNoise) { throw ValidationError("--init-noise \(initNoise): no such file") }
    }

    func run() throws {
        do {
            var (folder, options) = try modelOptions.resolve()
            options.vaeFolder = vae
            var request = TextToImageRequest(prompt: prompt, images: parallel, cfgWeight: cfg ?? 5, temperature: temperature,
                                             greedy: greedy, seed: seed, steps: steps)
            var generation = GenerationRun(request: request, outputFolder: out, weights: folder.path, saveNoise: saveNoise, initNoise: initNoise)
            try generation.prepareOutput()
            let model = try ModelFactory.textToImage(folder: folder, options: options)
            request.cfgWeight = cfg ?? model.defaultCFGWeight
            generation.request = request
            generation.vae = (model as? JanusFlowTextToImage)?.vae.folder.path
            let flow = model.defaultSteps != nil
            var bar = ProgressBar(label: flow ? "flow steps" : "tokens")
            let summary = try generation.run(model: model) { done, total in bar.update(done, total) }
            let t = summary.timings
            if flow {
                print("wrote \(summary.imageFiles.count) image(s) to \(out) in \(String(format: "%.1f", t.total)) s: prefix and first step "
                      + String(format: "%.1f s, %d more flow steps %.1f s (%.2f s each), VAE decode %.1f s (%.1f s per image)",
                               t.promptAndFirstStep, t.laterStepCount, t.laterSteps, t.millisecondsPerStep / 1000, t.decode,
                               t.decode / Double(max(summary.imageFiles.count, 1))))
            } else {
                print("wrote \(summary.imageFiles.count) image(s) to \(out) in \(String(format: "%.1f", t.total)) s: prompt "
                      + String(format: "%.1f s, %d more token steps %.1f s (%.0f ms each), VQ decode %.1f s (%.1f s per image)",
                               t.promptAndFirstStep, t.laterStepCount, t.laterSteps, t.millisecondsPerStep, t.decode,
                               t.decode / Double(max(summary.imageFiles.count, 1))))
            }
        } catch let error as ValidationError {
            throw error
        } catch let error as HarnessError {
            FileStandardError.write("janus-eval generate: \(error)\n")
            throw ExitCode(error.exitCode == 2 ? 2 : 1)
        } catch {
            FileStandardError.write("janus-eval generate: \(error)\n")
            throw ExitCode(1)
        }
    }
}
