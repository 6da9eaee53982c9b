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
