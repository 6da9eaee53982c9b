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
        hiddenSize = try c.decodeSetting(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeSetting(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        numHiddenLayers = try c.decodeSetting(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeSetting(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads)
        vocabSize = try c.decodeSetting(Int.self, forKey: .vocabSize) ?? d.vocabSize
        rmsNormEps = try c.decodeSetting(Float.self, forKey: .rmsNormEps) ?? d.rmsNormEps
        ropeTheta = try c.decodeSetting(Float.self, forKey: .ropeTheta) ?? d.ropeTheta
        maxPositionEmbeddings = try c.decodeSetting(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        tieWordEmbeddings = try c.decodeSetting(Bool.self, forKey: .tieWordEmbeddings) ?? d.tieWordEmbeddings
        attentionBias = try c.decodeSetting(Bool.self, forKey: .attentionBias) ?? d.attentionBias
        mlpBias = try c.decodeSetting(Bool.self, forKey: .mlpBias) ?? d.mlpBias
        hiddenAct = try c.decodeSetting(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim)
    }

    /// Sizes that cannot build a model (zero or negative, heads that do not divide the width, sizes beyond any real
    /// checkpoint) are refused here, naming the field, before anything is allocated.
    public func validate(file: String) throws {
        func field(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw ModelError.invalidConfig(file: file, detail: "language_config.\(name) is \(value); expected \(range.lowerBound)…\(range.upperBound)")
            }
        }
        try field("hidden_size", hiddenSize, 1...65_536)
        try field("intermediate_size", intermediateSize, 1...262_144)
        try field("num_hidden_layers", numHiddenLayers, 1...1_024)
        try field("num_attention_heads", numAttentionHeads, 1...1_024)
        try field("num_key_value_heads", keyValueHeads, 1...numAttentionHeads)
        try field("vocab_size", vocabSize, 1...4_194_304)
        try field("max_position_embeddings", maxPositionEmbeddings, 1...1_048_576)
        if let headDim { try field("head_dim", headDim, 1...4_096) }
        guard headDim != nil || hiddenSize % numAttentionHeads == 0 else {
            throw ModelError.invalidConfig(file: file, detail: "language_config.hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard numAttentionHeads % keyValueHeads == 0 else {
            throw ModelError.invalidConfig(file: file, detail: "language_config.num_attention_heads \(numAttentionHeads) is not a multiple of num_key_value_heads \(keyValueHeads)")
        }
        guard rmsNormEps.isFinite, rmsNormEps > 0, ropeTheta.isFinite, ropeTheta > 0 else {
            throw ModelError.invalidConfig(file: file, detail: "language_config.rms_norm_eps and rope_theta must be positive and finite (found \(rmsNormEps), \(ropeTheta))")
        }
    }

    /// kv heads default to the attention heads (multi-head attention), as in transformers.
    public var keyValueHeads: Int { numKeyValueHeads ?? numAttentionHeads }
    public var resolvedHeadDim: Int { headDim ?? hiddenSize / numAttentionHeads }
}

extension KeyedDecodingContainer {
    /// A setting with a default: absent means the default (as in transformers), but an explicit `null` is refused
    /// (transformers would keep `None` and fail later, far from the cause).
    func decodeSetting<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key],
                                                          debugDescription: "null where a value is needed"))
        }
        return try decode(type, forKey: key)
    }
}
