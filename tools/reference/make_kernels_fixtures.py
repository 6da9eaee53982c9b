"""Kernel outputs from the libraries janus-eval must equal: PyTorch and Pillow.

Writes Tests/Fixtures/kernels/*.json (small inputs and the reference outputs, as flat float lists):
  bilinear.json   torch F.interpolate(bilinear, align_corners=False, antialias=False), up / down / odd sizes
  bicubic_u8.json Pillow Image.resize(BICUBIC) on RGB uint8 images (exact bytes expected)
  bicubic_f.json  Pillow Image.resize(BICUBIC) on mode "F" float images
  torch_ops.json  conv2d (stride, padding, dilation, groups, depthwise), group/layer norm, LlamaRMSNorm, GELU,
                  SiLU, softmax, SDPA with causal and padding masks, Llama RoPE, pixel shuffle
"""
import json
import pathlib

import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torchvision_stub  # noqa: E402,F401
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "kernels"
g = torch.Generator().manual_seed(0)


def rnd(*shape):
    return torch.randn(*shape, generator=g)


def flat(t):
    return [float(v) for v in t.detach().to(torch.float64).flatten().tolist()]


def bilinear():
    cases = []
    for (h, w), (oh, ow) in [((5, 7), (11, 13)), ((9, 8), (4, 3)), ((6, 6), (6, 9)), ((17, 5), (7, 12)), ((3, 4), (1, 1))]:
        x = rnd(1, 2, h, w)
        y = F.interpolate(x, size=(oh, ow), mode="bilinear", align_corners=False, antialias=False)
        cases.append({"shape": list(x.shape), "out": [oh, ow], "input": flat(x), "expected": flat(y)})
    return cases


def bicubic_u8():
    rng = np.random.default_rng(1)
    cases = []
    for (w, h), (ow, oh) in [((23, 17), (9, 7)), ((8, 6), (21, 15)), ((40, 30), (32, 24)), ((13, 29), (13, 11)),
                             ((31, 9), (12, 9)), ((45, 30), (32, 21))]:
        img = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
        img[h // 2:, : w // 3] = 255  # saturated blocks exercise the clipping
        img[: h // 3, w // 2:] = 0
        out = np.asarray(Image.fromarray(img, "RGB").resize((ow, oh), Image.BICUBIC))
        cases.append({"size": [w, h], "out": [ow, oh], "input": img.flatten().tolist(), "expected": out.flatten().tolist()})
    return cases


def bicubic_f():
    rng = np.random.default_rng(2)
    cases = []
    for (w, h), (ow, oh) in [((19, 11), (7, 5)), ((6, 5), (17, 13)), ((12, 12), (12, 7))]:
        img = rng.standard_normal((h, w)).astype(np.float32)
        out = np.asarray(Image.fromarray(img, "F").resize((ow, oh), Image.BICUBIC))
        cases.append({"size": [w, h], "out": [ow, oh], "input": img.flatten().tolist(),
                      "expected": [float(v) for v in out.flatten()]})
    return cases


def torch_ops():
    from transformers.models.llama.modeling_llama import LlamaRMSNorm, LlamaRotaryEmbedding, apply_rotary_pos_emb
    from transformers import LlamaConfig
    ops = {}
    convs = []
    for cin, cout, k, stride, pad, dil, groups, hw in [(3, 4, 3, 1, 1, 1, 1, (7, 6)), (4, 6, 3, 2, 0, 1, 2, (9, 9)),
                                                        (2, 3, 3, 1, 2, 2, 1, (8, 7)), (5, 5, 7, 1, 3, 1, 5, (9, 8)),
                                                        (6, 4, 1, 1, 0, 1, 1, (5, 5)), (4, 8, 2, 2, 0, 1, 1, (8, 8))]:
        x, w, b = rnd(2, cin, *hw), rnd(cout, cin // groups, k, k), rnd(cout)
        y = F.conv2d(x, w, b, stride=stride, padding=pad, dilation=dil, groups=groups)
        convs.append({"x_shape": list(x.shape), "w_shape": list(w.shape), "stride": stride, "padding": pad,
                      "dilation": dil, "groups": groups, "x": flat(x), "w": flat(w), "b": flat(b), "y": flat(y)})
    # VQ encoder downsample: pad (0, 1, 0, 1), then conv 3x3 stride 2, padding 0
    x, w, b = rnd(1, 3, 8, 8), rnd(3, 3, 3, 3), rnd(3)
    y = F.conv2d(F.pad(x, (0, 1, 0, 1)), w, b, stride=2)
    ops["conv_asymmetric"] = {"x_shape": list(x.shape), "w_shape": list(w.shape), "x": flat(x), "w": flat(w),
                              "b": flat(b), "y": flat(y)}
    ops["conv2d"] = convs
    x = rnd(2, 64, 3, 5)
    gw, gb = rnd(64), rnd(64)
    ops["group_norm"] = {"shape": list(x.shape), "groups": 32, "x": flat(x), "w": flat(gw), "b": flat(gb),
                         "y": flat(F.group_norm(x, 32, gw, gb, eps=1e-6))}
    x = rnd(3, 5, 48) * 3 + 1
    lw, lb = rnd(48), rnd(48)
    ops["layer_norm"] = {"shape": list(x.shape), "x": flat(x), "w": flat(lw), "b": flat(lb),
                         "y": flat(F.layer_norm(x, (48,), lw, lb, eps=1e-6))}
    norm = LlamaRMSNorm(48, eps=1e-6)
    with torch.no_grad():
        norm.weight.copy_(rnd(48))
    ops["rms_norm"] = {"shape": list(x.shape), "x": flat(x), "w": flat(norm.weight), "y": flat(norm(x))}
    x = rnd(4, 37) * 4
    ops["gelu"] = {"x": flat(x), "y": flat(F.gelu(x))}
    ops["silu"] = {"x": flat(x), "y": flat(F.silu(x))}
    ops["softmax"] = {"shape": list(x.shape), "x": flat(x * 10), "y": flat(torch.softmax(x * 10, -1))}
    # SDPA: causal prefill, decode with a KV cache (Sq < Sk), and a key padding mask
    sdpa = []
    for b, h, sq, sk, d, causal, masked in [(2, 3, 5, 5, 8, True, False), (1, 2, 2, 7, 16, True, False),
                                            (2, 2, 4, 6, 8, False, True), (2, 2, 6, 6, 8, True, True)]:
        q, k, v = rnd(b, h, sq, d), rnd(b, h, sk, d), rnd(b, h, sk, d)
        allowed = torch.ones(sq, sk, dtype=torch.bool)
        if causal:
            allowed = torch.ones(sq, sk, dtype=torch.bool).tril(diagonal=sk - sq)
        key_mask = torch.ones(b, sk, dtype=torch.bool)
        if masked:
            key_mask[1, :2] = False  # left padding of row 1
        mask = allowed[None, None] & key_mask[:, None, None, :]
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        sdpa.append({"shape": [b, h, sq, sk, d], "causal": causal, "key_mask": key_mask.int().tolist(),
                     "q": flat(q), "k": flat(k), "v": flat(v), "y": flat(y)})
    ops["sdpa"] = sdpa
    # RoPE as Llama: [B, H, S, D], positions starting at 3
    cfg = LlamaConfig(hidden_size=64, num_attention_heads=2, rope_theta=10000.0, max_position_embeddings=64)
    rope = LlamaRotaryEmbedding(config=cfg)
    q, k = rnd(1, 2, 5, 32), rnd(1, 2, 5, 32)
    pos = torch.arange(3, 8)[None]
    cos, sin = rope(q, pos)
    rq, rk = apply_rotary_pos_emb(q, k, cos, sin)
    ops["rope"] = {"shape": list(q.shape), "positions": pos[0].tolist(), "theta": 10000.0, "q": flat(q), "k": flat(k),
                   "rq": flat(rq), "rk": flat(rk)}
    x = rnd(1, 8, 3, 2)
    ops["pixel_shuffle"] = {"shape": list(x.shape), "factor": 2, "x": flat(x), "y": flat(F.pixel_shuffle(x, 2))}
    x = rnd(1, 2, 3, 4)
    ops["nearest"] = {"shape": list(x.shape), "factor": 2, "x": flat(x),
                      "y": flat(F.interpolate(x, scale_factor=2, mode="nearest"))}
    return ops


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in [("bilinear", bilinear()), ("bicubic_u8", bicubic_u8()), ("bicubic_f", bicubic_f()),
                       ("torch_ops", torch_ops())]:
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(data, separators=(",", ":")) + "\n")
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
