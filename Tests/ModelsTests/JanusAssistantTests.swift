import Foundation
import Formats
import Models
import Testing
import TestSupport

/// End to end on the tiny checkpoints: our tokenizer + template + image expansion give the official processor's
/// input ids, and the answer ids equal the official greedy ids.
@Suite struct JanusAssistantTests {
    @Test(arguments: ["janus-tiny", "pro-tiny", "janusflow-tiny"])
    func promptIDsAndAnswersMatchTheReference(layout: String) throws {
        let folder = FixturePaths.url("janus/\(layout)")
        let assistant = try JanusAssistant(folder: folder)
        #expect(assistant.template == (layout == "pro-tiny" ? .pro : .plain))
        for prompt in try JSONReader.parse(file: folder.appendingPathComponent("expected.json").path).cursor.array("prompts") {
            let question = try prompt.string("question")
            let wantIDs = try prompt.array("input_ids").map { try $0.asInt() }
            #expect(assistant.promptIDs(question: question) == wantIDs, "\(layout): \(question)")
            let image = try PNGCodec.read(file: FixturePaths.path("janus/images/\(try prompt.string("image"))"))
            let answer = try assistant.answer(image: image, question: question, maxNewTokens: 12)
            #expect(answer.tokenIDs == (try prompt.array("greedy_ids").map { try $0.asInt() }))
            #expect(answer.text == assistant.tokenizer.decode(answer.tokenIDs))
            #expect(answer.promptTokens == wantIDs.count)
        }
    }
}
