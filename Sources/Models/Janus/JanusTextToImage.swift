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
        try generate(batch: [request], onStep: onStep)[0].get()
    }

    public var batchesPrompts: Bool { true }

    public func batchBytes(images: Int, promptTokens: Int) -> Int? {
        LlamaMemoryEstimate(config: model.config.languageConfig, batch: 2 * images, promptTokens: promptTokens,
                            capacity: promptTokens + model.tokensPerImage, precision: model.language.precision).kvCacheBytes
    }

    /// The requests' prompts decode as one guidance batch (`JanusGenerationModel.generate(batch:)`): images equal to
    /// generating each prompt alone. Timings: the prompt-and-first-step and step times are the batch's, shared by its
    /// requests; `decode` is each request's own VQ decode.
    public func generate(batch requests: [TextToImageRequest], onStep: (Int, Int) -> Void = { _, _ in }) -> [Result<TextToImageResult, any Error>] {
        var results = [Result<TextToImageResult, any Error>?](repeating: nil, count: requests.count)
        let limit = model.config.languageConfig.maxPositionEmbeddings
        var runnable: [(index: Int, ids: [Int])] = []
        for (i, request) in requests.enumerated() {
            let ids = promptIDs(request.prompt)
            if ids.count + model.tokensPerImage > limit {
                results[i] = .failure(ModelError.tooLong(promptTokens: ids.count, newTokens: model.tokensPerImage, limit: limit))
            } else if request.images < 1 {
                results[i] = .failure(ModelError.invalidConfig(file: "request", detail: "\(request.images) images asked; at least 1"))
            } else {
                runnable.append((i, ids))
            }
        }
        // One batch per guidance weight and step limit (a run uses one of each).
        var batches: [[(index: Int, ids: [Int])]] = []
        for job in runnable {
            let r = requests[job.index]
            if let b = batches.firstIndex(where: { requests[$0[0].index].cfgWeight == r.cfgWeight && requests[$0[0].index].stepLimit == r.stepLimit }) {
                batches[b].append(job)
            } else { batches.append([job]) }
        }
        for batch in batches {
            do {
                for (index, result) in zip(batch.map(\.index), try generate(batch: batch.map { ($0.ids, requests[$0.index]) }, onStep: onStep)) {
                    results[index] = .success(result)
                }
            } catch {
                for job in batch { results[job.index] = .failure(error) }
            }
        }
        return results.map { $0! }
    }

    func generate(batch: [(ids: [Int], request: TextToImageRequest)], onStep: (Int, Int) -> Void) throws -> [TextToImageResult] {
        let images = batch.reduce(0) { $0 + $1.request.images }
        let longest = batch.map(\.ids.count).max() ?? 0
        let estimate = LlamaMemoryEstimate(config: model.config.languageConfig, batch: 2 * images,
                                           promptTokens: longest, capacity: longest + model.tokensPerImage,
                                           precision: model.language.precision)
        let what = batch.count == 1 ? "generating \(images) images" : "generating \(images) images of \(batch.count) prompts together"
        try MemoryBudget.check(estimate.totalBytes, for: "\(what) (\(2 * images) guidance rows; \(estimate.summary))")
        let jobs = batch.map { ids, request in
            JanusGenerationModel.Job(promptIDs: ids, images: request.images, sampling: request.greedy ? .greedy
                : .sample(temperature: request.temperature, generators: (0..<request.images).map { NumpyRandom(seed: request.imageSeed($0)) }))
        }
        let start = Date()
        var firstStep: Date?
        let tokens = try model.generate(batch: jobs, padID: padID, cfgWeight: batch[0].request.cfgWeight,
                                        stepLimit: batch[0].request.stepLimit) { done, total in
            if firstStep == nil { firstStep = Date() }
            onStep(done, total)
        }
        let stepsEnd = Date()
        let prompt = (firstStep ?? stepsEnd).timeIntervalSince(start)
        let side = model.vq.gridSide(imageSize: model.imageSize)
        return zip(batch, tokens).map { job, tokens in
            let decodeStart = Date()
            var images: [RGBImage] = []
            if tokens.first?.count == model.tokensPerImage {
                images = VQ16Decoder.pixels(model.vq.decode(tokens, side: side)).map {
                    RGBImage(width: model.imageSize, height: model.imageSize, pixels: $0)
                }
            }
            let timings = TextToImageTimings(promptAndFirstStep: prompt, laterSteps: stepsEnd.timeIntervalSince(firstStep ?? stepsEnd),
                                             laterStepCount: max((tokens.first?.count ?? 1) - 1, 0),
                                             decode: Date().timeIntervalSince(decodeStart))
            return TextToImageResult(images: images, promptIDs: job.ids, tokens: tokens, timings: timings)
        }
    }
}
