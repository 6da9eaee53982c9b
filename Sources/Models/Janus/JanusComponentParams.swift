/// Typed `params` of the Janus-specific components in the official config.json (the shared ones, SigLIP and
/// VQ-16, own their configs in their folders). Absent fields take the reference constructors' defaults.
public enum JanusComponentParams {
    /// `aligner_config` / `gen_aligner_config`: `MlpProjector(projector_type, depth, input_dim, n_embed)`.
    public struct Aligner: Codable, Equatable, Sendable {
        public var projectorType: String?
        public var depth: Int?
        public var inputDim: Int?
        public var nEmbed: Int?
        enum CodingKeys: String, CodingKey { case projectorType = "projector_type", depth, inputDim = "input_dim", nEmbed = "n_embed" }
        public init(projectorType: String? = nil, depth: Int? = nil, inputDim: Int? = nil, nEmbed: Int? = nil) {
            self.projectorType = projectorType; self.depth = depth; self.inputDim = inputDim; self.nEmbed = nEmbed
        }
    }

    /// `gen_vision_config`: the VQ model plus the size of the generation embedding table.
    public struct GenVision: Codable, Equatable, Sendable {
        public var imageTokenSize: Int?
        public var nEmbed: Int?
        enum CodingKeys: String, CodingKey { case imageTokenSize = "image_token_size", nEmbed = "n_embed" }
    }

    /// `gen_head_config`: `vision_head(image_token_embed, image_token_size, n_embed)`.
    public struct GenHead: Codable, Equatable, Sendable {
        public var imageTokenEmbed: Int?
        public var imageTokenSize: Int?
        public var nEmbed: Int?
        enum CodingKeys: String, CodingKey { case imageTokenEmbed = "image_token_embed", imageTokenSize = "image_token_size", nEmbed = "n_embed" }
    }
}
