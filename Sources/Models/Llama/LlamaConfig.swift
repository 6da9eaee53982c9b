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
