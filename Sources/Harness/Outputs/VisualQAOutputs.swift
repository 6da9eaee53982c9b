import Formats
import Models
import Suites

/// Answers from a model inside the harness (`VisualQA`), greedy, as the suites' requests say.
public final class VisualQAOutputs: ItemOutputSource {
    public let model: any VisualQA
    public let configuration: JSONObject
    public let name: String

    public init(model: any VisualQA, name: String, configuration: JSONObject) {
        self.model = model; self.name = name; self.configuration = configuration
    }

    public func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>] {
        var images: [ImageSource: Result<RGBImage, any Error>] = [:]
        var out: [String: Result<ItemOutput, any Error>] = [:]
        for item in items {
            guard case .answer(let source, let question, let maxNewTokens) = item.request else {
                out[item.id] = .failure(HarnessError.usage("item \(item.id) does not ask for an answer; this source answers questions"))
                continue
            }
            if images[source] == nil { images[source] = Result { try source.load() } }
            out[item.id] = images[source]!.flatMap { image in
                Result { .text(try model.answer(image: image, question: question, maxNewTokens: maxNewTokens).text) }
            }
        }
        return out
    }
}
