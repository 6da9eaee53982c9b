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

    /// A short stable key for grouping and reports (the path, or the first characters of the data).
    public var key: String {
        switch self {
        case .file(let path): return path
        case .base64(let text): return "base64:" + String(text.prefix(48))
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
/// TSV index, GenEval `<NNNNN>/<k>`), `group` names the work items share (the image and what precedes the
/// question; a GenEval prompt), so runners can deal whole groups to shards and compute shared work once.
public struct SuiteItem: Equatable, Sendable {
    public var id: String
    public var group: String
    public var request: ModelRequest
    /// The prompt or question, for people.
    public var text: String

    public init(id: String, group: String, request: ModelRequest, text: String) {
        self.id = id; self.group = group; self.request = request; self.text = text
    }
}

/// What was produced for an item: by the model in the harness, or read from files made elsewhere.
public enum ItemOutput: Sendable {
    /// An answer text (`VisualQA`, or an `--answers` line).
    case text(String)
    /// An image's raw detections per class, before the suite's own filtering (a detector, or `--detections`).
    case detections([String: [ObjectDetection]])
}
