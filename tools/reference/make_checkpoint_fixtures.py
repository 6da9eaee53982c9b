"""Small checkpoints written by torch / safetensors themselves, and the values they must load as.

Tests/Fixtures/checkpoints/
  tensors.bin                zip layout (torch.save default)
  tensors_legacy.pth         legacy layout (_use_new_zipfile_serialization=False), as pytorch-fid's weights
  tensors.safetensors        safetensors with f32 / bf16 / f16 / i64 / i32 / u8 / bool
  sharded-bin/               pytorch_model-0000{1,2}-of-00002.bin + pytorch_model.bin.index.json
  tiny-sharded-safetensors/  a miniature Janus-like checkpoint (official key names, bf16, config.json), two
                             shards + model.safetensors.index.json: what the README demo inspects
  expected.json              per tensor: dtype, shape, the values as float (small tensors only)
The .bin / .pth files include the awkward cases: a transposed (non-contiguous) view, a slice with a storage
offset, two tensors sharing one storage, an nn.Parameter, and a non-tensor entry (a training "meta" dict).
"""
import json
import pathlib
from collections import OrderedDict

import torch
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "checkpoints"


def tensors():
    g = torch.Generator().manual_seed(0)
    base = torch.randn(4, 6, generator=g)
    shared = torch.arange(12, dtype=torch.float32)
    return OrderedDict([
        ("f32", torch.randn(2, 3, generator=g)),
        ("bf16", torch.randn(3, 5, generator=g).to(torch.bfloat16)),
        ("f16", torch.randn(5, generator=g).to(torch.float16)),
        ("i64", torch.tensor([[-3, 0], [7, 2**40]], dtype=torch.int64)),
        ("i32", torch.tensor([1, -2, 3], dtype=torch.int32)),
        ("u8", torch.tensor([0, 255, 7], dtype=torch.uint8)),
        ("bool", torch.tensor([True, False, True])),
        ("scalar", torch.tensor(2.5)),
        ("empty", torch.zeros(0, 3)),
        ("transposed", base.t()),                # non-contiguous: strides (1, 6)
        ("sliced", base[1:3, 2:5]),              # storage offset 8, strides (6, 1)
        ("shared_a", shared[:6].view(2, 3)),     # two views of one storage
        ("shared_b", shared[6:].view(3, 2)),
        ("param", torch.nn.Parameter(torch.randn(2, 2, generator=g))),
    ])


def expected(ts):
    out = {}
    for k, v in ts.items():
        v = v.detach()
        out[k] = {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape),
                  "values": v.to(torch.float64).flatten().tolist()}
    return out


def janus_like():
    g = torch.Generator().manual_seed(1)
    bf = lambda *s: (0.02 * torch.randn(*s, generator=g)).to(torch.bfloat16)  # noqa: E731
    shard1 = OrderedDict([
        ("language_model.model.embed_tokens.weight", bf(64, 16)),
        ("language_model.model.layers.0.input_layernorm.weight", bf(16)),
        ("language_model.model.layers.0.self_attn.q_proj.weight", bf(16, 16)),
        ("language_model.model.layers.0.self_attn.k_proj.weight", bf(16, 16)),
        ("language_model.model.layers.0.self_attn.v_proj.weight", bf(16, 16)),
        ("language_model.model.layers.0.self_attn.o_proj.weight", bf(16, 16)),
        ("language_model.model.layers.0.mlp.gate_proj.weight", bf(32, 16)),
        ("language_model.model.layers.0.mlp.up_proj.weight", bf(32, 16)),
        ("language_model.model.layers.0.mlp.down_proj.weight", bf(16, 32)),
        ("language_model.model.norm.weight", bf(16)),
        ("language_model.lm_head.weight", bf(64, 16)),
    ])
    shard2 = OrderedDict([
        ("vision_model.vision_tower.pos_embed", bf(1, 4, 8)),
        ("vision_model.vision_tower.patch_embed.proj.weight", bf(8, 3, 4, 4)),
        ("vision_model.vision_tower.patch_embed.proj.bias", bf(8)),
        ("aligner.layers.0.weight", bf(16, 8)),
        ("aligner.layers.0.bias", bf(16)),
        ("aligner.layers.2.weight", bf(16, 16)),
        ("aligner.layers.2.bias", bf(16)),
        ("gen_vision_model.decoder.conv_in.weight", bf(32, 8, 3, 3)),
        ("gen_vision_model.decoder.conv_in.bias", bf(32)),
        ("gen_vision_model.quantize.embedding.weight", bf(16, 8)),
        ("gen_embed.weight", bf(16, 8)),
        ("gen_head.vision_head.weight", bf(16, 16)),
    ])
    return shard1, shard2


def write_sharded(folder, shards, kind):
    folder.mkdir(parents=True, exist_ok=True)
    weight_map, total = {}, 0
    n = len(shards)
    for i, shard in enumerate(shards, 1):
        if kind == "safetensors":
            name = f"model-{i:05d}-of-{n:05d}.safetensors"
            save_file(dict(shard), str(folder / name), metadata={"format": "pt"})
        else:
            name = f"pytorch_model-{i:05d}-of-{n:05d}.bin"
            torch.save(shard, folder / name)
        for k, v in shard.items():
            weight_map[k] = name
            total += v.numel() * v.element_size()
    index = "model.safetensors.index.json" if kind == "safetensors" else "pytorch_model.bin.index.json"
    (folder / index).write_text(json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2) + "\n")


def write_malformed(folder):
    """Hostile and damaged PyTorch zips (bytes written directly; nothing here is ever unpickled)."""
    import zipfile
    folder.mkdir(parents=True, exist_ok=True)
    # GLOBAL os.system, then REDUCE with ("echo pwned",): what a malicious checkpoint does.
    evil_global = b"\x80\x02cos\nsystem\nX\n\x00\x00\x00echo pwned\x85R."
    # STACK_GLOBAL builtins.eval via two strings, then REDUCE.
    evil_reduce = (b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x0bprint('hi')\x85R.")
    for name, payload in [("evil_global.bin", evil_global), ("evil_reduce.bin", evil_reduce)]:
        with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_STORED) as z:
            z.writestr("archive/data.pkl", payload)
            z.writestr("archive/byteorder", "little")
    # A real checkpoint copied without one of its storages.
    with zipfile.ZipFile(OUT / "tensors.bin") as src, \
            zipfile.ZipFile(folder / "missing_storage.bin", "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            if not info.filename.endswith("/data/0"):
                dst.writestr(info.filename, src.read(info.filename))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    ts = tensors()
    zipped = OrderedDict(ts)
    zipped["meta"] = {"epoch": 3, "note": "training metadata"}
    torch.save(zipped, OUT / "tensors.bin")
    torch.save(zipped, OUT / "tensors_legacy.pth", _use_new_zipfile_serialization=False)
    flat = {k: v.detach().contiguous() for k, v in ts.items()}
    save_file(flat, str(OUT / "tensors.safetensors"), metadata={"source": "make_checkpoint_fixtures.py"})
    a = OrderedDict((k, ts[k]) for k in ["f32", "bf16", "transposed"])
    b = OrderedDict((k, ts[k]) for k in ["i64", "sliced", "param"])
    write_sharded(OUT / "sharded-bin", [a, b], "bin")
    s1, s2 = janus_like()
    demo = OUT / "tiny-sharded-safetensors"
    write_sharded(demo, [s1, s2], "safetensors")
    (demo / "config.json").write_text(json.dumps({
        "model_type": "multi_modality",
        "vision_config": {"cls": "CLIPVisionTower", "params": {"model_name": "siglip_tiny_demo", "image_size": 8,
                                                               "patch_size": 4, "width": 8, "layers": 1, "heads": 2,
                                                               "mlp_ratio": 4}},
        "aligner_config": {"cls": "MlpProjector", "params": {"depth": 2, "input_dim": 8, "n_embed": 16,
                                                             "projector_type": "mlp_gelu"}},
        "gen_vision_config": {"cls": "VQ-16", "params": {"image_token_size": 16, "n_embed": 8}},
        "language_config": {"model_type": "llama", "hidden_size": 16, "intermediate_size": 32,
                            "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 64},
    }, indent=2) + "\n")
    write_malformed(OUT / "malformed")
    exp = expected(ts)
    exp["_janus_demo"] = {k: {"shape": list(v.shape), "sum": float(v.to(torch.float64).sum())}
                          for k, v in {**s1, **s2}.items()}
    (OUT / "expected.json").write_text(json.dumps(exp, indent=1) + "\n")
    for p in sorted(OUT.rglob("*")):
        if p.is_file():
            print(f"wrote {p.relative_to(OUT)} ({p.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
