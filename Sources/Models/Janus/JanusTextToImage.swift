import Formats
import Foundation
import Tensors

/// Janus / Janus-Pro text-to-image as generation_inference.py runs it: the generation prompt in the model's chat
/// roles, classifier-free guidance over 2P rows, one sampling generator per image (`TextToImageRequest.imageSeed`),
/// then the VQ-16 decoder and uint8 pixels truncated as the reference does.
public final class JanusTextToImage: TextToImage, @unchecked Sendable {
    public let model: JanusGenerationModel
    public let tokenizer: BPETokenizer
    public let template: ChatTemplate
    public let loadSeconds: Double
    let padID: Int

    public var precision: ActivationPrecision { model.precision }
    public var imageSize: Int { model.imageSize }

    /// - Parameter template: nil chooses by the tokenizer: Pro roles when it has `<|User|>`, else User/Assistant.
    public init(folder: URL, template: ChatTemplate? = nil, precision: ActivationPrecision = .f32) throws {
        let start = Date()
        model = try JanusGenerationModel(folder: folder, precision: precision)
        (tokenizer, self.template) = try JanusTokenizer.load(folder: folder, template: template)
        padID = try tokenizer.requireID(of: ChatTemplate.pad)
        loadSeconds = Date().timeIntervalSince(start)
    }

    /// The templated prompt as token ids: BOS, the SFT turns, `<begin_of_image>` last.
    public func promptIDs(_ prompt: String) -> [Int] { tokenizer.encode(template.generationPrompt(prompt), addBOS: true) }

    public func generate(_ request: TextToImageRequest, onStep: (Int, Int) -> Void = { _, _ in }) throws -> TextToImageResult {
        let ids = promptIDs(request.prompt)
        let limit = model.config.languageConfig.maxPositionEmbeddings
        guard ids.count + model.tokensPerImage <= limit else {
            throw ModelError.tooLong(promptTokens: ids.count, newTokens: model.tokensPerImage, limit: limit)
        }
        let estimate = LlamaMemoryEstimate(config: model.config.languageConfig, batch: 2 * request.images,
                                           promptTokens: ids.count, capacity: ids.count + model.tokensPerImage,
                                           precision: model.language.precision)
        try MemoryBudget.check(estimate.totalBytes,
                               for: "generating \(request.images) images (\(2 * request.images) guidance rows; \(estimate.summary))")
        let sampling: JanusGenerationModel.Sampling = request.greedy ? .greedy
            : .sample(temperature: request.temperature, generators: (0..<request.images).map { NumpyRandom(seed: request.imageSeed($0)) })
        let start = Date()
        var firstStep: Date?
        let tokens = try model.generate(promptIDs: ids, padID: padID, images: request.images, cfgWeight: request.cfgWeight,
                                        sampling: sampling, stepLimit: request.stepLimit) { done, total in
            if firstStep == nil { firstStep = Date() }
            onStep(done, total)
        }
        let stepsEnd = Date()
        let prompt = (firstStep ?? stepsEnd).timeIntervalSince(start)
        var images: [RGBImage] = []
        if tokens.first?.count == model.tokensPerImage {
            let side = model.vq.gridSide(imageSize: model.imageSize)
            images = VQ16Decoder.pixels(model.vq.decode(tokens, side: side)).map {
                RGBImage(width: model.imageSize, height: model.imageSize, pixels: $0)
            }
        }
        let timings = TextToImageTimings(promptAndFirstStep: prompt, laterSteps: stepsEnd.timeIntervalSince(firstStep ?? stepsEnd),
                                         laterStepCount: max((tokens.first?.count ?? 1) - 1, 0),
                                         decode: Date().timeIntervalSince(stepsEnd))
        return TextToImageResult(images: images, promptIDs: ids, tokens: tokens, timings: timings)
    }
}
