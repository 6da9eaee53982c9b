import Foundation
import Formats
import Tensors

/// A Hugging Face `CLIPModel` folder (openai/clip-vit-large-patch14's layout: `config.json`, `vocab.json`,
/// `merges.txt`, `model.safetensors` or `pytorch_model.bin`), loaded strictly: every tensor of the checkpoint is
/// used or known to be unused, weights stay memory-mapped in their stored dtype.
public final class CLIPModel: @unchecked Sendable {
    public let config: CLIPConfig
    public let folder: String
    /// The checkpoint file the weights came from.
    public let checkpoint: String
    /// exp(logit_scale) of the checkpoint (100 for OpenAI's weights); CLIPScore and GenEval use a fixed 100 instead.
    public let logitScale: Float
    let vision: CLIPVisionTower
    let text: CLIPTextTower
    public let tokenizer: CLIPTokenizer
    public let preprocessor: CLIPImagePreprocessor

    /// The names the checkpoint may carry that the networks never read: the `position_ids` buffers the Hub's 2021
    /// files hold (newer transformers no longer save them).
    public static func sanitize(_ name: String) -> SanitizedName {
        name.hasSuffix("embeddings.position_ids") ? .knownUnused : .use(name)
    }

    public convenience init(folder: String) throws {
        let config = try CLIPConfig.load(file: folder + "/config.json")
        let reader = try CheckpointFiles.openFolder(folder)
        let tokenizer = try CLIPTokenizer(vocabFile: folder + "/vocab.json", mergesFile: folder + "/merges.txt")
        try self.init(config: config, weights: reader, tokenizer: tokenizer, folder: folder)
    }

    public init(config: CLIPConfig, weights: TensorProvider, tokenizer: CLIPTokenizer, folder: String) throws {
        self.config = config
        self.folder = folder
        checkpoint = weights.sourceDescription
        guard tokenizer.vocabularySize == config.text.vocabSize else {
            throw CLIPError.invalidVocabulary(file: folder + "/vocab.json",
                                              detail: "\(tokenizer.vocabularySize) tokens, but config.json's text_config.vocab_size is \(config.text.vocabSize)")
        }
        let loader = WeightLoader(weights, sanitize: Self.sanitize)
        vision = try CLIPVisionTower(config: config.vision, projectionDim: config.projectionDim, loader: loader)
        text = try CLIPTextTower(config: config.text, projectionDim: config.projectionDim, loader: loader, checkpoint: checkpoint)
        let scale = try loader.take("logit_scale", shape: [])
        try loader.finish()
        logitScale = expf(scale.toFloats().first ?? 0)
        self.tokenizer = tokenizer
        preprocessor = CLIPImagePreprocessor(size: config.vision.imageSize)
    }

    /// Image embeddings [batch, projection_dim] (not normalised) of preprocessed pixels [batch, 3, size, size];
    /// `get_image_features`.
    public func imageEmbeddings(pixels: Tensor) -> Tensor { vision(pixels) }

    /// Image embeddings of images, preprocessed as open_clip does for ViT-L-14 "openai".
    public func imageEmbeddings(_ images: [RGBImage]) throws -> Tensor {
        try imageEmbeddings(pixels: preprocessor.batch(images))
    }

    /// Text embeddings [batch, projection_dim] (not normalised) of id sequences; `get_text_features`.
    public func textEmbeddings(ids: [[Int]]) throws -> Tensor { try text(ids) }

    /// Text embeddings of texts, tokenized as open_clip does (77 tokens, truncated).
    public func textEmbeddings(_ texts: [String]) throws -> Tensor {
        try text(texts.map { try tokenizer.tokenize($0, contextLength: config.text.maxPositions) })
    }

    /// Each row scaled to unit length (torch.nn.functional.normalize, eps 1e-12).
    public static func normalized(_ x: Tensor) -> [[Float]] {
        let d = x.shape[1], rows = x.shape[0]
        let v = x.toFloats()
        return (0..<rows).map { r in
            let row = Array(v[(r * d)..<((r + 1) * d)])
            let norm = max(row.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot(), 1e-12)
            return row.map { Float(Double($0) / norm) }
        }
    }
}
