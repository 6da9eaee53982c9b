import Formats
import Foundation
import Tensors

/// JanusFlow text-to-image as demo/app_janusflow.py: the generation prompt in User/Assistant roles (its last tag
/// token dropped), P images from Gaussian latents by the rectified-flow Euler loop with guidance, then the SDXL-VAE
/// decoder on z / scaling_factor and the demo's uint8 pixels (clip to [−1, 1], (x+1)/2·255, truncated).
///
/// Noise: image i of a request starts from `TextToImageRequest.imageNoise(i)`: C·side·side standard normals from
/// numpy's `default_rng(imageSeed(i))` by Box–Muller, so an image depends only on the run seed and its index, never
/// on --parallel, the thread count or the batch; or from `request.initialNoise` when given.
public final class JanusFlowTextToImage: TextToImage, @unchecked Sendable {
    public let model: JanusFlowGenerationModel
    public let vae: AutoencoderKL
    public let tokenizer: BPETokenizer
    public let template: ChatTemplate
    public let loadSeconds: Double
    let padID: Int

    public var precision: ActivationPrecision { model.precision }
    public var imageSize: Int { model.sizes.imageSize }
    public var defaultCFGWeight: Float { 2 }
    public var defaultSteps: Int? { 30 }
    public var latentSide: Int { model.latentSide(vaeFactor: vae.downsampleFactor) }
    public var noiseShape: [Int]? { [model.sizes.latentChannels, latentSide, latentSide] }

    public init(folder: URL, vaeFolder: URL, template: ChatTemplate? = nil, precision: ActivationPrecision = .f32) throws {
        let start = Date()
        model = try JanusFlowGenerationModel(folder: folder, precision: precision)
        vae = try AutoencoderKL(folder: vaeFolder, precision: precision)
        (tokenizer, self.template) = try JanusTokenizer.load(folder: folder, template: template)
        padID = try tokenizer.requireID(of: ChatTemplate.pad)
        let file = folder.appendingPathComponent("config.json").path
        guard vae.config.latentChannels == model.sizes.latentChannels else {
            throw ModelError.invalidConfig(file: vaeFolder.appendingPathComponent("config.json").path,
                                           detail: "latent_channels is \(vae.config.latentChannels) but \(file) vision_gen_enc_config reads \(model.sizes.latentChannels) channels")
        }
        let side = model.latentSide(vaeFactor: vae.downsampleFactor)
        guard side * vae.downsampleFactor == model.sizes.imageSize, side % model.sizes.stride == 0,
              model.tokenGrid(latentSide: side) * 2 == side || model.sizes.upsamples != 1 else {
            throw ModelError.invalidConfig(file: file, detail: "image size \(model.sizes.imageSize) does not make whole latents for this VAE (factor \(vae.downsampleFactor)) and encoder (stride \(model.sizes.stride))")
        }
        loadSeconds = Date().timeIntervalSince(start)
    }

    /// The templated prompt as token ids: BOS, the SFT turns, `<begin_of_image>` last (dropped by the loop).
    public func promptIDs(_ prompt: String) -> [Int] { tokenizer.encode(template.generationPrompt(prompt), addBOS: true) }

    /// The initial latents of a request [P, C, side, side]: given, or drawn per image.
    public func initialNoise(for request: TextToImageRequest) throws -> Tensor {
        let shape = [request.images] + noiseShape!
        if let given = request.initialNoise {
            guard given.shape == shape else {
                throw ModelError.invalidConfig(file: "initial noise", detail: "shape \(given.shape), expected \(shape) ([--parallel, latent channels, side, side] for this model and VAE)")
            }
            return given.toF32()
        }
        let per = shape.dropFirst().reduce(1, *)
        return Tensor(shape: shape, floats: (0..<request.images).flatMap { request.imageNoise($0, count: per) })
    }

    public func generate(_ request: TextToImageRequest, onStep: (Int, Int) -> Void = { _, _ in }) throws -> TextToImageResult {
        let ids = promptIDs(request.prompt)
        let grid = model.tokenGrid(latentSide: latentSide)
        let limit = model.config.languageConfig.maxPositionEmbeddings
        guard ids.count + grid * grid <= limit else {
            throw ModelError.tooLong(promptTokens: ids.count, newTokens: grid * grid, limit: limit)
        }
        let steps = min(request.steps ?? 30, request.stepLimit ?? Int.max)
        let noise = try initialNoise(for: request)
        let start = Date()
        var firstStep: Date?
        let z = try model.sample(promptIDs: ids, padID: padID, initial: noise, cfgWeight: request.cfgWeight, steps: steps) { done, total in
            if firstStep == nil { firstStep = Date() }
            onStep(done, total)
        }
        let stepsEnd = Date()
        var images: [RGBImage] = []
        if request.stepLimit == nil || steps == (request.steps ?? 30) {
            images = AutoencoderKL.pixels(vae.decodeFlowLatents(z)).map { RGBImage(width: imageSize, height: imageSize, pixels: $0) }
        }
        let timings = TextToImageTimings(promptAndFirstStep: (firstStep ?? stepsEnd).timeIntervalSince(start),
                                         laterSteps: stepsEnd.timeIntervalSince(firstStep ?? stepsEnd), laterStepCount: max(steps - 1, 0),
                                         decode: Date().timeIntervalSince(stepsEnd))
        return TextToImageResult(images: images, promptIDs: ids, tokens: [], timings: timings, initialNoise: noise)
    }
}
