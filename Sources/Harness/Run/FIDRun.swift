import Foundation
import Formats
import Models
import Scorers
import Suites
import Tensors

/// `janus-eval run fid`: Inception features of a set of images — a folder made elsewhere (`--images DIR`; a GenEval
/// run folder or its nested `<NNNNN>/samples/` layout is found), or images a model draws here (`--model NAME`, prompts
/// from `--data`, see `FIDGeneration`) — the reference's statistics (its images' features, or a pytorch-fid .npz),
/// FID and — when both sides have features — KID, written as a run folder: report.json (schema janus-eval.report/1;
/// metrics `fid` and `kid`, both lower-is-better, raw values, no per-item pairing so no ci95), run.json,
/// `features.npz` (the images' mu, sigma and features, reusable as a reference) and report.html (`FIDReportPage`).
/// Items are the images' paths relative to the image folder. A rerun into a folder holding another configuration
/// is refused (`fresh` starts over); a killed model run continues without drawing finished prompts again.
public enum FIDRun {
    public struct Request: Sendable {
        /// The images to score (exclusive with `model`).
        public var images: String?
        public var reference: String
        /// A model that draws the images here.
        public var model: ModelSource?
        public var buildOptions = ModelBuildOptions()
        /// The prompts: GenEval's evaluation_metadata.jsonl (nil: the bundled one) or a .txt file, one prompt a line.
        public var data: String?
        public var samplesPerPrompt: Int?
        public var limit: Int?
        public var seed: UInt64 = 0
        /// Guidance weight; nil takes the model's (Janus 5, JanusFlow 2).
        public var cfgWeight: Float?
        public var temperature: Float = 1
        public var steps: Int?
        /// Generation: images in flight across prompts (`--batch-images`; nil: chosen by memory).
        public var batchImages: Int?
        public var fresh = false
        public var out: String?
        public var reportsRoot = "reports"
        /// A weights file, or `demo` (`DemoInception`); nil: `InceptionWeights.locate`.
        public var weights: String?
        public var mode: FIDPreprocessing = .pytorchFID
        /// nil: 2048 (the demo network: its pool3 width).
        public var dims: Int?
        public var batchSize = 16
        public var cacheRoot: String? = FeatureCache.defaultRoot()
        public var kidSeed: UInt64 = 2020
        public var commandLine: [String] = []

        public init(images: String, reference: String) { self.images = images; self.reference = reference }
        public init(model: ModelSource, reference: String) { self.model = model; self.reference = reference }
    }

    public struct Outcome: Sendable {
        public var folder: String
        public var reportPath: String
        public var htmlPath: String
        /// nil when a model run was stopped before its images were all drawn.
        public var fid: Double?
        public var kid: KernelInceptionDistance.Result?
        public var images: Int
        public var referenceCount: Int?
        public var warnings: [String]
        /// Model runs: images drawn by this process, and found in the journal.
        public var drawn = 0
        public var resumed = 0
        public var interrupted = false
    }

    /// Images per prompt when a model draws them (GenEval's generation script draws four).
    public static let defaultSamplesPerPrompt = 4

    public static let ruleSetReference = [
        FIDPreprocessing.pytorchFID: "mseitzer/pytorch-fid 0.3.0 (b9c1811): InceptionV3 FID blocks, bilinear resize to 299 without antialias, 2x - 1, np.cov; Fréchet distance by the symmetric eigen route",
        .clean: "GaParmar/clean-fid e88c4d6 mode=clean: Pillow bicubic on float32 to 299, clip, (x - 128) / 128; the same FID Inception blocks",
    ]

    /// The Inception network: `demo` (made in memory), else a weights file found by `InceptionWeights.locate`.
    /// Returns the network, the digest recorded and keying the cache, and what to record as its source.
    public static func inception(weights: String?) throws -> (network: InceptionV3, digest: String, source: String) {
        if weights == DemoInception.name {
            let (network, digest) = try DemoInception.make()
            return (network, digest, DemoInception.description)
        }
        let file = try InceptionWeights.locate(explicit: weights)
        return (try InceptionV3(file: file), try FileDigestCache.sha256(file: file), file)
    }

    /// The folder of images `--images` names: a run folder's `images/`, else the folder itself.
    static func imageFolder(_ path: String) -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path + "/run.json"), fm.fileExists(atPath: path + "/images", isDirectory: &isDirectory), isDirectory.boolValue {
            return path + "/images"
        }
        return path
    }

    /// What names the reference's content: a statistics file's SHA-256, or for a folder the SHA-256 of its images'
    /// listing (each image's relative path and SHA-256, as `mode` lists them).
    static func referenceDigest(_ path: String, isFolder: Bool, mode: FIDPreprocessing) throws -> String {
        guard isFolder else { return try SHA256.hexDigest(file: path) }
        return SHA256.hexDigest(try listImages(path, mode: mode).map { $0 + " " + (try SHA256.hexDigest(file: path + "/" + $0)) }.joined(separator: "\n"))
    }

    /// The images of a folder as `mode`'s reference tool lists them, or — when it has none at the top level —
    /// GenEval's nested layout (`<NNNNN>/samples/<k>.png`).
    static func listImages(_ folder: String, mode: FIDPreprocessing) throws -> [String] {
        do { return try ImageFolderListing.images(in: folder, mode: mode) } catch let error as InceptionError {
            if let nested = ImageFolderListing.genEvalLayout(in: folder), !nested.isEmpty { return nested }
            throw error
        }
    }

    public static func run(_ request: Request, progress: (String, InceptionFeatureExtractor.Progress) -> Void = { _, _ in },
                           shouldStop: () -> Bool = { StopSignal.isRequested }) throws -> Outcome {
        let start = Date()
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard (request.images == nil) != (request.model == nil) else {
            throw HarnessError.usage("run fid takes --images DIR (images made elsewhere) or --model NAME / --weights DIR (images drawn here), not both")
        }
        if let images = request.images {
            guard fm.fileExists(atPath: images, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw HarnessError.usage("run fid --images \(images): no such folder")
            }
        }
        guard fm.fileExists(atPath: request.reference, isDirectory: &isDirectory) else {
            throw HarnessError.usage("run fid --reference \(request.reference): no such folder or .npz file")
        }
        let referenceIsFolder = isDirectory.boolValue
        // The scorer first: missing weights are reported before any image is drawn.
        let inception = try inception(weights: request.weights)
        let dims = request.dims ?? (request.weights == DemoInception.name ? inception.network.blockWidths[3] : 2048)
        let extractor = InceptionFeatureExtractor(network: inception.network, weightsDigest: inception.digest, mode: request.mode,
                                                  block: try inception.network.block(forDims: dims), batchSize: request.batchSize,
                                                  cacheRoot: request.cacheRoot)

        var harness = JSONObject([("version", .string(HarnessVersion.string))])
        harness["commit"] = HarnessVersion.commit.map(JSONValue.string) ?? .null
        let ruleSet = JSONObject([
            ("id", .string("fid-\(request.mode.rawValue)-1")), ("reference", .string(ruleSetReference[request.mode]!)),
            ("settings", .object(JSONObject([("dims", .int(Int64(dims))), ("fid_mode", .string(request.mode.rawValue)),
                                             ("covariance", .string("unbiased (n - 1), float64")),
                                             ("kid", .object(JSONObject([("subsets", .int(100)), ("subset_size", .string("min(1000, n1, n2)")),
                                                                         ("seed", .int(Int64(request.kidSeed))), ("kernel", .string("(x·y/d + 1)^3"))])))])))])
        var data = JSONObject([("reference", .string(request.reference)), ("reference_kind", .string(referenceIsFolder ? "images" : "statistics")),
                               ("reference_sha256", .string(try referenceDigest(request.reference, isFolder: referenceIsFolder, mode: request.mode)))])
        var source: JSONObject
        var settings = JSONObject()
        var generation: FIDGeneration?
        var sourceName: String
        var imageFolder: String
        var ids: [String]
        var loadSeconds = 0.0
        var batch: GenerationBatchSize?
        let inceptionJSON: JSONValue = .object(JSONObject([("weights", .string(request.weights == DemoInception.name ? "demo" : "file")),
                                                            ("sha256", .string(inception.digest))]))
        if let model = request.model {
            let (prompts, kind, path) = try FIDGeneration.prompts(data: request.data)
            let limited = request.limit.map { Array(prompts.prefix($0)) } ?? prompts
            let samples = request.samplesPerPrompt ?? defaultSamplesPerPrompt
            let (modelFolder, presetTemplate) = try model.resolve()
            var build = request.buildOptions
            if build.template == nil { build.template = presetTemplate }
            let description = try RunPlan.describe(model: model, folder: modelFolder, options: build)
            let loadStart = Date()
            let t2i = try ModelFactory.textToImage(folder: modelFolder, options: build)
            loadSeconds = Date().timeIntervalSince(loadStart)
            let cfg = request.cfgWeight ?? t2i.defaultCFGWeight
            settings = JSONObject([("cfg", .double(Double(cfg))), ("temperature", .double(Double(request.temperature))),
                                   ("precision", .string(t2i.precision.rawValue)), ("template", .string(t2i.template.userRole)),
                                   ("samples_per_prompt", .int(Int64(samples)))])
            if t2i.defaultSteps != nil {
                settings["steps"] = .int(Int64(request.steps ?? t2i.defaultSteps ?? 0))
                settings["noise_generator"] = .string(NoiseFile.generatorDescription)
            } else if request.steps != nil {
                throw HarnessError.usage("--steps applies to flow models (janusflow-1.3b, demo-janusflow)")
            }
            data["prompts"] = .string(path); data["prompts_kind"] = .string(kind); data["prompts_sha256"] = .string(try SHA256.hexDigest(file: path))
            source = description.json
            source["inception"] = inceptionJSON
            sourceName = description.name
            generation = FIDGeneration(prompts: limited, samples: samples,
                                       drawer: PromptImageDrawer(model: t2i, seed: request.seed, cfgWeight: cfg, temperature: request.temperature,
                                                                 steps: request.steps, imageFolder: ""))
            ids = generation!.ids
            imageFolder = ""
            batch = try GenerationBatchSize.choose(requested: request.batchImages, samples: samples, model: t2i)
            generation!.promptsInFlight = batch!.prompts
        } else {
            imageFolder = Self.imageFolder(request.images!)
            ids = try listImages(imageFolder, mode: request.mode)
            source = JSONObject([("kind", .string("images")), ("folder", .string(request.images!)), ("inception", inceptionJSON)])
            let url = URL(fileURLWithPath: imageFolder).standardizedFileURL
            // A run folder's images/ is named by its run folder.
            sourceName = url.lastPathComponent == "images" ? url.deletingLastPathComponent().lastPathComponent : url.lastPathComponent
        }
        let configuration = RunConfiguration(json: JSONObject([
            ("schema", .string("janus-eval.run/1")), ("harness", .object(harness)), ("suite", .string("fid")),
            ("rule_set", .object(ruleSet)), ("data", .object(data)), ("source", .object(source)),
            ("seed", .int(Int64(request.model == nil ? request.kidSeed : request.seed))), ("settings", .object(settings)),
            ("limit", request.limit.map { .int(Int64($0)) } ?? .null),
            ("items", .object(JSONObject([("count", .int(Int64(ids.count))), ("sha256", .string(SHA256.hexDigest(ids.joined(separator: "\n"))))]))),
        ]))
        let safe = String(sourceName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        let folder = request.out ?? request.reportsRoot + "/fid-" + safe + "-" + configuration.digest.prefix(8)
        let runFile = folder + "/run.json", journalFile = folder + "/items.jsonl"
        if fm.fileExists(atPath: runFile) && !request.fresh {
            let recorded = try Runner.readRunFile(runFile).configuration
            let differences = recorded.differences(from: configuration)
            guard differences.isEmpty else { throw HarnessError.configurationDiffers(folder: folder, differences: differences) }
        }
        do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw HarnessError.output(path: folder, reason: "cannot create the run folder (\(error.localizedDescription))")
        }
        if request.fresh {
            for name in ["items.jsonl", "report.json", "report.html", "run.json", "features.npz"] { try? fm.removeItem(atPath: folder + "/" + name) }
        }
        var environment = JSONObject([("command", .array(request.commandLine.map { .string($0) })),
                                      ("host", .string(ProcessInfo.processInfo.hostName)), ("cpu", .string(MachineInfo.cpuModel)),
                                      ("threads", .int(Int64(Parallel.threadCount))), ("openblas_core", .string(MachineInfo.openBLASCore)),
                                      ("inception_weights", .string(inception.source)),
                                      ("feature_cache", request.cacheRoot.map { .string($0) } ?? .null)])
        if let batch {
            environment["batch_prompts"] = .int(Int64(batch.prompts)); environment["batch_reason"] = .string(batch.reason)
        }
        var run = JSONObject([("configuration", .object(configuration.json)), ("config_digest", .string(configuration.digest)),
                              ("shard", .string(ShardSpec.whole.description)), ("environment", .object(environment))])
        try writeJSON(run, to: runFile)

        var drawn = 0, resumed = 0, generationSeconds = 0.0
        if var generation {
            imageFolder = folder + "/images"
            generation.drawer.imageFolder = imageFolder
            let journal = try RunJournal(path: journalFile)
            let outcome = try generation.run(journal: journal, progress: { done, total, fromJournal, elapsed in
                let rate = Double(done - fromJournal) / max(elapsed, 1e-9)
                progress("generate", InceptionFeatureExtractor.Progress(done: done, total: total, fromCache: fromJournal, elapsed: elapsed,
                                                                        imagesPerSecond: rate, etaSeconds: rate > 0 ? Double(total - done) / rate : 0))
            }, shouldStop: shouldStop)
            drawn = outcome.drawn; resumed = outcome.resumed; generationSeconds = outcome.seconds
            if outcome.interrupted {
                return Outcome(folder: folder, reportPath: folder + "/report.json", htmlPath: folder + "/report.html", fid: nil, kid: nil,
                               images: ids.count, referenceCount: nil, warnings: [], drawn: drawn, resumed: resumed, interrupted: true)
            }
        }

        let generated = try extractor.features(files: ids.map { imageFolder + "/" + $0 }, ids: ids) { progress("images", $0) }
        let generatedStats = try generated.statistics()
        var referenceStats: GaussianStatistics, referenceFeatures: [Double]?, referenceCount: Int?
        var referenceSet: InceptionFeatureExtractor.FeatureSet?
        if referenceIsFolder {
            let set = try extractor.features(files: try listImages(request.reference, mode: request.mode).map { request.reference + "/" + $0 }) {
                progress("reference", $0)
            }
            referenceStats = try set.statistics()
            referenceFeatures = set.features.flatMap { $0.map(Double.init) }
            referenceCount = set.features.count
            referenceSet = set
        } else {
            let file = try StatisticsFile(path: request.reference)
            referenceStats = file.statistics; referenceFeatures = file.features; referenceCount = file.statistics.sampleCount
        }
        guard referenceStats.dimension == dims else {
            throw HarnessError.usage("run fid: \(request.reference) holds \(referenceStats.dimension)-d statistics but --dims is \(dims)")
        }
        let fid = try FrechetDistance.compute(generatedStats, referenceStats)
        var kid: KernelInceptionDistance.Result?
        if let referenceFeatures, generated.features.count >= 2, referenceFeatures.count >= 2 * dims {
            kid = try KernelInceptionDistance.compute(first: generated.features.flatMap { $0.map(Double.init) }, second: referenceFeatures,
                                                      dimension: dims, seed: request.kidSeed)
        }

        try StatisticsFile.write(generatedStats, features: generated.features, to: folder + "/features.npz")
        var metrics = JSONObject()
        metrics["fid"] = .object(JSONObject([("value", .double(fid.value)), ("ci95", .null), ("n", .int(Int64(ids.count))),
                                             ("higher_is_better", .bool(false))]))
        if let kid {
            metrics["kid"] = .object(JSONObject([("value", .double(kid.mean)), ("std", .double(kid.std)), ("ci95", .null),
                                                 ("n", .int(Int64(ids.count))), ("higher_is_better", .bool(false)),
                                                 ("subsets", .int(Int64(kid.subsets))), ("subset_size", .int(Int64(kid.subsetSize)))]))
        }
        var timings = JSONObject([("start", .string(ISO8601DateFormatter().string(from: start))),
                                  ("end", .string(ISO8601DateFormatter().string(from: Date()))),
                                  ("images_s", .double(generated.seconds)), ("features_from_cache", .int(Int64(generated.fromCache)))])
        if request.model != nil {
            timings["load_s"] = .double(loadSeconds); timings["generation_s"] = .double(generationSeconds)
            timings["images_drawn_this_process"] = .int(Int64(drawn)); timings["images_from_journal"] = .int(Int64(resumed))
        }
        var warnings: [String] = []
        for w in fid.warnings where !warnings.contains(w) { warnings.append(w) }   // both sides may warn alike
        if request.weights == DemoInception.name {
            warnings.insert("the demo Inception network (seeded random weights, made in memory) measured these numbers: they are meaningless", at: 0)
        }
        let items: [JSONValue] = ids.enumerated().map { i, id in
            .object(JSONObject([("position", .int(Int64(i))), ("id", .string(id)), ("group", .string(id)), ("correct", .null),
                                ("reason", .string(request.model == nil ? "features computed" : "generated; features computed")),
                                ("fields", .object(JSONObject()))]))
        }
        run["timings"] = .object(timings)
        var summary = JSONObject([("items", .int(Int64(ids.count))), ("scored", .int(Int64(ids.count))), ("failed", .int(0)), ("correct", .int(0))])
        summary["reference_count"] = referenceCount.map { .int(Int64($0)) } ?? .null
        summary["warnings"] = .array(warnings.map { .string($0) })
        if fid.usedEpsilon { summary["eps_fallback"] = .bool(true) }
        let report = JSONObject([("schema", .string(RunReport.schema)), ("run", .object(run)), ("summary", .object(summary)),
                                 ("metrics", .object(metrics)), ("items", .array(items))])
        let reportPath = folder + "/report.json", htmlPath = folder + "/report.html"
        try writeJSON(report, to: reportPath)
        try writeJSON(run, to: runFile)
        let page = FIDReportPage(report: report, generated: generated, generatedStatistics: generatedStats, reference: referenceSet,
                                 referenceStatistics: referenceStats, imageFolder: imageFolder, fid: fid, kid: kid, warnings: warnings)
        try FileOutput.write(page.html(), to: htmlPath)
        return Outcome(folder: folder, reportPath: reportPath, htmlPath: htmlPath, fid: fid.value, kid: kid, images: ids.count,
                       referenceCount: referenceCount, warnings: warnings, drawn: drawn, resumed: resumed)
    }

    static func writeJSON(_ value: JSONObject, to path: String) throws {
        do { try Data((JSONWriter(style: .indented).string(.object(value)) + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw HarnessError.output(path: path, reason: "cannot write (\(error.localizedDescription))")
        }
    }
}
