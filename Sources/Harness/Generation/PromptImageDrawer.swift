import Foundation
import Formats
import Models

/// One prompt's images drawn by a `TextToImage` model into GenEval's layout under `imageFolder`
/// (`<NNNNN>/metadata.jsonl`, `<NNNNN>/samples/<k:05>.png`): the one generation step that GenEval runs
/// (`TextToImageOutputs`) and FID of a model's generations (`FIDRun`) share. The generation's seed comes from the run
/// seed and the prompt's index only (`TextToImageOutputs.promptSeed`), so an image never depends on shards, resume
/// points or thread counts. Flow models read a prompt's initial latents from `initNoiseDir/<NNNNN>.npy` when given,
/// and `saveNoise` writes the latents used to `noiseFolder/<NNNNN>.npy`.
public struct PromptImageDrawer {
    public let model: any TextToImage
    public var seed: UInt64
    public var cfgWeight: Float
    public var temperature: Float
    public var steps: Int?
    public var initNoiseDir: String?
    public var saveNoise = false
    public var imageFolder: String
    public var noiseFolder: String
    /// Told (step, steps, prompts) after each token or flow step of a generation batch, for progress.
    public var onStep: ((Int, Int, Int) -> Void)?

    public init(model: any TextToImage, seed: UInt64, cfgWeight: Float, temperature: Float, steps: Int? = nil,
                initNoiseDir: String? = nil, saveNoise: Bool = false, imageFolder: String, noiseFolder: String = "") {
        self.model = model; self.seed = seed; self.cfgWeight = cfgWeight; self.temperature = temperature; self.steps = steps
        self.initNoiseDir = initNoiseDir; self.saveNoise = saveNoise; self.imageFolder = imageFolder; self.noiseFolder = noiseFolder
    }

    /// The relative path of a prompt's sample k (`<NNNNN>/samples/<k:05>.png`).
    public static func imagePath(group: String, sample: Int) -> String { group + "/samples/" + String(format: "%05d.png", sample) }

    /// One prompt to draw: its text, how many images, its folder (`group`), its index (the seed) and the metadata
    /// line written beside its images.
    public struct Job: Sendable {
        public var prompt: String
        public var samples: Int
        public var group: String
        public var index: Int
        public var metadataLine: String?

        public init(prompt: String, samples: Int, group: String, index: Int, metadataLine: String?) {
            self.prompt = prompt; self.samples = samples; self.group = group; self.index = index; self.metadataLine = metadataLine
        }
    }

    /// Draws `samples` images of `prompt` (prompt `index`, folder `group`), writes `metadataLine` beside them and the
    /// images as PNG, and returns them.
    public func draw(prompt: String, samples: Int, group: String, index: Int, metadataLine: String?) throws -> [RGBImage] {
        try draw([Job(prompt: prompt, samples: samples, group: group, index: index, metadataLine: metadataLine)])[0].get()
    }

    /// Draws several prompts' images, as one generation batch when the model shares work between prompts
    /// (`TextToImage.generate(batch:)`): the images are those each prompt gives alone. Each prompt succeeds or fails
    /// on its own.
    public func draw(_ jobs: [Job]) -> [Result<[RGBImage], any Error>] {
        var results = [Result<[RGBImage], any Error>?](repeating: nil, count: jobs.count)
        var requests: [(job: Int, request: TextToImageRequest)] = []
        for (j, job) in jobs.enumerated() {
            do {
                var request = TextToImageRequest(prompt: job.prompt, images: job.samples, cfgWeight: cfgWeight, temperature: temperature,
                                                 seed: TextToImageOutputs.promptSeed(run: seed, prompt: job.index), steps: steps)
                if let initNoiseDir, let shape = model.noiseShape {
                    request.initialNoise = try NoiseFile.read(initNoiseDir + "/" + job.group + ".npy", images: job.samples, perImage: shape).noise
                }
                requests.append((j, request))
            } catch { results[j] = .failure(error) }
        }
        let count = requests.count
        let generated = model.generate(batch: requests.map(\.request), onStep: { done, total in onStep?(done, total, count) })
        for ((j, _), outcome) in zip(requests, generated) {
            results[j] = Result { try write(jobs[j], try outcome.get()) }
        }
        return results.map { $0! }
    }

    func write(_ job: Job, _ result: TextToImageResult) throws -> [RGBImage] {
        if saveNoise, let noise = result.initialNoise {
            try FileManager.default.createDirectory(atPath: noiseFolder, withIntermediateDirectories: true)
            try NoiseFile.write(noise, to: noiseFolder + "/" + job.group + ".npy")
        }
        let folder = imageFolder + "/" + job.group
        try FileOutput.makeFolder(folder + "/samples")
        if let metadataLine = job.metadataLine {
            try FileOutput.write(metadataLine, to: folder + "/metadata.jsonl")
        }
        for (k, image) in result.images.enumerated() {
            try PNGCodec.write(image, to: imageFolder + "/" + Self.imagePath(group: job.group, sample: k))
        }
        return result.images
    }
}
