import Foundation
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
            return mmdet(name)
        }
    }

    /// mmdet 2.x → Hugging Face, read from mmdet's source (`SwinTransformer` in backbones/swin.py,
    /// `MSDeformAttnPixelDecoder` in plugins/msdeformattn_pixel_decoder.py, `Mask2FormerHead` in
    /// dense_heads/mask2former_head.py, mmcv's `ConvModule` conv/gn, `FFN` layers.0.0/layers.1 and
    /// `BaseTransformerLayer` attentions/norms in operation order). Tensors that differ in form, not only in name,
    /// keep a marker name the network reads specially: the fused Swin `qkv` and decoder self-attention `in_proj`
    /// (split into views), and PatchMerging's `unfold_norm` / `unfold_reduction` (mmdet merges 2×2 patches with
    /// nn.Unfold, channel c·4 + 2·row + column, where transformers concatenates the four patches; permuted at load).
    /// A name no rule knows is passed through unchanged, so strict loading lists it as unused.
    static func mmdet(_ original: String) -> SanitizedName {
        var name = original
        if name.hasPrefix("state_dict.") { name.removeFirst("state_dict.".count) }
        if original.hasPrefix("meta.") { return .knownUnused }
        if name.hasSuffix(".relative_position_index") { return .knownUnused }
        func rewrite(_ prefix: String, _ rules: [(String, String)], into target: String) -> String? {
            guard name.hasPrefix(prefix) else { return nil }
            var rest = String(name.dropFirst(prefix.count))
            for (pattern, replacement) in rules {
                if let r = replace(rest, pattern, replacement) { rest = r; break }
            }
            return target + rest
        }
        let backbone: [(String, String)] = [
            ("^patch_embed\\.projection\\.", "embeddings.patch_embeddings.projection."),
            ("^patch_embed\\.norm\\.", "embeddings.norm."),
            ("^stages\\.(\\d+)\\.blocks\\.(\\d+)\\.norm1\\.", "encoder.layers.$1.blocks.$2.layernorm_before."),
            ("^stages\\.(\\d+)\\.blocks\\.(\\d+)\\.norm2\\.", "encoder.layers.$1.blocks.$2.layernorm_after."),
            ("^stages\\.(\\d+)\\.blocks\\.(\\d+)\\.attn\\.w_msa\\.qkv\\.", "encoder.layers.$1.blocks.$2.attention.self.qkv."),
            ("^stages\\.(\\d+)\\.blocks\\.(\\d+)\\.attn\\.w_msa\\.proj\\.", "encoder.layers.$1.blocks.$2.attention.output.dense."),
            ("^stages\\.(\\d+)\\.blocks\\.(\\d+)\\.attn\\.w_msa\\.relative_position_bias_table$",
             "encoder.layers.$1.blocks.$2.attention.self.relative_position_bias_table"),
            ("^stages\\.(\\d+)\\.blocks\\.(\\d+)\\.ffn\\.layers\\.0\\.0\\.", "encoder.layers.$1.blocks.$2.intermediate.dense."),
            ("^stages\\.(\\d+)\\.blocks\\.(\\d+)\\.ffn\\.layers\\.1\\.", "encoder.layers.$1.blocks.$2.output.dense."),
            ("^stages\\.(\\d+)\\.downsample\\.norm\\.", "encoder.layers.$1.downsample.unfold_norm."),
            ("^stages\\.(\\d+)\\.downsample\\.reduction\\.", "encoder.layers.$1.downsample.unfold_reduction."),
        ]
        if name.hasPrefix("backbone.norm"), let r = replace(name, "^backbone\\.norm(\\d)\\.", "NORM$1.") {
            // norm0…norm3 → hidden_states_norms.stage1…stage4
            let digit = Int(String(r.dropFirst(4).prefix(1)))!
            return .use("model.pixel_level_module.encoder.hidden_states_norms.stage\(digit + 1)." + r.dropFirst(6))
        }
        if let r = rewrite("backbone.", backbone, into: "model.pixel_level_module.encoder.") { return .use(r) }
        let pixel: [(String, String)] = [
            ("^input_convs\\.(\\d+)\\.conv\\.", "input_projections.$1.0."),
            ("^input_convs\\.(\\d+)\\.gn\\.", "input_projections.$1.1."),
            ("^level_encoding\\.weight$", "level_embed"),
            ("^encoder\\.layers\\.(\\d+)\\.attentions\\.0\\.", "encoder.layers.$1.self_attn."),
            ("^encoder\\.layers\\.(\\d+)\\.norms\\.0\\.", "encoder.layers.$1.self_attn_layer_norm."),
            ("^encoder\\.layers\\.(\\d+)\\.norms\\.1\\.", "encoder.layers.$1.final_layer_norm."),
            ("^encoder\\.layers\\.(\\d+)\\.ffns\\.0\\.layers\\.0\\.0\\.", "encoder.layers.$1.fc1."),
            ("^encoder\\.layers\\.(\\d+)\\.ffns\\.0\\.layers\\.1\\.", "encoder.layers.$1.fc2."),
            ("^mask_feature\\.", "mask_projection."),
        ]
        if name.hasPrefix("panoptic_head.pixel_decoder.") {
            // lateral_convs.i / output_convs.i read feature i in mmdet's forward → adapter_(i+1) / layer_(i+1)
            if let r = replace(name, "^panoptic_head\\.pixel_decoder\\.(lateral|output)_convs\\.(\\d+)\\.(conv|gn)\\.(.*)$", "$1 $2 $3 $4") {
                let parts = r.split(separator: " ").map(String.init)
                let index = Int(parts[1])! + 1
                let module = parts[0] == "lateral" ? "adapter_\(index)" : "layer_\(index)"
                return .use("model.pixel_level_module.decoder.\(module).\(parts[2] == "conv" ? 0 : 1).\(parts[3])")
            }
            if let r = rewrite("panoptic_head.pixel_decoder.", pixel, into: "model.pixel_level_module.decoder.") { return .use(r) }
        }
        if name.hasPrefix("panoptic_head.cls_embed.") { return .use("class_predictor." + name.dropFirst("panoptic_head.cls_embed.".count)) }
        let head: [(String, String)] = [
            ("^transformer_decoder\\.layers\\.(\\d+)\\.attentions\\.0\\.attn\\.", "decoder.layers.$1.cross_attn."),
            ("^transformer_decoder\\.layers\\.(\\d+)\\.attentions\\.1\\.attn\\.", "decoder.layers.$1.self_attn."),
            ("^transformer_decoder\\.layers\\.(\\d+)\\.norms\\.0\\.", "decoder.layers.$1.cross_attn_layer_norm."),
            ("^transformer_decoder\\.layers\\.(\\d+)\\.norms\\.1\\.", "decoder.layers.$1.self_attn_layer_norm."),
            ("^transformer_decoder\\.layers\\.(\\d+)\\.norms\\.2\\.", "decoder.layers.$1.final_layer_norm."),
            ("^transformer_decoder\\.layers\\.(\\d+)\\.ffns\\.0\\.layers\\.0\\.0\\.", "decoder.layers.$1.fc1."),
            ("^transformer_decoder\\.layers\\.(\\d+)\\.ffns\\.0\\.layers\\.1\\.", "decoder.layers.$1.fc2."),
            ("^transformer_decoder\\.post_norm\\.", "decoder.layernorm."),
            ("^query_embed\\.weight$", "queries_embedder.weight"),
            ("^query_feat\\.weight$", "queries_features.weight"),
            ("^decoder_input_projs\\.(\\d+)\\.", "input_projections.$1."),
            ("^mask_embed\\.0\\.", "decoder.mask_predictor.mask_embedder.0.0."),
            ("^mask_embed\\.2\\.", "decoder.mask_predictor.mask_embedder.1.0."),
            ("^mask_embed\\.4\\.", "decoder.mask_predictor.mask_embedder.2.0."),
        ]
        if let r = rewrite("panoptic_head.", head, into: "model.transformer_module."), r != "model.transformer_module." + name.dropFirst("panoptic_head.".count) || name.hasPrefix("panoptic_head.level_embed.") {
            return .use(r)
        }
        return .use(original)
    }

    /// `pattern` (anchored as written) replaced once with `template` ($1… groups), or nil when it does not match.
    static func replace(_ text: String, _ pattern: String, _ template: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, range: range) else { return nil }
        let replaced = regex.replacementString(for: match, in: text, offset: 0, template: template)
        let matched = Range(match.range, in: text)!
        return text.replacingCharacters(in: matched, with: replaced)
    }
}
