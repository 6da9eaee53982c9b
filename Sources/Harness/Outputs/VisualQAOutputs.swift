import Formats
import Models
import Suites

/// Answers from a model inside the harness (`VisualQA`), greedy, as the suites' requests say. The items of one work
/// group are the questions about one image: the image is read once, and questions sharing a prompt prefix (the
/// image and what precedes the question) go to the model together, which computes that prefix once.
public final class VisualQAOutputs: ItemOutputSource {
    public let model: any VisualQA
    public let configuration: JSONObject
    public let name: String

    public init(model: any VisualQA, name: String, configuration: JSONObject) {
        self.model = model; self.name = name; self.configuration = configuration
    }

    public var prefixCacheStatistics: PrefixCacheStatistics? { model.prefixCacheStatistics }

    public func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>] {
        var images: [ImageSource: Result<RGBImage, any Error>] = [:]
        var out: [String: Result<ItemOutput, any Error>] = [:]
        // Batches: items asking about one image with one prefix key, in first-seen order.
        var batches: [(source: ImageSource, prefix: String, items: [(id: String, question: VisualQuestion)])] = []
        for item in items {
            guard case .answer(let source, let question, let maxNewTokens) = item.request else {
                out[item.id] = .failure(HarnessError.usage("item \(item.id) does not ask for an answer; this source answers questions"))
                continue
            }
            let entry = (item.id, VisualQuestion(question, maxNewTokens: maxNewTokens))
            if let b = batches.firstIndex(where: { $0.source == source && $0.prefix == item.prefixKey }) {
                batches[b].items.append(entry)
            } else {
                batches.append((source, item.prefixKey, [entry]))
            }
        }
        for batch in batches {
            if images[batch.source] == nil { images[batch.source] = Result { try batch.source.load() } }
            switch images[batch.source]! {
            case .failure(let error):
                for (id, _) in batch.items { out[id] = .failure(error) }
            case .success(let image):
                let answers = model.answers(image: image, imageKey: batch.source.key, questions: batch.items.map(\.question))
                for ((id, _), answer) in zip(batch.items, answers) { out[id] = answer.map { .text($0.text) } }
            }
        }
        return out
    }
}
