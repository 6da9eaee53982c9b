import Foundation

/// The tokenizer of a Janus-family folder and the chat roles that go with it: the given ones, else Pro roles when
/// the tokenizer has `<|User|>` (design.md: a folder given with --weights), else `User` / `Assistant`.
enum JanusTokenizer {
    static func load(folder: URL, template: ChatTemplate?) throws -> (BPETokenizer, ChatTemplate) {
        let tokenizer = try BPETokenizer(file: folder.appendingPathComponent("tokenizer.json").path)
        return (tokenizer, template ?? (tokenizer.id(of: "<|User|>") != nil ? .pro : .plain))
    }
}
