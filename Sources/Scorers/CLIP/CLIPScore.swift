import Formats
import Tensors

/// CLIPScore of a prompt and an image (Hessel et al. 2021 with torchmetrics' weight): 100 · max(cos(E_image, E_text), 0),
/// with open_clip's preprocessing and tokenizer (the prompt truncated to 77 tokens, as torchmetrics truncates).
/// torchmetrics' `CLIPScore.compute` clamps the mean over pairs at 0; the per-pair clamp here is Hessel et al.'s
/// definition, and the two agree whenever no pair has a negative cosine (always, in practice, for real images).
public struct CLIPScore: Sendable {
    public let model: CLIPModel

    public init(model: CLIPModel) { self.model = model }

    /// One score per (image, prompt) pair.
    public func scores(images: [RGBImage], prompts: [String]) throws -> [Double] {
        guard images.count == prompts.count else {
            throw CLIPError.invalidInput("CLIPScore needs one prompt per image: \(images.count) images, \(prompts.count) prompts")
        }
        guard !images.isEmpty else { return [] }
        let i = CLIPModel.normalized(try model.imageEmbeddings(images))
        let t = CLIPModel.normalized(try model.textEmbeddings(prompts))
        return zip(i, t).map { a, b in
            var dot = 0.0
            for k in 0..<a.count { dot += Double(a[k]) * Double(b[k]) }
            return 100 * max(dot, 0)
        }
    }
}
