import Formats

/// The official Janus / Janus-Pro / JanusFlow key layout as strict loading sees it: the names are used as they
/// are, and the tensors the reference keeps in its checkpoints but never reads are dropped (SigLIP's attention
/// pooling head, Llama's cached RoPE frequencies, the VQ codebook usage counter).
public enum JanusCheckpointLayout {
    public static func sanitize(_ name: String) -> SanitizedName {
        if name.contains(".attn_pool.") || name.hasSuffix("rotary_emb.inv_freq") || name.hasSuffix("quantize.codebook_used") {
            return .knownUnused
        }
        return .use(name)
    }

    /// A strict loader over the weights of a model folder.
    public static func loader(folder: String) throws -> WeightLoader {
        WeightLoader(try CheckpointFiles.openFolder(folder), sanitize: sanitize)
    }
}
