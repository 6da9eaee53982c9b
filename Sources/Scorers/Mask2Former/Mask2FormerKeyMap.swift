import Formats

/// Checkpoint key layouts of Mask2Former Swin and their map onto the Hugging Face names the network loads.
public enum Mask2FormerKeyMap {
    public enum Layout: String, Sendable {
        /// transformers' `Mask2FormerForUniversalSegmentation` state dict (`facebook/mask2former-swin-small-coco-instance`).
        case huggingFace
        /// mmdetection 2.x `Mask2Former` (`mask2former_swin-s-p4-w7-224_lsj_8x2_50e_coco` .pth, under `state_dict`).
        case mmdet
    }

    /// mmdet checkpoints hold `backbone.*` / `panoptic_head.*` (under a `state_dict.` prefix when read as a whole .pth).
    public static func detect(_ names: [String]) -> Layout {
        names.contains { $0.hasPrefix("backbone.") || $0.hasPrefix("state_dict.backbone.") || $0.hasPrefix("panoptic_head.")
            || $0.hasPrefix("state_dict.panoptic_head.") } ? .mmdet : .huggingFace
    }

    public static func sanitize(_ name: String, layout: Layout, config: Mask2FormerConfig) -> SanitizedName {
        switch layout {
        case .huggingFace:
            // Buffers and the loss's class weights: saved by transformers, read by no forward pass.
            if name.hasSuffix(".relative_position_index") || name == "criterion.empty_weight" { return .knownUnused }
            return .use(name)
        case .mmdet:
            return .use(name)
        }
    }
}
