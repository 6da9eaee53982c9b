import Formats
import Tensors

/// One answer and where its time went.
public struct VisualAnswer: Sendable {
    public var text: String
    public var tokenIDs: [Int]
    public var promptTokens: Int
    /// Seconds (and `decode_ms_per_token`) by stage, for people; never part of a score.
    public var timings: [String: Double]

    public init(text: String, tokenIDs: [Int], promptTokens: Int, timings: [String: Double]) {
        self.text = text; self.tokenIDs = tokenIDs; self.promptTokens = promptTokens; self.timings = timings
    }
}

/// A question about an image and its token limit.
public struct VisualQuestion: Equatable, Sendable {
    public var question: String
    public var maxNewTokens: Int
    public init(_ question: String, maxNewTokens: Int) { self.question = question; self.maxNewTokens = maxNewTokens }
}

/// Image + question → answer, greedy as the reference inference scripts.
public protocol VisualQA: AnyObject, Sendable {
    var precision: ActivationPrecision { get }
    /// Seconds it took to build the model (memory-mapping the weights, reading the tokenizer).
    var loadSeconds: Double { get }
    /// The chat roles the prompts are written with.
    var template: ChatTemplate { get }
    func answer(image: RGBImage, question: String, maxNewTokens: Int) throws -> VisualAnswer
    /// Several questions about one image, each answered exactly as `answer` would (the same tokens). `imageKey`
    /// names the image's content (a path, a digest): models that reuse the prompt prefix key their cache by it.
    func answers(image: RGBImage, imageKey: String, questions: [VisualQuestion]) -> [Result<VisualAnswer, any Error>]
    /// How the prompt prefix is shared between questions (models without reuse ignore it).
    var prefixReuse: PrefixReuse { get set }
    /// What the prefix cache did so far (nil for models without reuse).
    var prefixCacheStatistics: PrefixCacheStatistics? { get }
}

extension VisualQA {
    /// One question after another.
    public func answers(image: RGBImage, imageKey: String, questions: [VisualQuestion]) -> [Result<VisualAnswer, any Error>] {
        questions.map { q in Result { try answer(image: image, question: q.question, maxNewTokens: q.maxNewTokens) } }
    }
    public var prefixReuse: PrefixReuse { get { .off } set {} }
    public var prefixCacheStatistics: PrefixCacheStatistics? { nil }
}
