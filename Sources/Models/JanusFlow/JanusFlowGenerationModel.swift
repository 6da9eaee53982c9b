import Formats
import Foundation
import Tensors

/// JanusFlow text → latents, as demo/app_janusflow.py `generate`: a guidance batch of 2P rows in halves (rows
/// 0..<P conditional, P..<2P the BOS followed by pads, masked out), the prompt without its last token, then per
/// Euler step one time token and the latent tokens through the LLM; the velocity is read at the latent positions
/// themselves, mixed `w·c − (w − 1)·u`, and `z += dt·v` with t = step/steps·1000.
///
/// The prompt prefix cannot attend to what follows it, so its keys and values are the same at every step: they are
/// computed once (for one conditional and one unconditional row, then copied to all 2P rows) and every step feeds
/// only the time token and the latent tokens. The reference recomputes the whole sequence each step (its cache
/// is always empty); `velocity(…, reusePrefix: false)` does the same, and a test pins that both agree.
public final class JanusFlowGenerationModel: @unchecked Sendable {
    public let config: JanusCheckpointConfig
    public let sizes: JanusFlowSizes
    public let language: LlamaModel
    public let encoder: ShallowUViTEncoder
    public let decoder: ShallowUViTDecoder
    let encoderAligner: Tensor, encoderAlignerBias: Tensor
    let decoderAlignerNorm: Tensor, decoderAligner: Tensor, decoderAlignerBias: Tensor
    /// `.f32` computes every product exactly; `.bf16` rounds activations of bf16-weight products to bf16 (the LLM,
    /// the UViT blocks and the aligners), stores the KV cache in bf16, and rounds the timestep to bf16 before the
    /// sinusoid, as the official bf16 run does. The latents and the Euler update stay f32.
    public let precision: ActivationPrecision

    public init(folder: URL, precision: ActivationPrecision = .f32) throws {
        let configPath = folder.appendingPathComponent("config.json")
        let file = configPath.path
        config = try JanusCheckpointConfig.load(from: configPath)
        guard config.family == .janusFlow else {
            throw ModelError.invalidConfig(file: file, detail: "not a JanusFlow config (no vision_und_enc_config)")
        }
        self.precision = precision
        let h = config.languageConfig.hiddenSize
        sizes = try config.flowSizes(file: file)
        let reader = try CheckpointFiles.openFolder(folder.path)
        let kernelShape = reader.info(named: "vision_gen_enc_model.in_conv.weight")?.shape ?? []
        guard kernelShape.count == 4, kernelShape[2] == kernelShape[3], (1...64).contains(kernelShape[2]) else {
            throw ModelError.invalidConfig(file: file, detail: "vision_gen_enc_model.in_conv.weight has shape \(kernelShape); expected [width, channels, k, k]")
        }
        let loader = WeightLoader(reader, sanitize: JanusCheckpointLayout.sanitize)
        language = try LlamaModel(config: config.languageConfig, loader: loader, precision: precision)
        encoder = try ShallowUViTEncoder(loader: loader, sizes: sizes, kernel: kernelShape[2])
        decoder = try ShallowUViTDecoder(loader: loader, sizes: sizes)
        encoderAligner = try loader.take("vision_gen_enc_aligner.weight", shape: [h, sizes.encoderWidth])
        encoderAlignerBias = try loader.take("vision_gen_enc_aligner.bias", shape: [h])
        decoderAlignerNorm = try loader.take("vision_gen_dec_aligner_norm.weight", shape: [h])
        decoderAligner = try loader.take("vision_gen_dec_aligner.weight", shape: [sizes.decoderIn, h])
        decoderAlignerBias = try loader.take("vision_gen_dec_aligner.bias", shape: [sizes.decoderIn])
        // The understanding path is not used to generate.
        loader.setAside(prefixes: ["vision_und_enc_model.", "vision_und_enc_aligner.", "beg_of_und_embed"])
        try loader.finish()
    }

    /// Latent side for the VAE's downsampling factor (48 for 384 px and the SDXL-VAE).
    public func latentSide(vaeFactor: Int) -> Int { sizes.imageSize / vaeFactor }
    /// Side of the latent token grid (24).
    public func tokenGrid(latentSide: Int) -> Int { (latentSide + 2 * (sizes.padding ?? max(0, encoder.kernel - sizes.stride)) - encoder.kernel) / sizes.stride + 1 }

    /// The reference's t for a step: step/steps·1000 as f32 (rounded to bf16 in the bf16 mode).
    public func timestep(step: Int, steps: Int) -> Float {
        let t = Float(Double(step) / Double(steps) * 1000)
        return precision == .bf16 ? HalfPrecision.float(fromBF16: HalfPrecision.bf16Bits(from: t)) : t
    }

    /// The prompt prefix (ids without the last one) of the conditional and the unconditional row: their caches.
    public struct Prefix {
        let cache: LlamaKVCache
        let embeddings: Tensor   // [2, Lp, h]: for the recompute path
        public let length: Int
    }

    public func prefix(promptIDs ids: [Int], padID: Int) throws -> Prefix {
        let lp = ids.count - 1, h = config.languageConfig.hiddenSize
        precondition(lp >= 1, "the prompt needs at least two tokens")
        let unconditional = [ids[0]] + Array(repeating: padID, count: lp - 1)
        let embeddings = try language.embed(Array(ids.prefix(lp)) + unconditional).reshaped([2, lp, h])
        let cache = language.makeCache(batch: 2, capacity: lp)
        _ = language.forward(embeddings, cache: cache, keyMask: [Array(repeating: true, count: lp), Self.unconditionalMask(prefix: lp, total: lp)])
        return Prefix(cache: cache, embeddings: embeddings, length: lp)
    }

    /// The reference's attention mask row for an unconditional row: BOS and everything after the prefix.
    static func unconditionalMask(prefix lp: Int, total: Int) -> [Bool] {
        (0..<total).map { $0 == 0 || $0 >= lp }
    }

    /// One velocity prediction for P images at latents z [P, C, s, s] and time t: the guidance batch's 2P rows
    /// (conditional first) → v [2P, C, s, s] before mixing. `rowCache` (2P rows, capacity prefix + 1 + tokens)
    /// holds the prefix copied once; with `reusePrefix: false` the whole sequence is recomputed, as the reference.
    public func velocity(_ z: Tensor, t: Float, prefix: Prefix, rowCache: LlamaKVCache?, reusePrefix: Bool = true) -> Tensor {
        let p = z.shape[0], rows = 2 * p, h = config.languageConfig.hiddenSize, a = precision
        // The encoder sees cat([z, z]): both halves are equal, so it runs on P rows and is copied.
        let tEmb1 = encoder.timeEmbedding(Array(repeating: t, count: p), a)
        let xEmb1 = encoder(z, timeEmbedding: tEmb1, a)
        let (g1, g2) = (xEmb1.shape[2], xEmb1.shape[3])
        let n = g1 * g2
        let tEmb = Self.repeated(tEmb1, times: 2), xEmb = Self.repeated(xEmb1, times: 2)
        let zEmb = encoderTokens(xEmb1)   // [P, n, h]
        // New tokens per row: [t_emb, z_emb].
        let lp = prefix.length
        let fresh = Tensor(uninitialized: [rows, 1 + n, h])
        tEmb.withFloats { tp in zEmb.withFloats { zp in fresh.withMutableFloats { dst in
            for r in 0..<rows {
                let base = dst.baseAddress! + r * (1 + n) * h
                base.update(from: tp.baseAddress! + r * h, count: h)
                (base + h).update(from: zp.baseAddress! + (r % p) * n * h, count: n * h)
            }
        } } }
        let total = lp + 1 + n
        let mask = (0..<rows).map { $0 < p ? Array(repeating: true, count: total) : Self.unconditionalMask(prefix: lp, total: total) }
        let hidden: Tensor
        if reusePrefix, let rowCache {
            rowCache.length = lp
            hidden = language.forward(fresh, cache: rowCache, keyMask: mask)
        } else {
            let full = Tensor(uninitialized: [rows, total, h])
            prefix.embeddings.withFloats { pp in fresh.withFloats { fp in full.withMutableFloats { dst in
                for r in 0..<rows {
                    (dst.baseAddress! + r * total * h).update(from: pp.baseAddress! + (r < p ? 0 : 1) * lp * h, count: lp * h)
                    (dst.baseAddress! + (r * total + lp) * h).update(from: fp.baseAddress! + r * (1 + n) * h, count: (1 + n) * h)
                }
            } } }
            hidden = language.forward(full, cache: language.makeCache(batch: rows, capacity: total), keyMask: mask)
        }
        // The last n hidden states of every row → dec aligner → [2P, in, g, g] → decoder.
        let steps = hidden.shape[1]
        let latent = Tensor(uninitialized: [rows, n, h])
        hidden.withFloats { src in latent.withMutableFloats { dst in
            for r in 0..<rows { (dst.baseAddress! + r * n * h).update(from: src.baseAddress! + (r * steps + steps - n) * h, count: n * h) }
        } }
        return decoderVelocity(llmHidden: latent, skip: xEmb, timeEmbedding: tEmb)
    }

    /// The encoder aligner: x_emb [B, width, g, g] → latent tokens [B, g·g, hidden] (row-major over the grid).
    public func encoderTokens(_ xEmb: Tensor) -> Tensor {
        Linear.apply(FlowLayout.tokens(xEmb), weight: encoderAligner, bias: encoderAlignerBias, activations: precision)
    }

    /// The LLM's last hidden states at the latent positions [B, g·g, hidden] → dec aligner norm → dec aligner →
    /// [B, in, g, g] → the UViT decoder with the encoder's skip → velocity [B, C, s, s].
    public func decoderVelocity(llmHidden: Tensor, skip: Tensor, timeEmbedding: Tensor) -> Tensor {
        let (g1, g2) = (skip.shape[2], skip.shape[3])
        let aligned = Linear.apply(Normalization.rmsNorm(llmHidden, weight: decoderAlignerNorm, eps: config.languageConfig.rmsNormEps),
                                   weight: decoderAligner, bias: decoderAlignerBias, activations: precision)
        return decoder(FlowLayout.planes(aligned, height: g1, width: g2), skip: skip, timeEmbedding: timeEmbedding, precision)
    }

    /// A cache for the 2P guidance rows holding the prefix, with room for the time and latent tokens.
    public func rowCache(prefix: Prefix, images p: Int, latentTokens n: Int) -> LlamaKVCache {
        let cache = language.makeCache(batch: 2 * p, capacity: prefix.length + 1 + n)
        cache.copyRows(from: prefix.cache, rows: (0..<(2 * p)).map { $0 < p ? 0 : 1 })
        return cache
    }

    /// `w·c − (w − 1)·u` per image, from v [2P, …] (conditional half first).
    public static func guided(_ v: Tensor, weight w: Float) -> [Float] {
        let values = v.toFloats(), half = values.count / 2
        return (0..<half).map { w * values[$0] - (w - 1) * values[half + $0] }
    }

    /// Runs the Euler loop from z0 [P, C, s, s]; returns the final latents. `onStep(done, total)` after each step.
    public func sample(promptIDs: [Int], padID: Int, initial z0: Tensor, cfgWeight: Float, steps: Int, reusePrefix: Bool = true,
                       onStep: (Int, Int) -> Void = { _, _ in }) throws -> Tensor {
        let p = z0.shape[0], side = z0.shape[2]
        let grid = tokenGrid(latentSide: side)
        let prefix = try self.prefix(promptIDs: promptIDs, padID: padID)
        let cache = reusePrefix ? rowCache(prefix: prefix, images: p, latentTokens: grid * grid) : nil
        var z = z0.toFloats()
        let dt = 1 / Float(steps)
        for step in 0..<steps {
            let v = velocity(Tensor(shape: z0.shape, floats: z), t: timestep(step: step, steps: steps), prefix: prefix,
                             rowCache: cache, reusePrefix: reusePrefix)
            let mixed = Self.guided(v, weight: cfgWeight)
            for i in z.indices { z[i] += dt * mixed[i] }
            onStep(step + 1, steps)
        }
        return Tensor(shape: z0.shape, floats: z)
    }

    static func repeated(_ x: Tensor, times: Int) -> Tensor {
        let values = x.toFloats()
        return Tensor(shape: [x.shape[0] * times] + x.shape.dropFirst(), floats: Array((0..<times).map { _ in values }.joined()))
    }
}
