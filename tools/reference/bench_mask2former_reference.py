"""The transformers side of the Mask2Former speed comparison with `janus-bench mask2former`, and the Swin-S-shaped
parity run. With --write FOLDER: builds Mask2FormerForUniversalSegmentation at the facebook/mask2former-swin-small-
coco-instance sizes (Swin-S: embed 96, depths [2, 2, 18, 2], heads [3, 6, 12, 24], window 7; 256-wide pixel decoder
with 6 deformable layers; 9 masked-attention layers, 100 queries, 80 classes) with seeded random weights, and
writes config.json, model.safetensors and expected.safetensors (one GenEval-sized 800×800 normalised input and its
class and mask logits) — not committed (~280 MB). Then times `model(pixel_values)` (median of --rounds, after one
warm-up) on the same input, single image, f32, and prints images/s."""
import argparse
import pathlib
import statistics
import time

import torchvision_stub  # noqa: F401
import torch
from safetensors.torch import load_file, save_file
from transformers import Mask2FormerConfig, Mask2FormerForUniversalSegmentation, SwinConfig

from make_mask2former_fixtures import COCO_NAMES, randomise


def swin_small_config() -> Mask2FormerConfig:
    backbone = SwinConfig(image_size=224, num_channels=3, patch_size=4, embed_dim=96, depths=[2, 2, 18, 2],
                          num_heads=[3, 6, 12, 24], window_size=7, drop_path_rate=0.3, use_absolute_embeddings=False,
                          out_features=["stage1", "stage2", "stage3", "stage4"])
    return Mask2FormerConfig(backbone_config=backbone, num_labels=80, id2label=dict(enumerate(COCO_NAMES)),
                             label2id={n: i for i, n in enumerate(COCO_NAMES)})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    folder = pathlib.Path(args.folder)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.write:
        folder.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(0)
        config = swin_small_config()
        model = Mask2FormerForUniversalSegmentation(config).eval()
        generator = torch.Generator().manual_seed(21)
        randomise(model, generator)
        pixels = torch.randn((1, 3, 800, 800), generator=generator)
        with torch.no_grad():
            out = model(pixel_values=pixels)
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(folder / "model.safetensors"))
        (folder / "config.json").write_text(config.to_json_string())
        save_file({"pixel_values": pixels, "class_queries_logits": out.class_queries_logits.contiguous(),
                   "masks_queries_logits": out.masks_queries_logits.contiguous()}, str(folder / "expected.safetensors"))
        print(f"wrote {folder}")
    config = Mask2FormerConfig.from_json_file(str(folder / "config.json"))
    model = Mask2FormerForUniversalSegmentation(config).eval()
    model.load_state_dict(load_file(str(folder / "model.safetensors")), strict=True)
    pixels = load_file(str(folder / "expected.safetensors"))["pixel_values"]
    times = []
    with torch.no_grad():
        for i in range(args.rounds + 1):
            start = time.perf_counter()
            model(pixel_values=pixels)
            if i:
                times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"transformers {tuple(pixels.shape)} threads={torch.get_num_threads()}: median {median:.3f} s, "
          f"{1 / median:.3f} images/s over {args.rounds} rounds")


if __name__ == "__main__":
    main()
