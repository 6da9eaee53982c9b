import Foundation
import Formats
import Scorers

/// An image a suite refers to: a file (resolved against the suite's data folder) or inline base64 data (MMBench's TSV).
public enum ImageSource: Hashable, Sendable {
    case file(String)
    case base64(String)

    /// Decodes the image (PNG or JPEG, found by its signature, as Pillow's `Image.open(...).convert("RGB")`;
    /// EXIF orientation not applied).
    public func load() throws -> RGBImage {
        switch self {
        case .file(let path):
            return try ImageDecoder.read(file: path)
        case .base64(let text):
            guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw SuiteError.invalid(path: "inline image", reason: "not valid base64 (\(text.prefix(24))…)")
            }
            return try ImageDecoder.decode(data, file: "inline base64 image")
        }
    }

    /// A short stable key naming the image's content, for grouping, prefix caches and reports: the path, or for
    /// inline data "base64:" and the first 16 hex digits of the data's SHA-256 (inline images of one encoder often
    /// share their first bytes, so a prefix of the data would merge different images).
    public var key: String {
        switch self {
        case .file(let path): return path
        case .base64(let text): return "base64:" + String(SHA256.hexDigest(text).prefix(16))
        }
    }
}

/// What a suite asks of a model for one item.
public enum ModelRequest: Equatable, Sendable {
    /// Answer a question about an image (`VisualQA`), greedy, at most `maxNewTokens` tokens.
    case answer(image: ImageSource, question: String, maxNewTokens: Int)
    /// Sample `sample` of a prompt's images (`TextToImage`); the items of one group share one generation.
    case image(prompt: String, sample: Int, samplesPerPrompt: Int)
}

/// One scored unit of a suite. `id` is stable across runs (contracts: POPE `<split>/<question_id>`, MMBench the
/// TSV index, GenEval `<NNNNN>/<k>`), `group` is the unit the suite scores and resamples together (a POPE image, an
/// MMBench question with its circular passes, a GenEval prompt).
public struct SuiteItem: Equatable, Sendable {
    public var id: String
    public var group: String
    public var request: ModelRequest
    /// The prompt or question, for people.
    public var text: String
    /// Items with the same key share the model's prompt up to their question: the image and what precedes the
    /// question (MMBench's hint). A model computes that prefix once for them.
    public var prefixKey: String
    /// The unit of work runners schedule together and deal whole to shards: the items about one image (every
    /// prefix over it; its content key), else the item's group (a GenEval prompt, whose images are one generation).
    public var workKey: String

    /// `workKey` defaults to the image's content key (pass it when the suite already has it: hashing inline data
    /// costs), `prefixKey` to the work key.
    public init(id: String, group: String, request: ModelRequest, text: String, prefixKey: String? = nil, workKey: String? = nil) {
        self.id = id; self.group = group; self.request = request; self.text = text
        self.workKey = workKey ?? request.workKey ?? group
        self.prefixKey = prefixKey ?? self.workKey
    }
}

extension ModelRequest {
    /// The image a question asks about (its content key), nil for generation requests.
    var workKey: String? {
        if case .answer(let image, _, _) = self { return image.key }
        return nil
    }
}

/// What was produced for an item: by the model in the harness, or read from files made elsewhere.
public enum ItemOutput: Sendable {
    /// An answer text (`VisualQA`, or an `--answers` line).
    case text(String)
    /// An image's raw detections per class, before the suite's own filtering (`--detections` without the images).
    case detections([String: [ObjectDetection]])
    /// The same with the image they were made on (the detector here, or `--detections` with `--images`), so the
    /// suite can look at its pixels: GenEval's CLIP colour classifier and CLIPScore.
    case detectionsOnImage([String: [ObjectDetection]], image: RGBImage)
}
