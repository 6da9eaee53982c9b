import Foundation
import Formats
import Models
import Tensors

/// `janus-eval generate`: one prompt through a `TextToImage` model, written as `img_<i>.png` plus generation.json
/// (the prompt's token ids, every setting, the image tokens and where the time went). The output folder is
/// created and checked before any token step runs, so a bad `--out` costs nothing.
/// Flow models (JanusFlow) also record their steps and initial noise: `saveNoise` writes the latents the images
/// started from as `noise.npy`; `initNoise` starts from a given `.npy` instead (its path is recorded).
public struct GenerationRun {
    public var request: TextToImageRequest
    public var outputFolder: String
    /// Recorded as given (the model folder or preset).
    public var weights: String
    public var saveNoise = false
    public var initNoise: String?
    /// The VAE folder a flow model decodes with (recorded).
    public var vae: String?

    public init(request: TextToImageRequest, outputFolder: String, weights: String, saveNoise: Bool = false, initNoise: String? = nil,
                vae: String? = nil) {
        self.request = request; self.outputFolder = outputFolder; self.weights = weights
        self.saveNoise = saveNoise; self.initNoise = initNoise; self.vae = vae
    }

    public struct Summary: Sendable {
        public var imageFiles: [String]
        public var timings: TextToImageTimings
        public var loadSeconds: Double
    }

    /// Checks that the output folder can be written (creating it), so the work that follows is not thrown away.
    public func prepareOutput() throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: outputFolder, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw HarnessError.output(path: outputFolder, reason: "exists and is not a folder")
        }
        do { try fm.createDirectory(atPath: outputFolder, withIntermediateDirectories: true) } catch {
            throw HarnessError.output(path: outputFolder, reason: "cannot create the folder: \(FileProblem.writeReason(outputFolder, folder: true, error: error))")
        }
        guard fm.isWritableFile(atPath: outputFolder) else { throw HarnessError.output(path: outputFolder, reason: "not writable") }
    }

    public func run(model: any TextToImage, onStep: (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        try prepareOutput()
        var request = self.request
        let flow = model.defaultSteps != nil
        if !flow && (saveNoise || initNoise != nil || request.steps != nil) {
            throw HarnessError.usage("--steps, --save-noise and --init-noise apply to flow models (janusflow-1.3b); this model draws tokens")
        }
        var noiseDType: String?
        if let initNoise, let shape = model.noiseShape {
            let (noise, dtype) = try NoiseFile.read(initNoise, images: request.images, perImage: shape)
            request.initialNoise = noise
            noiseDType = dtype
        }
        let result = try model.generate(request, onStep: onStep)
        var files: [String] = []
        for (i, image) in result.images.enumerated() {
            let path = outputFolder + "/img_\(i).png"
            try PNGCodec.write(image, to: path)
            files.append(path)
        }
        let t = result.timings
        var settings = JSONObject([
            ("seed", Int64(exactly: request.seed).map(JSONValue.int) ?? .string(String(request.seed))), ("cfg", .double(Double(request.cfgWeight))),
            ("temperature", .double(Double(request.temperature))), ("parallel", .int(Int64(request.images))),
            ("greedy", .bool(request.greedy)), ("threads", .int(Int64(Parallel.threadCount))),
            ("precision", .string(model.precision.rawValue)), ("template", .string(model.template.userRole)),
            ("weights", .string(weights))])
        var noise: JSONValue = .null
        if flow {
            settings["steps"] = .int(Int64(request.steps ?? model.defaultSteps ?? 0))
            settings["vae"] = vae.map(JSONValue.string) ?? .null
            var n = JSONObject([("shape", .array(((result.initialNoise?.shape) ?? []).map { .int(Int64($0)) }))])
            if let initNoise {
                n["source"] = .string("file"); n["init_noise"] = .string(initNoise); n["dtype"] = .string(noiseDType ?? "float32")
            } else {
                n["source"] = .string("generator"); n["generator"] = .string(NoiseFile.generatorDescription)
                n["image_seeds"] = .array((0..<request.images).map { i in Int64(exactly: request.imageSeed(i)).map(JSONValue.int) ?? .string(String(request.imageSeed(i))) })
            }
            if saveNoise, let initial = result.initialNoise {
                try NoiseFile.write(initial, to: outputFolder + "/noise.npy")
                n["file"] = .string("noise.npy")
            }
            noise = .object(n)
        }
        var report = JSONObject([
            ("prompt", .string(request.prompt)), ("prompt_ids", .array(result.promptIDs.map { .int(Int64($0)) })),
            ("settings", .object(settings)),
            ("tokens", .array(result.tokens.map { .array($0.map { .int(Int64($0)) }) })),
            ("timings", .object(flow ? JSONObject([
                ("load_s", .double(model.loadSeconds)), ("prefix_and_first_step_s", .double(t.promptAndFirstStep)),
                ("later_flow_steps_s", .double(t.laterSteps)), ("ms_per_step", .double(t.millisecondsPerStep)),
                ("vae_decode_s", .double(t.decode)),
                ("seconds_per_image", .double(t.total / Double(max(result.images.count, 1))))]) : JSONObject([
                ("load_s", .double(model.loadSeconds)), ("prefill_and_first_step_s", .double(t.promptAndFirstStep)),
                ("token_steps_s", .double(t.laterSteps)), ("ms_per_step", .double(t.millisecondsPerStep)),
                ("vq_decode_s", .double(t.decode)),
                ("seconds_per_image", .double(t.total / Double(max(result.images.count, 1))))]))),
        ])
        if flow { report["noise"] = noise }
        let path = outputFolder + "/generation.json"
        do {
            try Data((JSONWriter(style: .pythonDumps).string(.object(report)) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw HarnessError.output(path: path, reason: "cannot write: \(FileProblem.writeReason(path, error: error))")
        }
        return Summary(imageFiles: files, timings: t, loadSeconds: model.loadSeconds)
    }
}
