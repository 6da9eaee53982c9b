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

    public init(model: any TextToImage, seed: UInt64, cfgWeight: Float, temperature: Float, steps: Int? = nil,
                initNoiseDir: String? = nil, saveNoise: Bool = false, imageFolder: String, noiseFolder: String = "") {
        self.model = model; self.seed = seed; self.cfgWeight = cfgWeight; self.temperature = temperature; self.steps = steps
        self.initNoiseDir = initNoiseDir; self.saveNoise = saveNoise; self.imageFolder = imageFolder; self.noiseFolder = noiseFolder
    }

    /// The relative path of a prompt's sample k (`<NNNNN>/samples/<k:05>.png`).
    public static func imagePath(group: String, sample: Int) -> String { group + "/samples/" + String(format: "%05d.png", sample) }

    /// Draws `samples` images of `prompt` (prompt `index`, folder `group`), writes `metadataLine` beside them and the
    /// images as PNG, and returns them.
    public func draw(prompt: String, samples: Int, group: String, index: Int, metadataLine: String?) throws -> [RGBImage] {
        var request = TextToImageRequest(prompt: prompt, images: samples, cfgWeight: cfgWeight, temperature: temperature,
                                         seed: TextToImageOutputs.promptSeed(run: seed, prompt: index), steps: steps)
        if let initNoiseDir, let shape = model.noiseShape {
            request.initialNoise = try NoiseFile.read(initNoiseDir + "/" + group + ".npy", images: samples, perImage: shape).noise
        }
        let result = try model.generate(request, onStep: { _, _ in })
        if saveNoise, let noise = result.initialNoise {
            try FileManager.default.createDirectory(atPath: noiseFolder, withIntermediateDirectories: true)
            try NoiseFile.write(noise, to: noiseFolder + "/" + group + ".npy")
        }
        let folder = imageFolder + "/" + group
        try FileOutput.makeFolder(folder + "/samples")
        if let metadataLine {
            try FileOutput.write(metadataLine, to: folder + "/metadata.jsonl")
        }
        for (k, image) in result.images.enumerated() {
            try PNGCodec.write(image, to: imageFolder + "/" + Self.imagePath(group: group, sample: k))
        }
        return result.images
    }
}
