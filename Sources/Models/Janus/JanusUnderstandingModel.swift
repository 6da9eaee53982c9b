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

    /// The keys and values of a prompt prefix (embeddings [1, P, hidden]), kept with room for exactly P positions.
    public func prefill(prefix embeddings: Tensor) -> LlamaKVCache {
        let cache = language.makeCache(batch: 1, capacity: max(embeddings.shape[1], 1))
        _ = language.forward(embeddings, cache: cache)
        return cache
    }

    /// Greedy decoding of several prompts that share `prefix` (batch 1, the prompts' common first positions): each
    /// suffix [S, hidden] continues the prefix in one packed prefill, then the answers decode `decodeRows` rows per
    /// step (1: alone, each exactly as `greedy` on the whole prompt). Returns each prompt's new token ids.
    public func greedy(continuing prefix: LlamaKVCache, suffixes: [(embeddings: Tensor, maxNewTokens: Int)], eos: Int,
                       decodeRows: Int = 1, prefilled: (Date) -> Void = { _ in }) throws -> [[Int]] {
        let h = config.languageConfig.hiddenSize
        guard !suffixes.isEmpty else { return [] }
        let capacity = suffixes.map { $0.embeddings.count / h + $0.maxNewTokens }.max()!
        let continuation = LlamaContinuation(prefix: prefix, rows: suffixes.count, capacity: capacity)
        let hidden = language.forward(suffixes.enumerated().map { ($0.offset, $0.element.embeddings) }, continuing: continuation)
        var last = hidden.map { Array($0.toFloats().suffix(h)) }
        var out = [[Int]](repeating: [], count: suffixes.count)
        var active = Array(suffixes.indices)
        let chunk = max(1, min(decodeRows, Linear.gemvRowLimit))
        // The first token of every answer comes from its prefill; each logits row alone (one row, as `greedy`).
        func choose(_ rows: [Int]) {
            if chunk == 1 {
                for b in rows {
                    let best = Parallel.withBLASThreads(1) { TokenSampling.argmax(language.logits(Tensor(shape: [1, h], floats: last[b])).toFloats()) }
                    out[b].append(best)
                }
            } else {
                let logits = Parallel.withBLASThreads(1) { language.logits(Tensor(shape: [rows.count, h], floats: rows.flatMap { last[$0] })).toFloats() }
                let v = logits.count / rows.count
                for (j, b) in rows.enumerated() { out[b].append(TokenSampling.argmax(Array(logits[(j * v)..<((j + 1) * v)]))) }
            }
        }
        for start in stride(from: 0, to: active.count, by: chunk) { choose(Array(active[start..<min(active.count, start + chunk)])) }
        prefilled(Date())
        while true {
            active = active.filter { out[$0].last != eos && out[$0].count < suffixes[$0].maxNewTokens }
            if active.isEmpty { break }
            for start in stride(from: 0, to: active.count, by: chunk) {
                let rows = Array(active[start..<min(active.count, start + chunk)])
                let segments = try rows.map { b in (b, try language.embed([out[b].last!])) }
                let states = language.forward(segments, continuing: continuation)
                for (j, b) in rows.enumerated() { last[b] = states[j].toFloats() }
                choose(rows)
            }
        }
        return out
    }
}
