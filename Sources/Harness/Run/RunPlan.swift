import Foundation
import Formats
import Models
import Scorers
import Suites
import Tensors

/// Everything `janus-eval run` was asked, before anything is built.
public struct RunRequest: Sendable {
    public var suite: String
    public var data: String?
    /// POPE: the COCO image folder; GenEval: images generated elsewhere, in GenEval's layout.
    public var images: String?
    public var parser: String?
    public var model: ModelSource?
    public var buildOptions = ModelBuildOptions()
    public var answers: [String] = []
    public var detections: String?
    /// GenEval's scorer networks: the Mask2Former weights (mmdet's .pth or an HF folder) and the CLIP folder;
    /// `demo` names the bundled tiny random ones.
    public var detectorWeights: String?
    public var clipWeights: String?
    public var out: String?
    public var reportsRoot = "reports"
    public var limit: Int?
    public var seed: UInt64 = 0
    public var shard: ShardSpec = .whole
    public var fresh = false
    /// Guidance weight; nil takes the model's reference value (Janus 5, JanusFlow 2).
    public var cfgWeight: Float?
    public var temperature: Float = 1
    public var samplesPerPrompt: Int?
    /// Flow models (JanusFlow): Euler steps (nil: 30), initial noise per prompt (`<NNNNN>.npy`), save the noise used.
    public var steps: Int?
    public var initNoiseDir: String?
    public var saveNoise = false
    /// Generation: images in flight across prompts (`--batch-images`; nil: chosen by memory, `GenerationBatchSize`).
    public var batchImages: Int?
    /// How understanding suites share the prompt prefix of an image's questions (default: reuse with a 2 GiB cache,
    /// one decode row at a time — answers bit-identical to computing each prompt alone).
    public var prefixReuse = PrefixReuse.standard
    /// Recorded under run.environment (never in the configuration).
    public var commandLine: [String] = []

    public init(suite: String) { self.suite = suite }
}

/// Builds the suite, the output source and the runner for a request, refusing combinations that cannot be scored
/// with a sentence saying what to give instead.
public enum RunPlan {
    public static func make(_ request: RunRequest) throws -> Runner {
        let suiteID = request.suite.lowercased()
        if suiteID == "fid" {
            throw HarnessError.usage("run fid takes --images DIR and --reference DIR|FILE.npz (FIDRun), not a model or answers")
        }
        let entry = try SuiteRegistry.entry(suiteID)
        let isGeneration = entry.type == GenEvalSuite.self
        var options = SuiteOptions(data: request.data, images: isGeneration ? nil : request.images, parser: request.parser,
                                   samplesPerPrompt: request.samplesPerPrompt)
        if isGeneration, request.parser != nil { throw HarnessError.usage("--parser applies to pope (official, vlmevalkit, exact)") }
        if !isGeneration, request.detections != nil { throw HarnessError.usage("--detections applies to geneval") }
        if !isGeneration, request.detectorWeights != nil || request.clipWeights != nil {
            throw HarnessError.usage("--detector-weights and --clip-weights apply to geneval")
        }
        if request.parser != nil && suiteID != "pope" { throw HarnessError.usage("--parser applies to pope only") }
        let given = [request.model != nil, !request.answers.isEmpty, isGeneration && request.images != nil].filter { $0 }.count
        guard given <= 1 else { throw HarnessError.usage("give one of --model/--weights, --answers or --images") }
        if isGeneration && options.data == nil { options.data = nil }   // the bundled 553-prompt metadata
        var suite = try entry.make(options)

        var settings = JSONObject()
        var environment = JSONObject([("command", .array(request.commandLine.map { .string($0) })),
                                      ("host", .string(ProcessInfo.processInfo.hostName)), ("cpu", .string(MachineInfo.cpuModel)),
                                      ("threads", .int(Int64(Parallel.threadCount))), ("openblas_core", .string(MachineInfo.openBLASCore)),
                                      ("simd_level", .string(KernelDispatch.levelName)),
                                      ("kernels", .string(KernelDispatch.kernelSummary))])
        let source: any ItemOutputSource
        var loadSeconds = 0.0
        // GenEval's scorers, found and loaded before any generation starts (a missing one says how to get it): the
        // detector unless --detections is given; CLIP whenever the images are there and our detector runs, else
        // only when --clip-weights (or its environment variable) asks for it.
        var detector: DetectorOutputs?
        if isGeneration {
            let hasImages = request.model != nil || request.images != nil
            if request.detections == nil && request.detectorWeights != nil && !hasImages {
                throw HarnessError.usage("--detector-weights needs images: --model NAME or --images DIR")
            }
            if request.detections != nil && request.detectorWeights != nil {
                throw HarnessError.usage("give --detections (detections made elsewhere) or --detector-weights (run the detector here), not both")
            }
            if !hasImages && request.clipWeights != nil {
                throw HarnessError.usage("--clip-weights needs the images (--images DIR, or --model NAME): CLIP reads colours from pixels")
            }
            let start = Date()
            var scorers = JSONObject(), paths = JSONObject()
            if hasImages && request.detections == nil {
                let found = try GenEvalScorers.detector(option: request.detectorWeights)
                detector = DetectorOutputs(detector: found.detector, weights: found.record, classNames: found.classNames)
                scorers["detector"] = .object(found.record); paths["detector"] = .string(found.path)
            }
            if hasImages, let clip = try GenEvalScorers.clip(option: request.clipWeights, required: request.detections == nil),
               var geneval = suite as? GenEvalSuite {
                geneval.imageColors = CLIPColorClassifier(model: clip.model)
                geneval.clipScore = CLIPScore(model: clip.model)
                suite = geneval
                scorers["clip"] = .object(clip.record); paths["clip"] = .string(clip.path)
            }
            if !scorers.entries.isEmpty {
                settings["scorers"] = .object(scorers)
                environment["scorer_weights"] = .object(paths)
            }
            loadSeconds += Date().timeIntervalSince(start)
        }
        if let model = request.model {
            let (folder, presetTemplate) = try model.resolve()
            var build = request.buildOptions
            if build.template == nil { build.template = presetTemplate }
            let description = try describe(model: model, folder: folder, options: build)
            let start = Date()
            if isGeneration {
                let detections: any DetectionProvider = try detector ?? DetectionFileOutputs(file: request.detections!)
                let t2i = try ModelFactory.textToImage(folder: folder, options: build)
                loadSeconds += Date().timeIntervalSince(start)
                let cfg = request.cfgWeight ?? t2i.defaultCFGWeight
                let scorers = settings["scorers"]
                settings = JSONObject([("cfg", .double(Double(cfg))), ("temperature", .double(Double(request.temperature))),
                                       ("precision", .string(t2i.precision.rawValue)), ("template", .string(t2i.template.userRole))])
                if let scorers { settings["scorers"] = scorers }
                let flow = t2i.defaultSteps != nil
                if flow {
                    settings["steps"] = .int(Int64(request.steps ?? t2i.defaultSteps ?? 0))
                    settings["init_noise_dir"] = request.initNoiseDir.map(JSONValue.string) ?? .null
                    settings["noise_generator"] = .string(NoiseFile.generatorDescription)
                } else if request.steps != nil || request.initNoiseDir != nil || request.saveNoise {
                    throw HarnessError.usage("--steps, --init-noise-dir and --save-noise apply to flow models (janusflow-1.3b, demo-janusflow)")
                }
                let geneval = suite as! GenEvalSuite
                let outputs = TextToImageOutputs(model: t2i, name: description.name, configuration: description.json,
                                                 imageFolder: "", detections: detections,
                                                 seed: request.seed, cfgWeight: cfg, temperature: request.temperature,
                                                 metadata: { geneval.prompts.indices.contains($0) ? geneval.prompts[$0].jsonLine : nil })
                outputs.steps = request.steps; outputs.initNoiseDir = request.initNoiseDir; outputs.saveNoise = request.saveNoise
                let batch = try GenerationBatchSize.choose(requested: request.batchImages, samples: geneval.samples, model: t2i)
                outputs.promptsInFlight = batch.prompts
                environment["batch_prompts"] = .int(Int64(batch.prompts))
                environment["batch_reason"] = .string(batch.reason)
                source = outputs
            } else {
                let qa = try ModelFactory.visualQA(folder: folder, options: build)
                loadSeconds = Date().timeIntervalSince(start)
                qa.prefixReuse = request.prefixReuse
                settings = JSONObject([("precision", .string(qa.precision.rawValue)), ("template", .string(qa.template.userRole)),
                                       ("decoding", .string("greedy"))])
                // Several decode rows per step sum in another order (logits equal to f32 rounding): recorded, so runs
                // made that way are not mixed with bit-exact ones. Reuse itself changes no bit and is environment.
                if request.prefixReuse.enabled && request.prefixReuse.decodeRows > 1 {
                    settings["decode_rows"] = .int(Int64(request.prefixReuse.decodeRows))
                }
                environment["prefix_cache"] = request.prefixReuse.enabled
                    ? .object(JSONObject([("capacity_bytes", .int(Int64(request.prefixReuse.cacheBytes)))])) : .string("off")
                source = VisualQAOutputs(model: qa, name: description.name, configuration: description.json)
            }
        } else if !request.answers.isEmpty {
            source = try AnswerFileOutputs(files: request.answers, suite: suite)
        } else if isGeneration, let images = request.images {
            source = ImageFolderOutputs(folder: images, detections: try detector ?? DetectionFileOutputs(file: request.detections!))
        } else if isGeneration, let detections = request.detections {
            source = try DetectionFileOutputs(file: detections)
        } else {
            throw HarnessError.usage("give --model NAME or --weights DIR (run the model here), or --answers FILE.jsonl (answers made elsewhere)"
                                     + (isGeneration ? ", or --images DIR / --detections FILE.jsonl" : ""))
        }
        environment["random_weights"] = .bool(request.model.map(isRandom) ?? false)

        let probe = Runner(suite: suite, options: options, source: source, folder: "", shard: request.shard, limit: request.limit,
                           seed: request.seed, settings: settings, environment: environment, fresh: request.fresh)
        let folder = try request.out ?? Runner.defaultFolder(root: request.reportsRoot, suite: suiteID, source: source.name,
                                                             configuration: probe.configuration(), shard: request.shard)
        let runner = Runner(suite: suite, options: options, source: source, folder: folder, shard: request.shard, limit: request.limit,
                        seed: request.seed, settings: settings, environment: environment, fresh: request.fresh)
        runner.loadSeconds = loadSeconds
        if let t2i = source as? TextToImageOutputs { t2i.imageFolder = folder + "/images"; t2i.noiseFolder = folder + "/noise" }
        detector?.file = folder + "/detections.jsonl"
        detector?.fresh = request.fresh
        return runner
    }

    static func isRandom(_ source: ModelSource) -> Bool {
        if case .preset(let name) = source, let preset = try? ModelRegistry.preset(named: name) { return preset.hasRandomWeights }
        return false
    }

    /// The model as the configuration records it: name, family, precision, template, config and weight digests.
    static func describe(model: ModelSource, folder: URL, options: ModelBuildOptions) throws -> (name: String, json: JSONObject) {
        let name: String
        switch model {
        case .preset(let p): name = (try? ModelRegistry.preset(named: p).name) ?? p
        case .folder(let path): name = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
        }
        let family = try ModelFactory.family(of: folder).id
        let config = folder.appendingPathComponent("config.json").path
        var weights: [JSONValue] = []
        for file in try CheckpointFiles.weightFiles(folder: folder.path) {
            let path = folder.path + "/" + file
            let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
            weights.append(.object(JSONObject([("file", .string(file)), ("bytes", .int(size)),
                                               ("sha256", .string(try FileDigestCache.sha256(file: path)))])))
        }
        var json = JSONObject([("kind", .string("model")), ("model", .string(name)), ("family", .string(family)),
                               ("precision", .string(options.precision.rawValue))])
        json["template"] = options.template.map { .string($0.userRole) } ?? .string("by tokenizer")
        json["random_weights"] = .bool(isRandom(model))
        json["config_sha256"] = .string(try SHA256.hexDigest(file: config))
        json["weights"] = .array(weights)
        return (name, json)
    }
}
