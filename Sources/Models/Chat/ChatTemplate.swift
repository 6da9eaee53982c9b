import Formats

/// The DeepSeek SFT template (`sft_format: "deepseek"` in janus/utils/conversation.py), as the reference
/// processor applies it: system prompt + "\n\n" when non-empty, then per message `role: content` followed by
/// "\n\n" after even messages and the EOS string after odd ones, or a bare `role:` when the content is empty;
/// every content is `.strip()`ped first and so is the whole prompt.
public struct ChatTemplate: Equatable, Sendable {
    public var userRole: String
    public var assistantRole: String

    /// Janus-Pro: the role tokens `<|User|>` / `<|Assistant|>`.
    public static let pro = ChatTemplate(userRole: "<|User|>", assistantRole: "<|Assistant|>")
    /// Janus-1.3B and JanusFlow: plain `User` / `Assistant`.
    public static let plain = ChatTemplate(userRole: "User", assistantRole: "Assistant")

    public static let endOfSentence = "<｜end▁of▁sentence｜>"
    public static let imagePlaceholder = "<image_placeholder>"
    public static let beginOfImage = "<begin_of_image>"
    public static let endOfImage = "<end_of_image>"
    public static let pad = "<｜▁pad▁｜>"

    /// `VLChatProcessor.system_prompt`, used for understanding only (generation passes "").
    public static let understandingSystemPrompt =
        "You are a helpful language and vision assistant. You are able to understand the visual content that the user "
        + "provides, and assist the user with a variety of tasks using natural language."

    public init(userRole: String, assistantRole: String) {
        self.userRole = userRole
        self.assistantRole = assistantRole
    }

    /// A conversation message: a role string and its content.
    public struct Message: Equatable, Sendable {
        public var role: String
        public var content: String
        public init(role: String, content: String) { self.role = role; self.content = content }
    }

    /// Formats messages exactly as `apply_sft_template_for_multi_turn_prompts`.
    public func render(_ messages: [Message], systemPrompt: String) -> String {
        var text = systemPrompt.isEmpty ? "" : systemPrompt + "\n\n"
        for (i, message) in messages.enumerated() {
            let content = PythonText.strip(message.content)
            if content.isEmpty {
                text += message.role + ":"
            } else {
                text += message.role + ": " + content + (i % 2 == 0 ? "\n\n" : Self.endOfSentence)
            }
        }
        return PythonText.strip(text)
    }

    /// The understanding prompt for one image and a question: system prompt, the user turn with the
    /// placeholder on its own line, and an empty assistant turn.
    public func understandingPrompt(question: String, systemPrompt: String = ChatTemplate.understandingSystemPrompt) -> String {
        render([Message(role: userRole, content: Self.imagePlaceholder + "\n" + question),
                Message(role: assistantRole, content: "")], systemPrompt: systemPrompt)
    }

    /// The text-to-image prompt: no system prompt, then `<begin_of_image>` appended with no space.
    public func generationPrompt(_ prompt: String) -> String {
        render([Message(role: userRole, content: prompt), Message(role: assistantRole, content: "")], systemPrompt: "")
            + Self.beginOfImage
    }
}
