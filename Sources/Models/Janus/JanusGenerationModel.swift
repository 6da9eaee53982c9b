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
    /// Chosen once, here: how products with bf16 weights treat their activations in the language model, the
    /// generation head and aligner, how the KV cache stores keys and values, and what the VQ decoder's convolutions
    /// compute in. `.f32` (default) exactly; `.bf16` rounded to bf16 as the official bf16 run (faster with
    /// AVX512_BF16, half the cache bytes).
    public let precision: ActivationPrecision

    public init(folder: URL, precision: ActivationPrecision = .f32) throws {
        let configPath = folder.appendingPathComponent("config.json")
        let file = configPath.path
        config = try JanusCheckpointConfig.load(from: configPath)
        self.precision = precision
        guard config.family == .janus else {
            throw ModelError.missingCapability(family: config.family.rawValue, capability: ModelCapability.textToImage.rawValue,
                                               detail: "JanusFlow text-to-image (rectified flow) is not built yet")
        }
        let (spec, genVision) = try config.generationVision(file: file)
        imageSize = try config.understandingVision(file: file).imageSize
        let loader = try JanusCheckpointLayout.loader(folder: folder.path)
        let h = config.languageConfig.hiddenSize
        language = try LlamaModel(config: config.languageConfig, loader: loader, precision: precision)
        vq = try VQ16Decoder(spec: spec, loader: loader, precision: precision)
        let tokens = genVision.imageTokenSize ?? spec.codebookSize, embedDim = genVision.nEmbed ?? spec.codebookEmbedDim
        genEmbed = try loader.take("gen_embed.weight", shape: [tokens, embedDim])
        genAligner = try MlpProjector(loader: loader, prefix: "gen_aligner.", input: embedDim, output: h,
                                      depth: try config.generationAligner(file: file).depth ?? 2)
        let e = try config.generationHead(file: file).imageTokenEmbed ?? h
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

    /// One prompt's share of a generation batch: its templated ids (BOS first, BOI last), its image count and how
    /// its tokens are chosen (one generator per image when sampling).
    public struct Job: Sendable {
        public var promptIDs: [Int]
        public var images: Int
        public var sampling: Sampling

        public init(promptIDs: [Int], images: Int, sampling: Sampling) {
            self.promptIDs = promptIDs; self.images = images; self.sampling = sampling
        }
    }

    /// Generates `images` images for one prompt (ids already templated, BOS first, BOI last).
    /// `onStep` is told (step, total) for progress reporting. `stepLimit` stops after that many token steps
    /// (benchmarks time a few steps of a full-size model; the result then is not a whole image).
    public func generate(promptIDs: [Int], padID: Int, images: Int, cfgWeight: Float, sampling: Sampling,
                         stepLimit: Int? = nil, onStep: (Int, Int) -> Void = { _, _ in }) throws -> [[Int]] {
        try generate(batch: [Job(promptIDs: promptIDs, images: images, sampling: sampling)], padID: padID, cfgWeight: cfgWeight,
                     stepLimit: stepLimit, onStep: onStep)[0]
    }

    /// Generates the images of several prompts together (cross-prompt batching): each prompt's prefill runs alone,
    /// then every prompt's 2P guidance rows decode in one batch — each row at its own position, each prompt's products
    /// computed as if it ran alone (`LlamaBatchCache`, `Linear.apply(_:weight:rowGroups:)`), so every image is the
    /// same, bit for bit, as generating its prompt alone with the same generators, while each weight read serves all
    /// the rows. Returns each job's image tokens.
    public func generate(batch jobs: [Job], padID: Int, cfgWeight: Float, stepLimit: Int? = nil,
                         onStep: (Int, Int) -> Void = { _, _ in }) throws -> [[[Int]]] {
        precondition(!jobs.isEmpty && jobs.allSatisfy { $0.images > 0 && !$0.promptIDs.isEmpty }, "generate: empty batch")
        let h = config.languageConfig.hiddenSize
        let groups = jobs.map { 2 * $0.images }, rows = groups.reduce(0, +)
        let starts = groups.reduce(into: [0]) { $0.append($0.last! + $1) }
        let longest = jobs.map(\.promptIDs.count).max()!
        let n = min(tokensPerImage, max(1, stepLimit ?? tokensPerImage))
        // Room for the positions the steps reach (all of an image's unless a benchmark stops early).
        let cache = LlamaBatchCache(config: config.languageConfig, rowGroups: groups, capacity: longest + n,
                                    precision: language.precision)
        var hidden = Tensor(zeros: [rows, 1, h])
        for (j, job) in jobs.enumerated() {
            // Every conditional row starts with the same prompt, every unconditional one with the same padding: the
            // prompt runs once for the pair (cond, uncond) and its cache and last hidden states are copied to all
            // 2P rows (P = 4: a quarter of the prefill's work).
            let ids = job.promptIDs, length = ids.count
            let unconditional = [ids[0]] + Array(repeating: padID, count: max(length - 2, 0)) + (length > 1 ? [ids[length - 1]] : [])
            let prompt = language.makeCache(batch: 2, capacity: length)
            let promptHidden = language.forward(try language.embed(ids + unconditional).reshaped([2, length, h]), cache: prompt)
            cache.fill(group: j, from: prompt, rows: (0..<groups[j]).map { $0 % 2 })
            promptHidden.withFloats { src in hidden.withMutableFloats { dst in
                for r in 0..<groups[j] {
                    (dst.baseAddress! + (starts[j] + r) * h).update(from: src.baseAddress! + ((r % 2) * length + length - 1) * h, count: h)
                }
            } }
        }
        var generated = jobs.map { [[Int]](repeating: [], count: $0.images) }
        var generators: [[NumpyRandom]] = []
        var temperatures: [Float] = []
        for job in jobs {
            if case .sample(let t, let g) = job.sampling {
                precondition(g.count == job.images, "one generator per image")
                generators.append(g); temperatures.append(t)
            } else { generators.append([]); temperatures.append(1) }
        }
        let table = genEmbed.toF32(), e = genEmbed.shape[1]
        let vocabulary = headOut.shape[0]
        for step in 0..<n {
            // Last position of every row → gen head → [rows, tokens].
            let p = precision
            let last = hidden.reshaped([rows, h])
            let logits = Linear.apply(Activations.gelu(Linear.apply(last, weight: headProjection, bias: headProjectionBias, activations: p,
                                                                    rowGroups: groups)),
                                      weight: headOut, bias: headOutBias, activations: p, rowGroups: groups).toFloats()
            var codes: [Int] = []
            codes.reserveCapacity(rows)
            for (j, job) in jobs.enumerated() {
                for image in 0..<job.images {
                    let c = (starts[j] + 2 * image) * vocabulary, u = c + vocabulary
                    var mixed = [Float](repeating: 0, count: vocabulary)
                    for t in 0..<vocabulary { mixed[t] = logits[u + t] + cfgWeight * (logits[c + t] - logits[u + t]) }
                    let token: Int
                    switch job.sampling {
                    case .greedy:
                        token = TokenSampling.argmax(mixed)
                    case .sample:
                        token = TokenSampling.categorical(mixed, temperature: temperatures[j], using: &generators[j][image])
                    }
                    generated[j][image].append(token)
                    codes += [token, token]
                }
            }
            onStep(step + 1, n)
            if step == n - 1 { break }
            // Feed the token to both rows of its pair: gen_aligner(gen_embed(token)).
            let embedded = Tensor(zeros: [rows, e])
            table.withFloats { src in embedded.withMutableFloats { dst in
                for (r, code) in codes.enumerated() { for i in 0..<e { dst[r * e + i] = src[code * e + i] } }
            } }
            hidden = language.forward(genAligner(embedded, activations: precision, rowGroups: groups).reshaped([rows, 1, h]), batch: cache)
        }
        return generated
    }
}
