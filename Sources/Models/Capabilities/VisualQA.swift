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

/// Image + question → answer, greedy as the reference inference scripts.
public protocol VisualQA: AnyObject, Sendable {
    var precision: ActivationPrecision { get }
    /// Seconds it took to build the model (memory-mapping the weights, reading the tokenizer).
    var loadSeconds: Double { get }
    /// The chat roles the prompts are written with.
    var template: ChatTemplate { get }
    func answer(image: RGBImage, question: String, maxNewTokens: Int) throws -> VisualAnswer
}
