import Foundation

/// `language_config` of a Janus checkpoint: a transformers `LlamaConfig`. Janus-Pro-7B writes only a few
/// fields, so every default equals transformers' LlamaConfig default.
public struct LlamaConfig: Codable, Equatable, Sendable {
    public var hiddenSize: Int = 4096
    public var intermediateSize: Int = 11008
    public var numHiddenLayers: Int = 32
    public var numAttentionHeads: Int = 32
    public var numKeyValueHeads: Int?
    public var vocabSize: Int = 32000
    public var rmsNormEps: Float = 1e-6
    public var ropeTheta: Float = 10000
    public var maxPositionEmbeddings: Int = 2048
    public var tieWordEmbeddings: Bool = false
    public var attentionBias: Bool = false
    public var mlpBias: Bool = false
    public var hiddenAct: String = "silu"
    public var headDim: Int?

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", vocabSize = "vocab_size", rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta", maxPositionEmbeddings = "max_position_embeddings"
        case tieWordEmbeddings = "tie_word_embeddings", attentionBias = "attention_bias", mlpBias = "mlp_bias"
        case hiddenAct = "hidden_act", headDim = "head_dim"
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LlamaConfig()
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads)
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize
        rmsNormEps = try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? d.rmsNormEps
        ropeTheta = try c.decodeIfPresent(Float.self, forKey: .ropeTheta) ?? d.ropeTheta
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? d.tieWordEmbeddings
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? d.attentionBias
        mlpBias = try c.decodeIfPresent(Bool.self, forKey: .mlpBias) ?? d.mlpBias
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim)
    }

    /// kv heads default to the attention heads (multi-head attention), as in transformers.
    public var keyValueHeads: Int { numKeyValueHeads ?? numAttentionHeads }
    public var resolvedHeadDim: Int { headDim ?? hiddenSize / numAttentionHeads }
}

/// One `*_config` entry of the official config.json: a class name and its constructor params.
public struct ComponentConfig: Codable, Equatable, Sendable {
    public var cls: String
    public var params: [String: JSONParam]

    enum CodingKeys: String, CodingKey { case cls, params }

    public init(cls: String, params: [String: JSONParam]) {
        self.cls = cls
        self.params = params
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cls = try c.decodeIfPresent(String.self, forKey: .cls) ?? ""
        params = try c.decodeIfPresent([String: JSONParam].self, forKey: .params) ?? [:]
    }

    public func int(_ key: String) -> Int? { params[key]?.intValue }
    public func double(_ key: String) -> Double? { params[key]?.doubleValue }
    public func string(_ key: String) -> String? { params[key]?.stringValue }
    public func ints(_ key: String) -> [Int]? { params[key]?.intArrayValue }
}

/// A JSON value inside `params` (numbers, strings, booleans, arrays, nested objects).
public indirect enum JSONParam: Codable, Equatable, Sendable {
    case number(Double), string(String), bool(Bool), array([JSONParam]), object([String: JSONParam]), null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONParam].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONParam].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }

    public var doubleValue: Double? { if case .number(let d) = self { return d }; return nil }
    public var intValue: Int? {
        guard case .number(let d) = self, d.rounded() == d, abs(d) < 1e15 else { return nil }
        return Int(d)
    }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var intArrayValue: [Int]? {
        guard case .array(let a) = self else { return nil }
        let ints = a.compactMap(\.intValue)
        return ints.count == a.count ? ints : nil
    }
}

/// The official `config.json` of a Janus-family checkpoint (`model_type: multi_modality`).
/// Janus / Janus-Pro carry vision/aligner/gen_* configs; JanusFlow carries vision_und_enc / vision_gen_*.
public struct JanusCheckpointConfig: Codable, Equatable, Sendable {
    public var modelType: String
    public var languageConfig: LlamaConfig
    public var visionConfig: ComponentConfig?
    public var alignerConfig: ComponentConfig?
    public var genVisionConfig: ComponentConfig?
    public var genAlignerConfig: ComponentConfig?
    public var genHeadConfig: ComponentConfig?
    public var visionUndEncConfig: ComponentConfig?
    public var visionGenEncConfig: ComponentConfig?
    public var visionGenDecConfig: ComponentConfig?

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", languageConfig = "language_config"
        case visionConfig = "vision_config", alignerConfig = "aligner_config"
        case genVisionConfig = "gen_vision_config", genAlignerConfig = "gen_aligner_config"
        case genHeadConfig = "gen_head_config", visionUndEncConfig = "vision_und_enc_config"
        case visionGenEncConfig = "vision_gen_enc_config", visionGenDecConfig = "vision_gen_dec_config"
    }

    /// The architecture family this config describes.
    public enum Family: String, Sendable { case janus, janusFlow = "janusflow" }

    public var family: Family { visionUndEncConfig != nil ? .janusFlow : .janus }

    /// Reads and checks `config.json`; errors name the file and the field.
    public static func load(from url: URL) throws -> JanusCheckpointConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.invalidConfig(file: url.path, detail: "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, file: url.path)
    }

    public static func decode(_ data: Data, file: String) throws -> JanusCheckpointConfig {
        let config: JanusCheckpointConfig
        do {
            config = try JSONDecoder().decode(JanusCheckpointConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ModelError.invalidConfig(file: file, detail: "missing field \(path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(type, context) {
            throw ModelError.invalidConfig(file: file, detail: "field \(path(context.codingPath)): expected \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ModelError.invalidConfig(file: file, detail: "not valid JSON or a bad value at \(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ModelError.invalidConfig(file: file, detail: "\(error)")
        }
        guard config.modelType == "multi_modality" else {
            throw ModelError.invalidConfig(file: file, detail: "model_type is '\(config.modelType)', expected 'multi_modality' (a Janus-family checkpoint)")
        }
        switch config.family {
        case .janus:
            for (name, value) in [("vision_config", config.visionConfig), ("aligner_config", config.alignerConfig)] where value == nil {
                throw ModelError.invalidConfig(file: file, detail: "missing field \(name)")
            }
        case .janusFlow:
            break
        }
        return config
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
