"""Mask2Former (Swin backbone, COCO instance layout) parity fixtures: transformers 4.57.6's
Mask2FormerForUniversalSegmentation on seeded random weights at a tiny config.

Writes Tests/Fixtures/mask2former/tiny/:
- config.json          the Hugging Face layout (Mask2FormerConfig.to_dict(), as facebook/mask2former-swin-small-coco-instance)
- model.safetensors    random weights in the Hugging Face key layout (f32)
- expected.safetensors pixel_values [1, 3, H, W] (already normalised), class_queries_logits [1, Q, L + 1],
                       masks_queries_logits [1, Q, H/4, W/4], plus the first backbone feature map and the mask features
                       (to localise a divergence)
- expected.json        the smallest |attention-mask logit| the masked attention thresholded (the margin that keeps the
                       0.5 threshold decided by more than float rounding), and the max |logit| of each output

Random weights: transformers' own init leaves many tensors at constants (zeros, ones) that would hide layout bugs, so
every floating parameter is redrawn from one seeded generator (weights ~ N(0, 1/fan_in), biases and norms ~ N(0, 0.1)
around their init, level embeddings and relative position tables ~ N(0, 0.5)).
"""
import hashlib
import json
import pathlib
from collections import OrderedDict

import cv2
import numpy as np
from PIL import Image

import torchvision_stub  # noqa: F401  (transformers imports torchvision; see torchvision_stub.py)
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from transformers import Mask2FormerConfig, Mask2FormerForUniversalSegmentation, SwinConfig

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "mask2former"


def tiny_config() -> Mask2FormerConfig:
    backbone = SwinConfig(image_size=224, num_channels=3, patch_size=4, embed_dim=16, depths=[2, 2, 2, 2],
                          num_heads=[1, 2, 2, 4], window_size=7, drop_path_rate=0.0, use_absolute_embeddings=False,
                          out_features=["stage1", "stage2", "stage3", "stage4"])
    names = ["person", "bicycle", "car", "motorcycle", "airplane"]
    return Mask2FormerConfig(backbone_config=backbone, feature_size=32, mask_feature_size=32, hidden_dim=32,
                             encoder_feedforward_dim=64, encoder_layers=2, decoder_layers=4, num_attention_heads=4,
                             dim_feedforward=64, num_queries=8, num_labels=len(names),
                             id2label={i: n for i, n in enumerate(names)}, label2id={n: i for i, n in enumerate(names)})


def randomise(model: torch.nn.Module, generator: torch.Generator):
    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.split(".")[-1]
            if "relative_position_bias_table" in name or "level_embed" in name:
                p.copy_(torch.randn(p.shape, generator=generator) * 0.5)
            elif p.ndim == 1 and leaf == "weight":          # LayerNorm / GroupNorm scale
                p.copy_(1 + torch.randn(p.shape, generator=generator) * 0.1)
            elif p.ndim == 1:                               # biases
                p.copy_(torch.randn(p.shape, generator=generator) * 0.1)
            else:
                fan_in = p[0].numel() if p.ndim > 1 else p.shape[-1]
                if "queries" in name:
                    fan_in = 1
                p.copy_(torch.randn(p.shape, generator=generator) / fan_in ** 0.5)


def attention_margin(model, pixel_values) -> float:
    """Smallest |mask logit| at the points the masked attention thresholds (sigmoid < 0.5 ⇔ logit < 0)."""
    margins, blocked, all_blocked = [], [], []
    predictor = model.model.transformer_module.decoder.mask_predictor
    original = predictor.forward

    def wrapped(outputs, pixel_embeddings, size=None):
        mask_embeddings = predictor.mask_embedder(outputs.transpose(0, 1))
        logits = torch.einsum("bqc, bchw -> bqhw", mask_embeddings, pixel_embeddings)
        resized = torch.nn.functional.interpolate(logits, size=size, mode="bilinear", align_corners=False)
        margins.append(float(resized.abs().min()))
        hidden = resized.sigmoid() < 0.5
        blocked.append(float(hidden.float().mean()))
        all_blocked.append(int(hidden.flatten(2).all(-1).sum()))
        return original(outputs, pixel_embeddings, size)

    predictor.forward = wrapped
    with torch.no_grad():
        model(pixel_values=pixel_values)
    predictor.forward = original
    # The last prediction's attention mask is never used.
    return min(margins[:-1]), blocked[:-1], all_blocked[:-1]


def make_tiny():
    folder = OUT / "tiny"
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    config = tiny_config()
    model = Mask2FormerForUniversalSegmentation(config).eval()
    # The first seed whose masked attention really is partial in every layer (20–80 % of the keys hidden), so the
    # fixture exercises the mask and not only the "every key hidden → none hidden" rule, with a threshold margin
    # far above float rounding.
    for seed in range(13, 200):
        generator = torch.Generator().manual_seed(seed)
        randomise(model, generator)
        pixel_values = torch.randn((1, 3, 64, 96), generator=generator)
        margin, blocked, all_blocked = attention_margin(model, pixel_values)
        if margin > 1e-4 and all(0.2 <= b <= 0.8 for b in blocked):
            break
    print(f"seed {seed}: blocked fractions {blocked}, queries with every key blocked {all_blocked}")
    with torch.no_grad():
        out = model(pixel_values=pixel_values, output_hidden_states=True)
    # Every tensor of the state dict, as save_pretrained writes it (the relative_position_index buffers included).
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(config.to_json_string())
    expected = {
        "pixel_values": pixel_values.contiguous(),
        "class_queries_logits": out.class_queries_logits.contiguous(),
        "masks_queries_logits": out.masks_queries_logits.contiguous(),
        "encoder_feature_0": out.encoder_hidden_states[0].contiguous(),
        "encoder_feature_3": out.encoder_hidden_states[3].contiguous(),
        "mask_features": out.pixel_decoder_last_hidden_state.contiguous(),
    }
    save_file(expected, str(folder / "expected.safetensors"))
    info = {"seed": seed,"attention_mask_min_abs_logit": margin,
            "attention_blocked_fraction_per_layer": blocked,
            "queries_with_every_key_blocked_per_layer": all_blocked,
            "max_abs_class_logit": float(out.class_queries_logits.abs().max()),
            "max_abs_mask_logit": float(out.masks_queries_logits.abs().max()),
}
    (folder / "expected.json").write_text(json.dumps(info, indent=1) + "\n")
    print(f"wrote {folder}: class {tuple(out.class_queries_logits.shape)}, masks {tuple(out.masks_queries_logits.shape)}, "
          f"attention margin {margin:.3g}, {len(state)} tensors")
    return model, config


# GenEval's prompts/object_names.txt order (= mmdet's COCO class order), GenEval's spellings.
COCO_NAMES = ["person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
              "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
              "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
              "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
              "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
              "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
              "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "computer mouse", "tv remote",
              "computer keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book",
              "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush"]
GENEVAL_SCALE = (1333, 800)   # mmdet 2.x test_pipeline img_scale (long, short)
MEAN = (123.675, 116.28, 103.53)
STD = (58.395, 57.12, 57.375)


def drawn_image(width: int, height: int, seed: int) -> np.ndarray:
    """A procedurally drawn RGB uint8 image: gradients, two rectangles, a disc and seeded noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    img = np.stack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), (x + y) * 127 // max(width + height - 2, 1)], -1)
    img[height // 5: height // 2, width // 6: width // 2] = (220, 30, 40)
    img[height // 2: height - 3, width // 2: width - 4] = (30, 60, 200)
    disc = (x - width * 0.7) ** 2 + (y - height * 0.3) ** 2 < (min(width, height) * 0.18) ** 2
    img[disc] = (240, 240, 30)
    img = img.astype(np.int32) + rng.integers(-12, 13, size=img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def rescale_size(width: int, height: int, scale=GENEVAL_SCALE):
    """mmcv.rescale_size with keep_ratio: s = min(long / max side, short / min side), int(side·s + 0.5)."""
    factor = min(max(scale) / max(height, width), min(scale) / min(height, width))
    return int(width * float(factor) + 0.5), int(height * float(factor) + 0.5)


def geneval_pipeline(rgb: np.ndarray):
    """mmdet 2.x test_pipeline as GenEval runs it: Resize(keep_ratio, cv2 INTER_LINEAR on uint8), Normalize
    (BGR→RGB, mean/std in float32), Pad(size_divisor=32, zeros after normalising). `rgb` is what mmcv.imread's BGR
    image is after the to_rgb flip (the resize works per channel)."""
    h, w = rgb.shape[:2]
    new_w, new_h = rescale_size(w, h)
    resized = cv2.resize(rgb, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    img = resized.astype(np.float32)
    img = (img - np.float32(MEAN)) * (np.float32(1) / np.float32(STD))
    pad_h, pad_w = (new_h + 31) // 32 * 32, (new_w + 31) // 32 * 32
    padded = np.zeros((pad_h, pad_w, 3), np.float32)
    padded[:new_h, :new_w] = img
    pixels = torch.from_numpy(padded).permute(2, 0, 1)[None].contiguous()
    return pixels, resized, (new_h, new_w), (pad_h, pad_w)


def mmdet_instances(class_logits, mask_logits, pad_shape, img_shape, ori_shape, max_per_image):
    """A re-implementation of mmdet 2.x Mask2FormerHead.simple_test + MaskFormerFusionHead (instance_on): masks
    upsampled to the padded input, cropped to the resized image, resized to the original; softmax without the
    no-object class; top-k (query, class) pairs over the flattened scores; mask = logit > 0; score = class prob ×
    mean sigmoid inside the mask (+1e-6 in the denominator); box = mask2bbox (x1, y1, x2 + 1, y2 + 1; zeros when
    empty). Returned sorted by score (descending), ties by flattened index."""
    num_queries, num_classes = class_logits.shape[0], class_logits.shape[1] - 1
    masks = F.interpolate(mask_logits[None], size=pad_shape, mode="bilinear", align_corners=False)[0]
    masks = masks[:, :img_shape[0], :img_shape[1]]
    masks = F.interpolate(masks[:, None], size=ori_shape, mode="bilinear", align_corners=False)[:, 0]
    scores = F.softmax(class_logits, dim=-1)[:, :-1]
    labels = torch.arange(num_classes).unsqueeze(0).repeat(num_queries, 1).flatten(0, 1)
    flat = scores.flatten(0, 1)
    order = sorted(range(flat.numel()), key=lambda i: (-float(flat[i]), i))[:max_per_image]
    top = torch.tensor(order)
    chosen = masks[top // num_classes]
    binary = (chosen > 0).float()
    mask_scores = (chosen.sigmoid() * binary).flatten(1).sum(1) / (binary.flatten(1).sum(1) + 1e-6)
    det = flat[top] * mask_scores
    instances = []
    for n, i in enumerate(order):
        b = binary[n].bool()
        xs = torch.where(b.any(0))[0]
        ys = torch.where(b.any(1))[0]
        box = [int(xs[0]), int(ys[0]), int(xs[-1]) + 1, int(ys[-1]) + 1] if len(xs) and len(ys) else [0, 0, 0, 0]
        instances.append({"query": i // num_classes, "label": i % num_classes, "class_score": float(flat[i]),
                          "score": float(det[n]), "box": box, "mask_pixels": int(b.sum()),
                          "mask_rows": ["".join("1" if v else "0" for v in row) for row in b.tolist()],
                          # pixels whose logit is within 1e-3 of the threshold (a float-rounding flip there is not a bug)
                          "near_threshold": torch.where(chosen[n].flatten().abs() < 1e-3)[0].tolist()})
    margin = float(masks[top // num_classes].abs().min())
    order_of = {id(x): n for n, x in enumerate(instances)}
    instances.sort(key=lambda x: (-x["score"], order_of[id(x)]))
    return instances, margin


def make_instances(model):
    folder = OUT / "tiny"
    cases = []
    for name, (w, h, seed) in {"drawn_61x45": (61, 45, 1), "drawn_40x52": (40, 52, 2)}.items():
        rgb = drawn_image(w, h, seed)
        Image.fromarray(rgb).save(folder / f"{name}.png")
        pixels, resized, img_shape, pad_shape = geneval_pipeline(rgb)
        with torch.no_grad():
            out = model(pixel_values=pixels)
        instances, margin = mmdet_instances(out.class_queries_logits[0], out.masks_queries_logits[0], pad_shape, img_shape,
                                            (h, w), max_per_image=20)
        cases.append({"image": f"{name}.png", "original": [h, w], "resized": list(img_shape), "padded": list(pad_shape),
                      "resized_sha256": hashlib.sha256(np.ascontiguousarray(resized).tobytes()).hexdigest(),
                      "pixels_sum": float(pixels.double().sum()), "pixels_abs_sum": float(pixels.double().abs().sum()),
                      "max_per_image": 20, "min_abs_mask_logit": margin, "instances": instances})
        print(f"{name}: resized {img_shape}, padded {pad_shape}, {len(instances)} instances, mask margin {margin:.3g}")
    (folder / "expected_instances.json").write_text(json.dumps({"cases": cases}, indent=1) + "\n")


def make_resize_cases():
    """cv2.resize(INTER_LINEAR) on uint8 (OpenCV's fixed-point bilinear), up and down, as raw bytes + shapes."""
    folder = OUT / "resize"
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    blobs = []
    offset = 0
    for (w, h, nw, nh, seed) in [(23, 17, 50, 37, 3), (61, 45, 29, 21, 4), (40, 52, 83, 108, 5), (32, 32, 67, 67, 6),
                                 (37, 29, 37, 60, 7), (96, 64, 41, 27, 8)]:
        src = drawn_image(w, h, seed)
        dst = cv2.resize(src, (nw, nh), interpolation=cv2.INTER_LINEAR)
        cases.append({"width": w, "height": h, "new_width": nw, "new_height": nh, "source_offset": offset,
                      "result_offset": offset + src.size})
        blobs += [src.tobytes(), dst.tobytes()]
        offset += src.size + dst.size
    (folder / "cv2_resize.bin").write_bytes(b"".join(blobs))
    (folder / "cv2_resize.json").write_text(json.dumps({"opencv": cv2.__version__, "cases": cases}, indent=1) + "\n")
    print(f"wrote {folder}: {len(cases)} cv2 INTER_LINEAR cases")


def hf_to_mmdet(state: dict, config) -> "OrderedDict[str, torch.Tensor]":
    """The inverse of Mask2FormerKeyMap.mmdet: the Hugging Face state dict in mmdet 2.x's Mask2Former layout, written
    from mmdet's source (SwinTransformer: patch_embed, stages.N.blocks.M.{norm1, attn.w_msa.{qkv, proj,
    relative_position_bias_table, relative_position_index}, norm2, ffn.layers.{0.0, 1}}, stages.N.downsample.{norm,
    reduction} in nn.Unfold channel order, norm0..3; MSDeformAttnPixelDecoder: input_convs.N.{conv, gn},
    level_encoding, encoder.layers.N.{attentions.0, norms.0/1, ffns.0.layers.0.0/1}, lateral_convs / output_convs
    .N.{conv, gn}, mask_feature; Mask2FormerHead: transformer_decoder.layers.N.{attentions.0 (cross) / 1 (self)
    .attn.{in_proj_weight, in_proj_bias, out_proj}, norms.0/1/2, ffns.0.layers.0.0/1}, transformer_decoder.post_norm,
    query_embed, query_feat, level_embed, mask_embed.{0, 2, 4}, cls_embed). Asserts every tensor is used once."""
    used = set()

    def take(key):
        assert key not in used, key
        used.add(key)
        return state[key]

    out = OrderedDict()
    enc = "model.pixel_level_module.encoder."
    for part in ["projection.weight", "projection.bias"]:
        out["backbone.patch_embed." + part] = take(enc + "embeddings.patch_embeddings." + part)
    for part in ["weight", "bias"]:
        out["backbone.patch_embed.norm." + part] = take(enc + "embeddings.norm." + part)
    b = config.backbone_config
    for i, depth in enumerate(b.depths):
        for j in range(depth):
            hf = f"{enc}encoder.layers.{i}.blocks.{j}."
            mm = f"backbone.stages.{i}.blocks.{j}."
            for part in ["weight", "bias"]:
                out[mm + "norm1." + part] = take(hf + "layernorm_before." + part)
                out[mm + "attn.w_msa.qkv." + part] = torch.cat([take(hf + f"attention.self.{n}.{part}")
                                                                for n in ["query", "key", "value"]], 0)
                out[mm + "attn.w_msa.proj." + part] = take(hf + "attention.output.dense." + part)
                out[mm + "norm2." + part] = take(hf + "layernorm_after." + part)
                out[mm + "ffn.layers.0.0." + part] = take(hf + "intermediate.dense." + part)
                out[mm + "ffn.layers.1." + part] = take(hf + "output.dense." + part)
            out[mm + "attn.w_msa.relative_position_bias_table"] = take(hf + "attention.self.relative_position_bias_table")
            out[mm + "attn.w_msa.relative_position_index"] = take(hf + "attention.self.relative_position_index")
        if i < len(b.depths) - 1:
            dim = b.embed_dim << i
            # HF concatenates patches (k·C + c, k = 2·column + row); mmdet unfolds (c·4 + 2·row + column).
            order = torch.empty(4 * dim, dtype=torch.long)
            for k in range(4):
                for c in range(dim):
                    order[c * 4 + (k % 2) * 2 + k // 2] = k * dim + c
            hf = f"{enc}encoder.layers.{i}.downsample."
            out[f"backbone.stages.{i}.downsample.norm.weight"] = take(hf + "norm.weight")[order].contiguous()
            out[f"backbone.stages.{i}.downsample.norm.bias"] = take(hf + "norm.bias")[order].contiguous()
            out[f"backbone.stages.{i}.downsample.reduction.weight"] = take(hf + "reduction.weight")[:, order].contiguous()
    for i in range(4):
        for part in ["weight", "bias"]:
            out[f"backbone.norm{i}.{part}"] = take(f"{enc}hidden_states_norms.stage{i + 1}.{part}")
    pd, mm = "model.pixel_level_module.decoder.", "panoptic_head.pixel_decoder."
    for i in range(3):
        for part in ["weight", "bias"]:
            out[f"{mm}input_convs.{i}.conv.{part}"] = take(f"{pd}input_projections.{i}.0.{part}")
            out[f"{mm}input_convs.{i}.gn.{part}"] = take(f"{pd}input_projections.{i}.1.{part}")
    for i in range(config.encoder_layers):
        hf, m = f"{pd}encoder.layers.{i}.", f"{mm}encoder.layers.{i}."
        for part in ["weight", "bias"]:
            for n in ["sampling_offsets", "attention_weights", "value_proj", "output_proj"]:
                out[f"{m}attentions.0.{n}.{part}"] = take(f"{hf}self_attn.{n}.{part}")
            out[f"{m}norms.0.{part}"] = take(f"{hf}self_attn_layer_norm.{part}")
            out[f"{m}ffns.0.layers.0.0.{part}"] = take(f"{hf}fc1.{part}")
            out[f"{m}ffns.0.layers.1.{part}"] = take(f"{hf}fc2.{part}")
            out[f"{m}norms.1.{part}"] = take(f"{hf}final_layer_norm.{part}")
    out[f"{mm}level_encoding.weight"] = take(f"{pd}level_embed")
    fpn = 1
    for k in range(1, fpn + 1):
        out[f"{mm}lateral_convs.{k - 1}.conv.weight"] = take(f"{pd}adapter_{k}.0.weight")
        out[f"{mm}output_convs.{k - 1}.conv.weight"] = take(f"{pd}layer_{k}.0.weight")
        for part in ["weight", "bias"]:
            out[f"{mm}lateral_convs.{k - 1}.gn.{part}"] = take(f"{pd}adapter_{k}.1.{part}")
            out[f"{mm}output_convs.{k - 1}.gn.{part}"] = take(f"{pd}layer_{k}.1.{part}")
    for part in ["weight", "bias"]:
        out[f"{mm}mask_feature.{part}"] = take(f"{pd}mask_projection.{part}")
    tm, mh = "model.transformer_module.", "panoptic_head."
    for i in range(config.decoder_layers - 1):
        hf, m = f"{tm}decoder.layers.{i}.", f"{mh}transformer_decoder.layers.{i}."
        out[f"{m}attentions.0.attn.in_proj_weight"] = take(f"{hf}cross_attn.in_proj_weight")
        out[f"{m}attentions.0.attn.in_proj_bias"] = take(f"{hf}cross_attn.in_proj_bias")
        out[f"{m}attentions.1.attn.in_proj_weight"] = torch.cat([take(f"{hf}self_attn.{n}_proj.weight") for n in "qkv"], 0)
        out[f"{m}attentions.1.attn.in_proj_bias"] = torch.cat([take(f"{hf}self_attn.{n}_proj.bias") for n in "qkv"], 0)
        for part in ["weight", "bias"]:
            out[f"{m}attentions.0.attn.out_proj.{part}"] = take(f"{hf}cross_attn.out_proj.{part}")
            out[f"{m}attentions.1.attn.out_proj.{part}"] = take(f"{hf}self_attn.out_proj.{part}")
            out[f"{m}norms.0.{part}"] = take(f"{hf}cross_attn_layer_norm.{part}")
            out[f"{m}norms.1.{part}"] = take(f"{hf}self_attn_layer_norm.{part}")
            out[f"{m}norms.2.{part}"] = take(f"{hf}final_layer_norm.{part}")
            out[f"{m}ffns.0.layers.0.0.{part}"] = take(f"{hf}fc1.{part}")
            out[f"{m}ffns.0.layers.1.{part}"] = take(f"{hf}fc2.{part}")
    for part in ["weight", "bias"]:
        out[f"{mh}transformer_decoder.post_norm.{part}"] = take(f"{tm}decoder.layernorm.{part}")
        for k, n in enumerate([0, 2, 4]):
            out[f"{mh}mask_embed.{n}.{part}"] = take(f"{tm}decoder.mask_predictor.mask_embedder.{k}.0.{part}")
        out[f"{mh}cls_embed.{part}"] = take(f"class_predictor.{part}")
    out[f"{mh}query_embed.weight"] = take(f"{tm}queries_embedder.weight")
    out[f"{mh}query_feat.weight"] = take(f"{tm}queries_features.weight")
    out[f"{mh}level_embed.weight"] = take(f"{tm}level_embed.weight")
    take("criterion.empty_weight")   # the loss's class weights: mmdet keeps them in the loss config, not the state dict
    left = sorted(set(state) - used)
    assert not left, f"HF tensors the inverse map does not place: {left}"
    return out


def make_mmdet_layout(model, config):
    """Tests/Fixtures/mask2former/tiny/mmdet_layout.pth: the same random weights as model.safetensors in mmdet 2.x's
    checkpoint layout (torch.save of {"state_dict": ..., "meta": ...}, as mmcv's save_checkpoint writes it)."""
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    mm = hf_to_mmdet(state, config)
    meta = {"mmdet_version": "2.25.0", "CLASSES": tuple(config.id2label[i] for i in range(config.num_labels)),
            "epoch": 50, "iter": 368750, "config": "model = dict(type='Mask2Former', ...)  # tiny random fixture",
            "hook_msgs": {"last_ckpt": "work_dirs/tiny/iter_368750.pth"}}
    # The Unfold claim, checked on the first merge: mmdet's PatchMerging (nn.Unfold(2, 2) → norm → reduction) with the
    # permuted weights equals transformers' SwinPatchMerging with the original ones.
    merge = model.model.pixel_level_module.encoder.encoder.layers[0].downsample
    dim, (h, w) = config.backbone_config.embed_dim, (6, 8)
    x = torch.randn((1, h * w, dim), generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        unfolded = F.unfold(x.view(1, h, w, dim).permute(0, 3, 1, 2), kernel_size=2, stride=2).transpose(1, 2)
        ours = F.linear(F.layer_norm(unfolded, (4 * dim,), mm["backbone.stages.0.downsample.norm.weight"],
                                     mm["backbone.stages.0.downsample.norm.bias"]),
                        mm["backbone.stages.0.downsample.reduction.weight"])
        theirs = merge(x, (h, w))
    assert torch.allclose(ours, theirs, atol=1e-5), float((ours - theirs).abs().max())
    path = OUT / "tiny" / "mmdet_layout.pth"
    torch.save({"meta": meta, "state_dict": mm}, path)
    print(f"wrote {path}: {len(mm)} tensors in mmdet's layout from {len(state)} Hugging Face tensors")


def main():
    model, config = make_tiny()
    make_mmdet_layout(model, config)
    make_instances(model)
    make_resize_cases()


if __name__ == "__main__":
    main()
