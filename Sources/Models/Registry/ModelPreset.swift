/// What janus-eval knows about one of the four official models: where it lives on the Hugging Face Hub,
/// its family and chat roles, and the files a local copy must have.
public struct ModelPreset: Equatable, Sendable {
    public var name: String
    public var displayName: String
    public var repoID: String
    /// The `ModelFamily.id` its checkpoint must have.
    public var family: String
    public var template: ChatTemplate
    /// Files the model folder must hold (weights plus tokenizer and processor files).
    public var expectedFiles: [String]
    /// Environment variable naming the model folder, checked before the Hugging Face cache.
    public var environmentVariable: String {
        "JANUS_EVAL_" + name.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_") + "_WEIGHTS"
    }
    /// A checkpoint bundled with janus-eval (the demo's tiny random-weight models), relative to the checkout.
    public var bundledPath: String?
    /// The command that downloads it.
    public var downloadCommand: String {
        bundledPath.map { "it is bundled at \($0) in the janus-eval checkout (set $JANUS_EVAL_HOME to the checkout)" }
            ?? "huggingface-cli download \(repoID)"
    }
    /// Random weights: anything scored with it is meaningless (reports say so).
    public var hasRandomWeights: Bool { bundledPath != nil }
}

/// The registry: one line per model.
public enum ModelRegistry {
    static let tokenizerFiles = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                                 "processor_config.json", "preprocessor_config.json"]

    public static let presets: [ModelPreset] = [
        ModelPreset(name: "janus-1.3b", displayName: "Janus-1.3B", repoID: "deepseek-ai/Janus-1.3B", family: JanusFamily.id,
                    template: .plain, expectedFiles: ["config.json", "model.safetensors"] + tokenizerFiles),
        ModelPreset(name: "janusflow-1.3b", displayName: "JanusFlow-1.3B", repoID: "deepseek-ai/JanusFlow-1.3B",
                    family: JanusFlowFamily.id, template: .plain, expectedFiles: ["config.json", "model.safetensors"] + tokenizerFiles),
        ModelPreset(name: "pro-1b", displayName: "Janus-Pro-1B", repoID: "deepseek-ai/Janus-Pro-1B", family: JanusFamily.id,
                    template: .pro, expectedFiles: ["config.json", "pytorch_model.bin"] + tokenizerFiles),
        ModelPreset(name: "pro-7b", displayName: "Janus-Pro-7B", repoID: "deepseek-ai/Janus-Pro-7B", family: JanusFamily.id,
                    template: .pro,
                    expectedFiles: ["config.json", "pytorch_model.bin.index.json", "pytorch_model-00001-of-00002.bin",
                                    "pytorch_model-00002-of-00002.bin"] + tokenizerFiles),
        // The embedded default: tiny random-weight checkpoints in the official layouts (scores are meaningless).
        ModelPreset(name: "demo", displayName: "demo (tiny random Janus-Pro layout)", repoID: "bundled/pro-tiny", family: JanusFamily.id,
                    template: .pro, expectedFiles: ["config.json", "pytorch_model.bin", "tokenizer.json"],
                    bundledPath: "Tests/Fixtures/janus/pro-tiny"),
        ModelPreset(name: "demo-janus", displayName: "demo (tiny random Janus-1.3B layout)", repoID: "bundled/janus-tiny",
                    family: JanusFamily.id, template: .plain, expectedFiles: ["config.json", "model.safetensors", "tokenizer.json"],
                    bundledPath: "Tests/Fixtures/janus/janus-tiny"),
        ModelPreset(name: "demo-janusflow", displayName: "demo (tiny random JanusFlow layout)", repoID: "bundled/janusflow-tiny",
                    family: JanusFlowFamily.id, template: .plain, expectedFiles: ["config.json", "model.safetensors", "tokenizer.json"],
                    bundledPath: "Tests/Fixtures/janus/janusflow-tiny"),
    ]

    public static var names: [String] { presets.map(\.name) }

    public static func preset(named name: String) throws -> ModelPreset {
        let key = name.lowercased()
        if let preset = presets.first(where: { $0.name == key || $0.displayName.lowercased() == key || $0.repoID.lowercased() == key }) {
            return preset
        }
        throw ModelError.unknownModel(name: name, known: names)
    }
}
