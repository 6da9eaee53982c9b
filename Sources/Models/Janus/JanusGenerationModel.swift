import Formats
import Foundation
import Tensors

/// Text → image for Janus / Janus-Pro, as generation_inference.py: the SFT prompt with an empty system prompt plus
/// `<begin_of_image>`; a guidance batch of 2P rows interleaved (even rows conditional, odd rows BOS + pads + BOI,
/// no attention mask); per step logits = gen_head(last hidden), mixed u + w·(c − u), temperature, then a sample
/// (or argmax); the chosen token is fed back to both rows of its pair as gen_aligner(gen_embed(token)); finally
/// the VQ-16 decoder turns the token grid into pixels.
public final class JanusGenerationModel: @unchecked Sendable {
    public let config: JanusCheckpointConfig
    public let language: LlamaModel
    public let vq: VQ16Decoder
    let genEmbed: Tensor
    let genAligner: MlpProjector
    let headProjection: Tensor, headProjectionBias: Tensor, headOut: Tensor, headOutBias: Tensor
    /// Generated image side in pixels (the vision `image_size`, 384 for the real checkpoints).
    public let imageSize: Int
    /// How products with bf16 weights treat their activations in the language model, the generation head and the
    /// generation aligner, and how the KV cache stores keys and values: `.f32` (default) exactly; `.bf16` rounded to
    /// bf16 as the official bf16 run (faster: AVX512_BF16 dot products, half the cache bytes). The VQ decoder always
    /// computes in f32.
    public var activationPrecision: ActivationPrecision {
        get { language.activationPrecision }
        set { language.activationPrecision = newValue }
    }

    public init(folder: URL) throws {
        let configPath = folder.appendingPathComponent("config.json")
        config = try JanusCheckpointConfig.load(from: configPath)
        guard config.family == .janus, let genVision = config.genVisionConfig else {
            throw ModelError.invalidConfig(file: configPath.path, detail: "text-to-image needs a Janus / Janus-Pro checkpoint with gen_vision_config (JanusFlow generation is a later step)")
        }
        let reader = try CheckpointFiles.openFolder(folder.path)
        let loader = WeightLoader(CheckpointTensors(reader), isKnownUnused: JanusKnownUnused.contains)
        let h = config.languageConfig.hiddenSize
        let spec = try VQSpec.resolve(genVision, file: configPath.path, field: "gen_vision_config")
        imageSize = try VisionTowerSpec.resolve(config.visionConfig!, file: configPath.path, field: "vision_config").imageSize
        language = try LlamaModel(config: config.languageConfig, loader: loader)
        vq = try VQ16Decoder(spec: spec, loader: loader)
        let tokens = genVision.int("image_token_size") ?? spec.codebookSize, embedDim = genVision.int("n_embed") ?? spec.codebookEmbedDim
        genEmbed = try loader.take("gen_embed.weight", shape: [tokens, embedDim])
        genAligner = try MlpProjector(loader: loader, prefix: "gen_aligner.", input: embedDim, output: h,
                                      depth: config.genAlignerConfig?.int("depth") ?? 2)
        let e = config.genHeadConfig?.int("image_token_embed") ?? h
        headProjection = try loader.take("gen_head.output_mlp_projector.weight", shape: [e, h])
        headProjectionBias = try loader.take("gen_head.output_mlp_projector.bias", shape: [e])
        headOut = try loader.take("gen_head.vision_head.weight", shape: [tokens, e])
        headOutBias = try loader.take("gen_head.vision_head.bias", shape: [tokens])
        // The understanding path and the VQ encoder are not used to generate.
        loader.setAside(prefixes: ["vision_model.", "aligner.", "gen_vision_model.encoder.", "gen_vision_model.quant_conv."])
        try loader.finish()
    }

    public var tokensPerImage: Int { let s = vq.gridSide(imageSize: imageSize); return s * s }

    /// How each image token is chosen.
    public enum Sampling: Sendable {
        case greedy
        /// Multinomial over softmax(mixed / temperature), one generator per image.
        case sample(temperature: Float, generators: [NumpyRandom])
    }

    /// Generates `images` images for one prompt (ids already templated, BOS first, BOI last).
    /// `onStep` is told (step, total) for progress reporting. `stepLimit` stops after that many token steps
    /// (benchmarks time a few steps of a full-size model; the result then is not a whole image).
    public func generate(promptIDs: [Int], padID: Int, images: Int, cfgWeight: Float, sampling: Sampling,
                         stepLimit: Int? = nil, onStep: (Int, Int) -> Void = { _, _ in }) throws -> [[Int]] {
        let rows = 2 * images, length = promptIDs.count, h = config.languageConfig.hiddenSize
        let unconditional = [promptIDs[0]] + Array(repeating: padID, count: max(length - 2, 0)) + (length > 1 ? [promptIDs[length - 1]] : [])
        // Every conditional row starts with the same prompt, every unconditional one with the same padding: the
        // prompt runs once for the pair (cond, uncond) and its cache and last hidden states are copied to all
        // 2P rows (P = 4: a quarter of the prefill's work).
        let prompt = LlamaKVCache(config: config.languageConfig, batch: 2, capacity: length, precision: activationPrecision)
        let promptHidden = language.forward(try language.embed(promptIDs + unconditional).reshaped([2, length, h]), cache: prompt)
        let cache = LlamaKVCache(config: config.languageConfig, batch: rows, capacity: length + tokensPerImage,
                                 precision: activationPrecision)
        cache.copyRows(from: prompt, rows: (0..<rows).map { $0 % 2 })
        var hidden = Tensor(zeros: [rows, 1, h])
        promptHidden.withFloats { src in hidden.withMutableFloats { dst in
            for r in 0..<rows { (dst.baseAddress! + r * h).update(from: src.baseAddress! + ((r % 2) * length + length - 1) * h, count: h) }
        } }
        var generated = [[Int]](repeating: [], count: images)
        var generators: [NumpyRandom] = []
        var temperature: Float = 1
        if case .sample(let t, let g) = sampling {
            precondition(g.count == images, "one generator per image")
            generators = g; temperature = t
        }
        let n = min(tokensPerImage, max(1, stepLimit ?? tokensPerImage))
        let table = genEmbed.toF32(), e = genEmbed.shape[1]
        for step in 0..<n {
            // Last position of every row → gen head → [rows, tokens].
            let last = Tensor(zeros: [rows, h])
            hidden.withFloats { src in last.withMutableFloats { dst in
                let steps = hidden.shape[1]
                for r in 0..<rows { for i in 0..<h { dst[r * h + i] = src[(r * steps + steps - 1) * h + i] } }
            } }
            let p = activationPrecision
            let logits = Linear.apply(Activations.gelu(Linear.apply(last, weight: headProjection, bias: headProjectionBias, activations: p)),
                                      weight: headOut, bias: headOutBias, activations: p).toFloats()
            let vocabulary = headOut.shape[0]
            var chosen: [Int] = []
            for image in 0..<images {
                let c = (2 * image) * vocabulary, u = (2 * image + 1) * vocabulary
                var mixed = [Float](repeating: 0, count: vocabulary)
                for t in 0..<vocabulary { mixed[t] = logits[u + t] + cfgWeight * (logits[c + t] - logits[u + t]) }
                let token: Int
                switch sampling {
                case .greedy:
                    var best = 0
                    for t in 1..<vocabulary where mixed[t] > mixed[best] { best = t }
                    token = best
                case .sample:
                    token = Self.sample(mixed, temperature: temperature, using: &generators[image])
                }
                generated[image].append(token)
                chosen.append(token)
            }
            onStep(step + 1, n)
            if step == n - 1 { break }
            // Feed the token to both rows of its pair: gen_aligner(gen_embed(token)).
            let codes = chosen.flatMap { [$0, $0] }
            let embedded = Tensor(zeros: [rows, e])
            table.withFloats { src in embedded.withMutableFloats { dst in
                for (r, code) in codes.enumerated() { for i in 0..<e { dst[r * e + i] = src[code * e + i] } }
            } }
            hidden = language.forward(genAligner(embedded, activations: activationPrecision).reshaped([rows, 1, h]), cache: cache)
        }
        return generated
    }

    /// softmax(logits / T) then one categorical draw with the image's generator (inverse CDF on random()).
    static func sample(_ logits: [Float], temperature: Float, using rng: inout NumpyRandom) -> Int {
        let scaled = logits.map { Double($0 / temperature) }
        let m = scaled.max() ?? 0
        let weights = scaled.map { exp($0 - m) }
        let total = weights.reduce(0, +)
        var u = rng.random() * total
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return i }
        }
        return weights.count - 1
    }
}
