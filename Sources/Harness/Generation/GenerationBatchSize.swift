import Models
import Tensors

/// How many prompts' images a run generates together (`--batch-images N`: N images in flight, 2N guidance rows;
/// cross-prompt batching). The images do not depend on it — each prompt's are those it gives alone — so it is a
/// setting of the environment, recorded in run.json, not of the configuration.
public struct GenerationBatchSize: Sendable, Equatable {
    /// Prompts per batch.
    public var prompts: Int
    /// Why: "--batch-images 32", or the memory default's reasoning.
    public var reason: String

    /// The default's ceiling in images (8 prompts of GenEval's 4): past it a step's KV-cache reads, which grow with
    /// every row, take over from the weight reads it shares (see the README's measurements).
    public static let defaultImageLimit = 32
    /// Share of the available memory the default lets the batch's KV cache take.
    public static let defaultMemoryShare = 0.5
    /// Prompt length the default sizes for (GenEval's templated prompts are under 64 tokens).
    public static let sizingPromptTokens = 128

    /// `requested` images in flight (nil: the default) for prompts of `samples` images each.
    public static func choose(requested: Int?, samples: Int, model: any TextToImage,
                              available: (bytes: Int, source: String)?? = nil) throws -> GenerationBatchSize {
        let samples = max(1, samples)
        guard model.batchesPrompts else {
            return GenerationBatchSize(prompts: 1, reason: "the model generates one prompt at a time")
        }
        if let requested {
            guard requested >= 1 else { throw HarnessError.usage("--batch-images must be at least 1, not \(requested)") }
            let prompts = max(1, requested / samples)
            // Refused before any work when even its KV cache cannot fit (every batch would fail).
            if prompts > 1, let perPrompt = model.batchBytes(images: samples, promptTokens: sizingPromptTokens),
               let (free, source) = try available ?? MemoryBudget.available(), prompts * perPrompt > free {
                let fit = max(1, free / max(perPrompt, 1))
                throw HarnessError.usage("--batch-images \(requested) (\(prompts) prompts of \(samples) images) needs about "
                                         + "\(MemoryBudget.format(prompts * perPrompt)) of KV cache but \(MemoryBudget.format(free)) is available "
                                         + "(\(source)); use --batch-images \(fit * samples) or less")
            }
            return GenerationBatchSize(prompts: prompts, reason: "--batch-images \(requested)"
                                       + (requested % samples == 0 ? "" : " (whole prompts of \(samples) images: \(prompts * samples))"))
        }
        let limitPrompts = max(1, defaultImageLimit / samples)
        guard let perPrompt = model.batchBytes(images: samples, promptTokens: sizingPromptTokens), perPrompt > 0,
              let (free, source) = try available ?? MemoryBudget.available() else {
            return GenerationBatchSize(prompts: limitPrompts, reason: "default \(limitPrompts * samples) images")
        }
        let fit = Int(Double(free) * defaultMemoryShare) / perPrompt
        let prompts = max(1, min(limitPrompts, fit))
        return GenerationBatchSize(prompts: prompts, reason: "default: \(prompts * samples) images (at most \(defaultImageLimit); "
                                   + "\(MemoryBudget.format(perPrompt)) of KV cache per prompt, half of \(MemoryBudget.format(free)) available by \(source))")
    }
}
