import Formats
import Foundation
import Tensors

/// Image + question → answer, for Janus / Janus-Pro and JanusFlow checkpoints: SigLIP, the understanding aligner
/// and the DeepSeek-LLM, loaded strictly from the official files (generation-path tensors are set aside).
public final class JanusUnderstandingModel: @unchecked Sendable {
    public let config: JanusCheckpointConfig
    public let vision: SigLIPVisionTower
    public let aligner: MlpProjector
    /// JanusFlow: the learned vector that replaces the begin-of-image embedding.
    public let beginOfUnderstanding: Tensor?
    public let language: LlamaModel
    public let folder: URL

    /// How products with bf16 weights treat the language model's activations, and how its KV cache stores keys and
    /// values (chosen once, here). SigLIP and the aligner always compute in f32.
    public var precision: ActivationPrecision { language.precision }

    public init(folder: URL, precision: ActivationPrecision = .f32) throws {
        self.folder = folder
        let configPath = folder.appendingPathComponent("config.json")
        let file = configPath.path
        config = try JanusCheckpointConfig.load(from: configPath)
        let loader = try JanusCheckpointLayout.loader(folder: folder.path)
        let h = config.languageConfig.hiddenSize
        let spec = try config.understandingVision(file: file)
        switch config.family {
        case .janus:
            vision = try SigLIPVisionTower(spec: spec, loader: loader, prefix: "vision_model.vision_tower.")
            let aligner = try config.aligner(file: file)
            self.aligner = try MlpProjector(loader: loader, prefix: "aligner.", input: spec.width, output: aligner.nEmbed ?? h,
                                            depth: aligner.depth ?? 2)
            beginOfUnderstanding = nil
            loader.setAside(prefixes: ["gen_vision_model.", "gen_embed.", "gen_aligner.", "gen_head."])
        case .janusFlow:
            vision = try SigLIPVisionTower(spec: spec, loader: loader, prefix: "vision_und_enc_model.vision_tower.")
            aligner = try MlpProjector(loader: loader, prefix: "vision_und_enc_aligner.", input: spec.width, output: h, depth: 1)
            beginOfUnderstanding = try loader.take("beg_of_und_embed", shape: [1, h])
            loader.setAside(prefixes: ["vision_gen_enc_model.", "vision_gen_enc_aligner.", "vision_gen_dec_model.",
                                       "vision_gen_dec_aligner_norm.", "vision_gen_dec_aligner."])
        }
        language = try LlamaModel(config: config.languageConfig, loader: loader, precision: precision)
        try loader.finish()
    }

    /// Aligned image features [tokens, hidden] for preprocessed pixels [3, s, s].
    public func imageEmbeddings(_ pixels: Tensor) -> (vision: Tensor, aligned: Tensor) {
        let v = vision(pixels.reshaped([1] + pixels.shape))
        let a = aligner(v.reshaped([v.shape[1], v.shape[2]]))
        return (v, a)
    }

    /// Input embeddings for a prompt whose image placeholders are already expanded: the rows at `imageTokenID`
    /// take the aligned image features in order (JanusFlow: the begin-of-image row takes `beg_of_und_embed`).
    public func inputEmbeddings(ids: [Int], imageTokenID: Int, beginOfImageID: Int, aligned: Tensor) throws -> Tensor {
        let x = try language.embed(ids)
        let h = config.languageConfig.hiddenSize
        let features = aligned.toFloats()
        let slots = ids.indices.filter { ids[$0] == imageTokenID }
        guard slots.count == aligned.shape[0] else {
            throw ModelError.invalidConfig(file: folder.path, detail: "the prompt has \(slots.count) image tokens but the image gives \(aligned.shape[0]) features")
        }
        x.withMutableFloats { dst in
            for (k, position) in slots.enumerated() { for i in 0..<h { dst[position * h + i] = features[k * h + i] } }
            if let begin = beginOfUnderstanding?.toFloats(), let boi = ids.firstIndex(of: beginOfImageID) {
                for i in 0..<h { dst[boi * h + i] = begin[i] }
            }
        }
        return x.reshaped([1, ids.count, h])
    }

    /// Greedy decoding as HF `generate(do_sample=False)`: prefill, then the argmax token fed back until EOS or
    /// `maxNewTokens`. Returns the new token ids (EOS included when reached). `prefilled` is told when the prefill
    /// is done, `onToken` after each new token (benchmarks time the steps through them; pass eos −1 to never stop).
    public func greedy(embeddings: Tensor, eos: Int, maxNewTokens: Int, prefilled: (Date) -> Void = { _ in },
                       onToken: (Int) -> Void = { _ in }) throws -> [Int] {
        let cache = language.makeCache(batch: 1, capacity: embeddings.shape[1] + maxNewTokens)
        var hidden = language.forward(embeddings, cache: cache)
        prefilled(Date())
        var out: [Int] = []
        for _ in 0..<maxNewTokens {
            let last = hidden.reshaped([hidden.shape[1], hidden.shape[2]])
            let row = Tensor(shape: [1, last.shape[1]], floats: Array(last.toFloats().suffix(last.shape[1])))
            let best = Parallel.withBLASThreads(1) { TokenSampling.argmax(language.logits(row).toFloats()) }
            out.append(best)
            onToken(best)
            if best == eos { break }
            hidden = language.forward(try language.embed([best]).reshaped([1, 1, config.languageConfig.hiddenSize]), cache: cache)
        }
        return out
    }
}
