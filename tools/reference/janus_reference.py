"""The official Janus code as the reference for parity fixtures.

The scripts here import deepseek-ai/Janus (commit 1daa72f) unchanged from a local checkout whose path is
given by the environment variable JANUS_SRC (the folder that contains the `janus` package). Nothing of it
is copied into this repository. Tiny, non-standard sizes are registered in the reference's own lookup
tables (SigLIP_MODEL_CONFIG, VQ_models) under new names, exactly as janus-eval expects non-standard
checkpoints to describe themselves in config.json `params` (see ../shared/docs/design.md).
"""
import functools
import json
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import torchvision_stub  # noqa: E402,F401  (before anything imports torchvision)


def janus_source() -> pathlib.Path:
    src = os.environ.get("JANUS_SRC")
    if not src or not (pathlib.Path(src) / "janus" / "models" / "modeling_vlm.py").exists():
        sys.exit("set JANUS_SRC to a checkout of deepseek-ai/Janus at commit 1daa72f "
                 "(the folder that holds the `janus` package)")
    return pathlib.Path(src)


sys.path.insert(0, str(janus_source()))

import torch  # noqa: E402
from janus.models import siglip_vit, vq_model  # noqa: E402
from janus.models.modeling_vlm import MultiModalityCausalLM, MultiModalityConfig  # noqa: E402


def register_vision(name: str, params: dict) -> None:
    """Adds a non-standard SigLIP size to the reference's table, keyed by its model name."""
    siglip_vit.SigLIP_MODEL_CONFIG[name] = {
        "image_size": params["image_size"], "patch_size": params["patch_size"], "width": params["width"],
        "layers": params["layers"], "heads": params["heads"], "mlp_ratio": params["mlp_ratio"],
        "global_pool": "map", "use_checkpoint": False,
    }


def register_vq(name: str, params: dict) -> None:
    """Adds a non-standard VQ size under `name` (the reference hard-codes VQ-16's sizes and ch = 128)."""
    ch = params.get("ch", 128)

    def build():
        args = vq_model.ModelArgs(
            codebook_size=params["codebook_size"], codebook_embed_dim=params["codebook_embed_dim"],
            encoder_ch_mult=params["encoder_ch_mult"], decoder_ch_mult=params["decoder_ch_mult"],
            z_channels=params["z_channels"])
        saved = (vq_model.Encoder, vq_model.Decoder)
        vq_model.Encoder = functools.partial(saved[0], ch=ch)
        vq_model.Decoder = functools.partial(saved[1], ch=ch)
        try:
            return vq_model.VQModel(args)
        finally:
            vq_model.Encoder, vq_model.Decoder = saved

    vq_model.VQ_models[name] = build


def build_janus(config: dict) -> MultiModalityCausalLM:
    """Builds the reference MultiModalityCausalLM from an official-format config dict."""
    vision = config["vision_config"]["params"]
    if vision["model_name"] not in siglip_vit.SigLIP_MODEL_CONFIG:
        register_vision(vision["model_name"], vision)
    gen = config["gen_vision_config"]
    if gen["cls"] not in vq_model.VQ_models:
        register_vq(gen["cls"], gen["params"])
    model = MultiModalityCausalLM(MultiModalityConfig(**config))
    return model.eval()


def randomize_(model: torch.nn.Module, seed: int, scale: float = 0.08) -> None:
    """Deterministic random weights: normal(0, scale) for matrices, near-one for norm weights."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if p.dim() == 1 and ("norm" in name or name.endswith("ln.weight")) and name.endswith("weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif p.dim() == 1:
                p.copy_(0.05 * torch.randn(p.shape, generator=gen))
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(torch.randn(p.shape, generator=gen) * min(scale, 1.5 / fan_in ** 0.5))


def round_to_bf16_(model: torch.nn.Module) -> None:
    """Keeps the model in f32 but with bf16-representable weights, so a bf16 checkpoint is lossless."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.bfloat16).to(torch.float32))


def write_json(path: pathlib.Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
