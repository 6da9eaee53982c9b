"""The VQ-16 encoder and quantizer of the official code on the tiny Janus checkpoints (round-trip fixtures).

Reads Tests/Fixtures/janus/{janus-tiny,pro-tiny} (written by make_janus_fixtures.py; run that first), builds the
reference MultiModalityCausalLM from each config.json, loads the checkpoint strictly, and runs
`gen_vision_model.encode` (encoder, quant_conv, L2-normalised nearest-codebook quantizer) on the three fixture
images resized to the tiny image size, then `decode_code` on the codes it found. Writes expected_vq.safetensors
(pixels, latent after quant_conv, codes, decoded) and expected_vq.json (the smallest gap between the best and the
second-best codebook distance, so a reader can see the codes are not decided by float rounding).
"""
import json
import pathlib

import numpy as np
import torch
from PIL import Image
from safetensors.torch import load_file, save_file

import janus_reference as ref

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "Fixtures" / "janus"


def load_model(folder: pathlib.Path):
    config = json.loads((folder / "config.json").read_text())
    model = ref.build_janus(config)
    if (folder / "model.safetensors").exists():
        state = load_file(str(folder / "model.safetensors"))
    else:
        state = torch.load(folder / "pytorch_model.bin", map_location="cpu", weights_only=True)
    model.load_state_dict({k: v.to(torch.float32) if v.dtype.is_floating_point else v for k, v in state.items()},
                          strict=True)
    return model.eval(), config


def pixels_for(size: int) -> torch.Tensor:
    images = []
    for name in ["wide.png", "tall.png", "square.png"]:
        img = Image.open(FIXTURES / "images" / name).convert("RGB").resize((size, size), Image.BICUBIC)
        images.append(torch.from_numpy(np.asarray(img, dtype=np.float32) / 127.5 - 1.0).permute(2, 0, 1))
    return torch.stack(images).contiguous()


def main():
    for layout in ["janus-tiny", "pro-tiny"]:
        folder = FIXTURES / layout
        model, config = load_model(folder)
        vq = model.gen_vision_model
        size = config["vision_config"]["params"]["image_size"]
        pixels = pixels_for(size)
        with torch.no_grad():
            latent = vq.quant_conv(vq.encoder(pixels))
            quant, _, info = vq.quantize(latent)
            codes = info[2].view(pixels.shape[0], -1)
            # Distance margins, computed as the quantizer does.
            z = torch.nn.functional.normalize(latent.permute(0, 2, 3, 1).reshape(-1, latent.shape[1]), p=2, dim=-1)
            e = torch.nn.functional.normalize(vq.quantize.embedding.weight, p=2, dim=-1)
            d = (z ** 2).sum(1, keepdim=True) + (e ** 2).sum(1) - 2 * z @ e.T
            two = d.topk(2, dim=1, largest=False).values
            side = latent.shape[-1]
            decoded = vq.decode_code(codes.to(torch.int), shape=[pixels.shape[0], latent.shape[1], side, side])
        save_file({"pixels": pixels, "latent": latent.contiguous(), "codes": codes.to(torch.int64).contiguous(),
                   "decoded": decoded.to(torch.float32).contiguous()}, str(folder / "expected_vq.safetensors"))
        ref.write_json(folder / "expected_vq.json", {
            "reference": "deepseek-ai/Janus @ 1daa72f gen_vision_model.encode / decode_code, float32 compute with the "
                         "checkpoint's bf16 weights",
            "images": ["wide.png", "tall.png", "square.png"], "image_size": size, "grid_side": side,
            "min_distance_gap": float((two[:, 1] - two[:, 0]).min()),
            "latent_scale": float(latent.abs().max())})
        print(f"wrote {folder}/expected_vq.*: codes {tuple(codes.shape)}, min gap {float((two[:, 1] - two[:, 0]).min()):.3g}")


if __name__ == "__main__":
    main()
