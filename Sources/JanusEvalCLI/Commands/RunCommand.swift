import ArgumentParser
import Foundation
import Harness
import Models
import Scorers
import Tensors

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a suite: generate or answer (or read outputs made elsewhere), score, and write a run folder.",
        discussion: """
            Suites: geneval, pope, mmbench, fid. Outputs come from one of:
              --model NAME | --weights DIR   the model runs here (demo models: demo, demo-janus, demo-janusflow)
              --answers FILE                 POPE / MMBench answers made elsewhere (repeatable): JSON lines with
                                             question_id + text (LLaVA) or answer; MMBench index + prediction; or
                                             VLMEvalKit's .xlsx exported to TSV (columns index, prediction[, category])
              --images DIR                   GenEval images generated elsewhere (GenEval's layout), scored by our detector
              --images-root DIR              POPE: the COCO image folder (e.g. val2014/; PNG or JPEG, found by signature)
              --detections FILE              GenEval detections made by another detector (skips ours; with --images or
                                             a model, CLIP reads colours the file does not give when --clip-weights is set)
            GenEval's scorers: --detector-weights PATH (mmdet's mask2former_swin-s-p4-w7-224_lsj_8x2_50e_coco.pth or a
            facebook/mask2former-swin-small-coco-instance folder; $JANUS_EVAL_DETECTOR_WEIGHTS; the HF cache) and
            --clip-weights DIR (openai/clip-vit-large-patch14; $JANUS_EVAL_CLIP_WEIGHTS; the HF cache); `demo` names
            the bundled tiny random ones. A run writes detections.jsonl (raw detections, masks as COCO RLE) to its
            folder: --images <run>/images --detections <run>/detections.jsonl --clip-weights DIR replays it.
            fid takes --reference DIR | FILE.npz (images or pytorch-fid statistics) and either --images DIR (images
            made elsewhere: a flat folder, GenEval's <NNNNN>/samples/ layout, or a run folder) or --model NAME /
            --weights DIR: the model draws --samples images (default 4) for each prompt of --data (GenEval's
            evaluation_metadata.jsonl, default the bundled 553 prompts, or a .txt file with one prompt a line; --limit,
            --seed, --cfg, --temperature, --steps as for geneval) into <run>/images/ in GenEval's layout; a killed run
            continues without drawing finished prompts again. Then --inception-weights FILE|demo, --fid-mode, --dims,
            --no-cache as `fid-stats` takes them; report.json holds the metrics fid and kid (lower is better; kid when
            both sides have features), report.html the numbers with the settings, warnings and charts. `compare` and
            `gate --metric fid` read fid runs (no per-item pairing: gate judges by --max-drop alone).

            The run folder (--out, default reports/<suite>-<model>-<8 hex of the configuration digest>/) holds
            items.jsonl (the journal: one line per scored item, fsync'd as it finishes), run.json, report.json,
            report.html and generated images in GenEval's layout. Rerunning the same command continues a killed run;
            a folder holding another configuration is refused (--fresh starts over). Ctrl-C stops after the current
            item (exit 130; generation: after the current batch of prompts). --shard i/n (1-based) runs whole work groups g (every question about one image; a GenEval
            prompt) with g mod n = i − 1; it is also read from Slurm
            array jobs (SLURM_ARRAY_TASK_ID/MIN/COUNT) and Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX with
            --shard-count or $JANUS_EVAL_SHARD_COUNT). `janus-eval merge` joins shard folders.

            Understanding suites compute each image's prompt prefix (system prompt and image tokens; MMBench's hint)
            once and continue it with every question about the image: the same answers, bit for bit, as computing
            each prompt alone. --prefix-cache bounds the prefixes kept between images (default 2GiB, also
            $JANUS_EVAL_PREFIX_CACHE; `off` computes every prompt whole); its counts are in report.json
            (run.timings.prefix_cache) and on the progress line.

            Exit status: 0 every item scored; 1 an error or some items failed (each recorded with its reason);
            2 usage or a refused run folder; 130 stopped by Ctrl-C.

            Examples:
              janus-eval run pope --model demo --data suites/demo/pope
              janus-eval run pope --model pro-7b --data POPE/output/coco --images-root val2014/
              janus-eval run mmbench --answers answers.jsonl --data MMBench_DEV_EN.tsv
              janus-eval run geneval --model pro-7b
              janus-eval run geneval --model demo --detector-weights demo --clip-weights demo
              janus-eval run geneval --images generated/ --detections detections.jsonl
              janus-eval run pope --model pro-1b --data coco_pope_random.json --shard 2/3
              janus-eval run fid --images generated/ --reference coco-val-stats.npz
              janus-eval run fid --model pro-1b --data prompts.txt --samples 1 --reference coco-val-stats.npz
            """)

    @Argument(help: "geneval, pope, mmbench (or fid).") var suite: String
    @Option(help: "A known model (janus-1.3b, janusflow-1.3b, pro-1b, pro-7b, demo, demo-janus, demo-janusflow).") var model: String?
    @Option(help: "A model folder (config.json, tokenizer.json and the weights).") var weights: String?
    @Option(help: "Chat roles: pro or plain (default: by model, or by the tokenizer for --weights).") var template: String?
    @Option(help: "Compute threads (default: $JANUS_EVAL_THREADS, else every core). Results do not depend on it.") var threads: Int?
    @Option(help: "f32 (default) or bf16: how the language model's products treat activations (see `generate --help`).") var precision = "f32"
    @Option(parsing: .singleValue, help: "An answers file made elsewhere (repeatable).") var answers: [String] = []
    @Option(help: "GenEval: images generated elsewhere, in GenEval's layout; POPE: the COCO image folder.") var images: String?
    @Option(help: "POPE: the folder of the images the question files name (COCO's val2014/); the same as --images.") var imagesRoot: String?
    @Option(help: "GenEval: detections made by another detector (JSON lines).") var detections: String?
    @Option(help: "GenEval: the Mask2Former detector weights, mmdet's .pth or an HF folder (default: $JANUS_EVAL_DETECTOR_WEIGHTS, else the HF cache; demo: the bundled tiny random one).") var detectorWeights: String?
    @Option(help: "GenEval: the CLIP ViT-L/14 folder for colours and CLIPScore (default: $JANUS_EVAL_CLIP_WEIGHTS, else the HF cache; demo: the bundled tiny random one).") var clipWeights: String?
    @Option(help: "The suite's data: POPE coco_pope_<split>.json, a folder of them or VLMEvalKit's POPE.tsv; MMBench's TSV; GenEval's evaluation_metadata.jsonl (default: the bundled 553 prompts).") var data: String?
    @Option(help: "POPE answer rule: official (default), vlmevalkit or exact.") var parser: String?
    @Option(help: "The run folder.") var out: String?
    @Option(help: "Only the first N items (in the suite's order; applied before sharding).") var limit: Int?
    @Option(help: "Run seed (generation: each prompt's images derive from it and the prompt's index).") var seed: UInt64 = 0
    @Option(help: "This process's shard, i/n (1-based).") var shard: String?
    @Option(help: "Shard count for a Kubernetes Indexed Job (with JOB_COMPLETION_INDEX).") var shardCount: Int?
    @Flag(help: "Start over in the run folder (its journal is discarded).") var fresh = false
    @Option(help: "GenEval: classifier-free guidance weight (default: the model's, 5 for Janus, 2 for JanusFlow).") var cfg: Float?
    @Option(help: "GenEval: sampling temperature.") var temperature: Float = 1
    @Option(help: "GenEval: images per prompt (default 4).") var samples: Int?
    @Option(help: "fid: the reference, an image folder or pytorch-fid statistics (.npz).") var reference: String?
    @Option(help: "fid: the Inception weights file, or demo (seeded random weights made in memory: meaningless numbers, for demos and CI). Default: $JANUS_EVAL_INCEPTION_WEIGHTS, else the torch hub cache.") var inceptionWeights: String?
    @Option(help: "fid: pytorch-fid (default) or clean.") var fidMode = "pytorch-fid"
    @Option(help: "fid: feature width, 2048 (default; the demo network: 512), 768, 192 or 64.") var dims: Int?
    @Flag(help: "fid: do not read or write the feature cache.") var noCache = false
    @Option(help: "fid: images per network batch.") var batchSize = 16
    @Option(help: "GenEval with JanusFlow: Euler steps (default 30).") var steps: Int?
    @Option(help: "GenEval with JanusFlow: the SDXL-VAE folder (default: $JANUS_EVAL_SDXL_VAE_WEIGHTS, <model>/vae, the HF cache).") var vae: String?
    @Option(help: "GenEval with JanusFlow: start each prompt from DIR/<NNNNN>.npy (float32 [samples, 4, H/8, W/8]; see `generate --help`).") var initNoiseDir: String?
    @Flag(help: "GenEval with JanusFlow: write each prompt's initial latents to <run folder>/noise/<NNNNN>.npy.") var saveNoise = false
    @Option(help: "Generation (geneval, fid --model): images in flight across prompts, whole prompts (default: chosen by memory, at most 32). Images are bit-identical whatever it is; more rows share each weight read.") var batchImages: Int?
    @Option(help: "Understanding: bytes of image prefixes kept between images (2GiB default, 512MiB, 0; or off: every prompt computed whole). Default $JANUS_EVAL_PREFIX_CACHE, else 2GiB.") var prefixCache: String?
    @Option(help: "Understanding: questions of one image decoded together per step, 1–8 (1, the default: answers bit-identical to computing each prompt alone; more rows share each weight read, logits equal to f32 rounding).") var decodeRows = 1

    func validate() throws {
        if model != nil && weights != nil { throw ValidationError("give one of --model NAME or --weights DIR") }
        if let template, template != "pro" && template != "plain" { throw ValidationError("--template is pro or plain, not \(template)") }
        _ = try ThreadSetting.validated(option: threads)
        guard ActivationPrecision(rawValue: precision) != nil else { throw ValidationError("--precision is f32 or bf16, not \(precision)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, not \(limit)") }
        if images != nil && imagesRoot != nil { throw ValidationError("give one of --images or --images-root (they name the same folder)") }
        if let samples, samples < 1 || samples > 64 { throw ValidationError("--samples must be between 1 and 64") }
        guard cfg?.isFinite ?? true, temperature.isFinite, temperature > 0 else { throw ValidationError("--cfg must be finite and --temperature positive and finite") }
        if let steps, steps < 1 || steps > 1000 { throw ValidationError("--steps must be between 1 and 1000, not \(steps)") }
        if let prefixCache, PrefixReuse.parse(prefixCache) == nil {
            throw ValidationError("--prefix-cache is a size (2GiB, 512MiB, 300MB, 0) or off, not '\(prefixCache)'")
        }
        if !(1...8).contains(decodeRows) { throw ValidationError("--decode-rows must be between 1 and 8, not \(decodeRows)") }
    }

    func run() throws {
        try ThreadSetting.validated(option: threads).applyWarning()
        if suite.lowercased() == "fid" { return try runFID() }
        var request = RunRequest(suite: suite)
        request.data = data; request.images = imagesRoot ?? images; request.parser = parser; request.answers = answers
        request.detections = detections; request.detectorWeights = detectorWeights; request.clipWeights = clipWeights
        request.out = out; request.limit = limit; request.seed = seed; request.fresh = fresh
        request.cfgWeight = cfg; request.temperature = temperature; request.samplesPerPrompt = samples
        request.steps = steps; request.initNoiseDir = initNoiseDir; request.saveNoise = saveNoise
        request.batchImages = batchImages
        request.commandLine = CommandLine.arguments
        let cacheText = prefixCache ?? ProcessInfo.processInfo.environment["JANUS_EVAL_PREFIX_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
        if let cacheText {
            guard let reuse = PrefixReuse.parse(cacheText, decodeRows: decodeRows) else {
                FileStandardError.write("janus-eval run: $JANUS_EVAL_PREFIX_CACHE is a size (2GiB, 512MiB, 0) or off, not '\(cacheText)'\n")
                throw ExitCode(2)
            }
            request.prefixReuse = reuse
        } else {
            request.prefixReuse.decodeRows = decodeRows
        }
        request.model = weights.map(ModelSource.folder) ?? model.map(ModelSource.preset)
        request.buildOptions = ModelBuildOptions(precision: ActivationPrecision(rawValue: precision) ?? .f32,
                                                 template: template.map { $0 == "pro" ? .pro : .plain }, vaeFolder: vae)
        let outcome: Runner.Outcome
        do {
            if let shard { request.shard = try ShardSpec(parsing: shard) }
            else if let fromEnv = try ShardSpec.fromEnvironment(ProcessInfo.processInfo.environment, count: shardCount) { request.shard = fromEnv }
            let runner = try RunPlan.make(request)
            StopSignal.install()
            if runner.shard.isWhole == false { FileStandardError.write("shard \(runner.shard) of \(suite)\n") }
            var progress = RunProgressReporter(label: suite)
            (runner.source as? TextToImageOutputs)?.onStep = { progress.generationStep(done: $0, total: $1, prompts: $2) }
            outcome = try runner.run { progress.update($0) }
        } catch let error as HarnessError {
            FileStandardError.write("janus-eval run: \(error)\n")
            throw ExitCode(error.exitCode)
        } catch {
            FileStandardError.write("janus-eval run: \(error)\n")
            throw ExitCode(1)
        }
        print(Self.summary(outcome))
        if outcome.interrupted { throw ExitCode(130) }
        if !outcome.failed.isEmpty { throw ExitCode(1) }
    }

    /// `run fid`: the pipeline is FIDRun's; this parses and reports.
    func runFID() throws {
        let source = weights.map(ModelSource.folder) ?? model.map(ModelSource.preset)
        guard let reference, (images == nil) != (source == nil) else {
            FileStandardError.write("janus-eval run fid: give --reference DIR|FILE.npz and either --images DIR (images made elsewhere) or --model NAME / --weights DIR (images drawn here)\n")
            throw ExitCode(2)
        }
        if shard != nil || shardCount != nil || !answers.isEmpty || detections != nil || imagesRoot != nil || parser != nil {
            FileStandardError.write("janus-eval run fid: --shard, --answers, --detections, --images-root and --parser do not apply (FID is measured over the whole image set in one process)\n")
            throw ExitCode(2)
        }
        guard let mode = FIDPreprocessing(rawValue: fidMode) else {
            FileStandardError.write("janus-eval run fid: --fid-mode is pytorch-fid or clean, not \(fidMode)\n")
            throw ExitCode(2)
        }
        var request = images.map { FIDRun.Request(images: $0, reference: reference) } ?? FIDRun.Request(model: source!, reference: reference)
        request.out = out; request.weights = inceptionWeights; request.mode = mode; request.dims = dims
        request.batchSize = max(1, batchSize); request.cacheRoot = noCache ? nil : FeatureCache.defaultRoot()
        request.data = data; request.samplesPerPrompt = samples; request.limit = limit; request.seed = seed; request.fresh = fresh
        request.cfgWeight = cfg; request.temperature = temperature; request.steps = steps; request.batchImages = batchImages
        request.buildOptions = ModelBuildOptions(precision: ActivationPrecision(rawValue: precision) ?? .f32,
                                                 template: template.map { $0 == "pro" ? .pro : .plain }, vaeFolder: vae)
        request.commandLine = CommandLine.arguments
        InceptionOptions.noteSlowBLASCore()
        let outcome: FIDRun.Outcome
        do {
            StopSignal.install()
            var lines: [String: FeatureProgressLine] = [:]
            outcome = try FIDRun.run(request) { label, p in
                lines[label, default: FeatureProgressLine(label: "fid \(label)")].update(p)
            }
        } catch let error as HarnessError {
            FileStandardError.write("janus-eval run: \(error)\n")
            throw ExitCode(error.exitCode)
        } catch {
            FileStandardError.write("janus-eval run: \(error)\n")
            throw ExitCode(1)
        }
        if outcome.interrupted {
            print("\(outcome.drawn + outcome.resumed) of \(outcome.images) image(s) drawn; stopped early — rerun the same command to continue\nfolder: \(outcome.folder)")
            throw ExitCode(130)
        }
        for warning in outcome.warnings { FileStandardError.write("warning: \(warning)\n") }
        var text = "\(outcome.images) image(s)" + (source == nil ? "" : " (\(outcome.drawn) drawn, \(outcome.resumed) from the journal)")
        text += " against \(outcome.referenceCount.map { "\($0) reference image(s)" } ?? "reference statistics")"
        text += "\n  fid: " + String(format: "%.4f", outcome.fid ?? .nan)
        if let kid = outcome.kid { text += "\n  kid: " + String(format: "%.6f ± %.6f", kid.mean, kid.std) }
        text += "\nreport: \(outcome.htmlPath)\njson:   \(outcome.reportPath)"
        print(text)
    }

    static func summary(_ o: Runner.Outcome) -> String {
        var lines = ["\(o.scored) of \(o.items) item(s) scored" + (o.resumedItems > 0 ? " (\(o.resumedItems) from the journal)" : "")
                     + (o.interrupted ? "; stopped early — rerun the same command to continue" : "")]
        for (id, value) in o.metrics.entries.prefix(12) {
            if case .object(let m) = value, case .double(let v)? = m["value"] {
                var line = "  \(id): " + String(format: "%.4f", v)
                if case .array(let ci)? = m["ci95"], ci.count == 2, case .double(let lo) = ci[0], case .double(let hi) = ci[1] {
                    line += String(format: "  [%.4f, %.4f]", lo, hi)
                }
                lines.append(line)
            }
        }
        if o.metrics.count > 12 { lines.append("  … \(o.metrics.count - 12) more in report.json") }
        if let c = o.prefixCache, let capacity = c.capacityBytes, c.questionsReused + c.questionsRecomputed > 0 {
            lines.append(String(format: "prefix cache: %d prefixes computed (%d images encoded), %d hits; %d questions from a shared prefix; peak %.2f of %.2f GiB",
                                c.misses, c.imagesEncoded, c.hits, c.questionsReused, Double(c.peakBytes) / Double(1 << 30),
                                Double(capacity) / Double(1 << 30)))
        }
        for (id, reason) in o.failed.prefix(10) { lines.append("failed \(id): \(reason)") }
        if o.failed.count > 10 { lines.append("… \(o.failed.count - 10) more failed items in report.json") }
        lines.append("report: \(o.htmlPath)")
        lines.append("json:   \(o.reportPath)")
        return lines.joined(separator: "\n")
    }
}
