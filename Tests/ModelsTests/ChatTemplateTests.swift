import Foundation
import Formats
import Models
import Testing
import TestSupport

@Suite struct ChatTemplateTests {
    struct ReferencePrompt: Decodable { let question: String; let sft_format: String }
    struct Expected: Decodable { let roles: [String]; let prompts: [ReferencePrompt] }

    /// The reference processor's formatted prompts (written by make_janus_fixtures.py) are reproduced exactly.
    @Test(arguments: ["janus-tiny", "pro-tiny", "janusflow-tiny"])
    func understandingPromptMatchesTheReference(layout: String) throws {
        let data = try Data(contentsOf: FixturePaths.url("janus/\(layout)/expected.json"))
        let expected = try JSONDecoder().decode(Expected.self, from: data)
        let template = ChatTemplate(userRole: expected.roles[0], assistantRole: expected.roles[1])
        #expect(template == (layout == "pro-tiny" ? .pro : .plain))
        for prompt in expected.prompts {
            #expect(template.understandingPrompt(question: prompt.question) == prompt.sft_format)
        }
    }

    @Test func generationPromptHasNoSystemTextAndEndsWithBeginOfImage() {
        #expect(ChatTemplate.pro.generationPrompt("a red bench") == "<|User|>: a red bench\n\n<|Assistant|>:<begin_of_image>")
        #expect(ChatTemplate.plain.generationPrompt("  a cat \n") == "User: a cat\n\nAssistant:<begin_of_image>")
    }

    @Test func multiTurnUsesEndOfSentenceAfterAssistantTurns() {
        let text = ChatTemplate.plain.render([.init(role: "User", content: "hi"), .init(role: "Assistant", content: "hello"),
                                              .init(role: "User", content: "again"), .init(role: "Assistant", content: "")],
                                             systemPrompt: "SYS")
        #expect(text == "SYS\n\nUser: hi\n\nAssistant: hello<｜end▁of▁sentence｜>User: again\n\nAssistant:")
    }

    @Test func pythonStripUsesPythonsWhitespace() {
        #expect(PythonText.strip("\u{1C}\u{3000} x \u{85}") == "x")
        #expect(PythonText.strip("\u{200B}x") == "\u{200B}x")   // zero-width space is not whitespace in Python
        #expect(PythonText.strip(" \n\t ") == "")
    }
}
