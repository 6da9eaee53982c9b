import Foundation

/// The sizes of a Hugging Face `CLIPModel` (`config.json` of openai/clip-vit-large-patch14 and its kin).
/// A field the file leaves out takes transformers' default (`CLIPTextConfig`, `CLIPVisionConfig`, `CLIPConfig`);
/// the legacy `text_config_dict` / `vision_config_dict` override `text_config` / `vision_config` field by field, as
/// transformers merges them. Generic `PretrainedConfig` fields the Hub's file carries are read past. Every size is
/// checked before anything is allocated.
public struct CLIPConfig: Equatable, Sendable {
    public var projectionDim: Int
    public var text: CLIPTextConfig
    public var vision: CLIPVisionConfig

    public init(projectionDim: Int, text: CLIPTextConfig, vision: CLIPVisionConfig) {
        self.projectionDim = projectionDim; self.text = text; self.vision = vision
    }

    /// `config.json` as written.
    struct File: Decodable {
        var modelType: String?
        var projectionDim: Int?
        var textConfig: CLIPTextConfig.Fields?
        var textConfigDict: CLIPTextConfig.Fields?
        var visionConfig: CLIPVisionConfig.Fields?
        var visionConfigDict: CLIPVisionConfig.Fields?

        enum CodingKeys: String, CodingKey {
            case modelType = "model_type", projectionDim = "projection_dim"
            case textConfig = "text_config", textConfigDict = "text_config_dict"
            case visionConfig = "vision_config", visionConfigDict = "vision_config_dict"
        }
    }

    public static func load(file: String) throws -> CLIPConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIPError.invalidConfig(file: file, detail: "cannot read the file")
        }
        return try decode(data, file: file)
    }

    public static func decode(_ data: Data, file: String) throws -> CLIPConfig {
        let raw: File
        do {
            raw = try JSONDecoder().decode(File.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) {
            throw CLIPError.invalidConfig(file: file, detail: "field \(path(context.codingPath)): expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw CLIPError.invalidConfig(file: file, detail: "field \(path(context.codingPath)): expected \(type), found null")
        } catch let DecodingError.dataCorrupted(context) {
            throw CLIPError.invalidConfig(file: file, detail: "not valid JSON or a bad value at \(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw CLIPError.invalidConfig(file: file, detail: "\(error)")
        }
        if let type = raw.modelType, type != "clip" {
            throw CLIPError.invalidConfig(file: file, detail: "model_type is '\(type)', expected 'clip' (a CLIPModel with both towers)")
        }
        let text = CLIPTextConfig(merging: raw.textConfigDict, over: raw.textConfig)
        let vision = CLIPVisionConfig(merging: raw.visionConfigDict, over: raw.visionConfig)
        let config = CLIPConfig(projectionDim: raw.projectionDim ?? 512, text: text, vision: vision)
        try config.validate(file: file)
        return config
    }

    static func path(_ keys: [CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }

    func validate(file: String) throws {
        func check(_ ok: Bool, _ detail: @autoclosure () -> String) throws {
            if !ok { throw CLIPError.invalidConfig(file: file, detail: detail()) }
        }
        try check((1...65_536).contains(projectionDim), "projection_dim \(projectionDim) is out of range (1...65536)")
        for (name, t) in [("text_config", (text.hiddenSize, text.intermediateSize, text.layers, text.heads, text.hiddenAct, text.layerNormEps)),
                          ("vision_config", (vision.hiddenSize, vision.intermediateSize, vision.layers, vision.heads, vision.hiddenAct, vision.layerNormEps))] {
            try check((1...65_536).contains(t.0), "\(name).hidden_size \(t.0) is out of range (1...65536)")
            try check((1...262_144).contains(t.1), "\(name).intermediate_size \(t.1) is out of range (1...262144)")
            try check((0...512).contains(t.2), "\(name).num_hidden_layers \(t.2) is out of range (0...512)")
            try check(t.3 > 0 && t.0 % t.3 == 0, "\(name).hidden_size \(t.0) must be a positive multiple of num_attention_heads \(t.3)")
            try check(CLIPActivation(rawValue: t.4) != nil, "\(name).hidden_act is '\(t.4)', expected one of \(CLIPActivation.allCases.map(\.rawValue).joined(separator: ", "))")
            try check(t.5.isFinite && t.5 > 0 && t.5 < 1, "\(name).layer_norm_eps \(t.5) must be in (0, 1)")
        }
        try check((1...1_000_000).contains(text.vocabSize), "text_config.vocab_size \(text.vocabSize) is out of range (1...1000000)")
        try check((2...65_536).contains(text.maxPositions), "text_config.max_position_embeddings \(text.maxPositions) is out of range (2...65536)")
        try check(vision.channels == 3, "vision_config.num_channels is \(vision.channels), expected 3 (RGB)")
        try check((1...8192).contains(vision.imageSize), "vision_config.image_size \(vision.imageSize) is out of range (1...8192)")
        try check(vision.patchSize > 0 && vision.imageSize % vision.patchSize == 0,
                  "vision_config.image_size \(vision.imageSize) must be a multiple of patch_size \(vision.patchSize)")
    }
}

/// The activation inside the MLPs: `quick_gelu` (x·σ(1.702x), OpenAI's weights) or `gelu` (erf).
public enum CLIPActivation: String, CaseIterable, Sendable {
    case quickGELU = "quick_gelu"
    case gelu
}

/// The text tower's sizes (transformers' `CLIPTextConfig` defaults).
public struct CLIPTextConfig: Equatable, Sendable {
    public var vocabSize = 49408
    public var hiddenSize = 512
    public var intermediateSize = 2048
    public var layers = 12
    public var heads = 8
    public var maxPositions = 77
    public var hiddenAct = "quick_gelu"
    public var layerNormEps: Double = 1e-5
    /// 2 in the OpenAI checkpoints' configs (from before transformers PR #24773): the pooled token is then the
    /// position of the largest id (`<|endoftext|>`); otherwise the first position holding this id.
    public var eosTokenID = 49407

    public init() {}

    struct Fields: Decodable {
        var vocabSize: Int?, hiddenSize: Int?, intermediateSize: Int?, layers: Int?, heads: Int?, maxPositions: Int?
        var hiddenAct: String?, layerNormEps: Double?, eosTokenID: Int?
        enum CodingKeys: String, CodingKey {
            case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
            case layers = "num_hidden_layers", heads = "num_attention_heads", maxPositions = "max_position_embeddings"
            case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", eosTokenID = "eos_token_id"
        }
    }

    init(merging top: Fields?, over base: Fields?) {
        func pick<T>(_ k: KeyPath<Fields, T?>) -> T? { top?[keyPath: k] ?? base?[keyPath: k] }
        if let v = pick(\.vocabSize) { vocabSize = v }
        if let v = pick(\.hiddenSize) { hiddenSize = v }
        if let v = pick(\.intermediateSize) { intermediateSize = v }
        if let v = pick(\.layers) { layers = v }
        if let v = pick(\.heads) { heads = v }
        if let v = pick(\.maxPositions) { maxPositions = v }
        if let v = pick(\.hiddenAct) { hiddenAct = v }
        if let v = pick(\.layerNormEps) { layerNormEps = v }
        if let v = pick(\.eosTokenID) { eosTokenID = v }
    }
}

/// The vision tower's sizes (transformers' `CLIPVisionConfig` defaults).
public struct CLIPVisionConfig: Equatable, Sendable {
    public var hiddenSize = 768
    public var intermediateSize = 3072
    public var layers = 12
    public var heads = 12
    public var channels = 3
    public var imageSize = 224
    public var patchSize = 32
    public var hiddenAct = "quick_gelu"
    public var layerNormEps: Double = 1e-5

    public init() {}

    public var gridSide: Int { imageSize / patchSize }
    /// Patches plus the class token.
    public var tokenCount: Int { gridSide * gridSide + 1 }

    struct Fields: Decodable {
        var hiddenSize: Int?, intermediateSize: Int?, layers: Int?, heads: Int?, channels: Int?, imageSize: Int?, patchSize: Int?
        var hiddenAct: String?, layerNormEps: Double?
        enum CodingKeys: String, CodingKey {
            case hiddenSize = "hidden_size", intermediateSize = "intermediate_size", layers = "num_hidden_layers"
            case heads = "num_attention_heads", channels = "num_channels", imageSize = "image_size", patchSize = "patch_size"
            case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
        }
    }

    init(merging top: Fields?, over base: Fields?) {
        func pick<T>(_ k: KeyPath<Fields, T?>) -> T? { top?[keyPath: k] ?? base?[keyPath: k] }
        if let v = pick(\.hiddenSize) { hiddenSize = v }
        if let v = pick(\.intermediateSize) { intermediateSize = v }
        if let v = pick(\.layers) { layers = v }
        if let v = pick(\.heads) { heads = v }
        if let v = pick(\.channels) { channels = v }
        if let v = pick(\.imageSize) { imageSize = v }
        if let v = pick(\.patchSize) { patchSize = v }
        if let v = pick(\.hiddenAct) { hiddenAct = v }
        if let v = pick(\.layerNormEps) { layerNormEps = v }
    }
}
