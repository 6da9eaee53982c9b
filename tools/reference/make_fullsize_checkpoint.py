"""A full-size random Janus-Pro checkpoint, laid out like the real one, for load/memory/speed measurements.

    JANUS_SRC=... python make_fullsize_checkpoint.py pro-1b OUT_DIR      # ~4.2 GB: pytorch_model.bin (bf16 pickle)
    JANUS_SRC=... python make_fullsize_checkpoint.py pro-7b OUT_DIR      # ~14.8 GB: two .bin shards + index

Not committed (GBs). Tensor names and shapes come from the official model class built on the meta device (no
memory), values are seeded normal(0, 0.02) in bf16 (norm weights near 1), written shard by shard with torch.save
(zip layout, BFloat16Storage) exactly as the Hub files are, with `pytorch_model.bin.index.json` for pro-7b.
Tokenizer files: the real DeepSeek-LLM tokenizer.json with the Janus tags added as special tokens at fixed ids
(ids are looked up by string, so their values are a choice, documented in tokenizer_note.json).
"""
import json
import pathlib
import sys

import janus_reference as ref
import torch

ROOT = pathlib.Path(__file__).resolve().parents[2]
REAL_TOKENIZER = ROOT.parent / "shared" / "fixtures" / "deepseek-llm" / "tokenizer.json"
JANUS_TOKENS = {100002: "<｜▁pad▁｜>", 100003: "<|User|>", 100004: "<|Assistant|>", 100016: "<begin_of_image>",
                100017: "<end_of_image>", 100018: "<｜begin▁of▁generation｜>", 100581: "<image_placeholder>"}
SHAPES = {"pro-1b": dict(hidden=2048, intermediate=5632, layers=24, heads=16),
          "pro-7b": dict(hidden=4096, intermediate=11008, layers=30, heads=32)}
SHARD_BYTES = 9_990_000_000


def config_for(shape):
    s = SHAPES[shape]
    language = {"model_type": "llama", "num_hidden_layers": s["layers"], "vocab_size": 102400,
                "max_position_embeddings": 16384, "torch_dtype": "bfloat16"}
    if shape == "pro-1b":
        language.update(hidden_size=2048, intermediate_size=5632, num_attention_heads=16, num_key_value_heads=16)
    h = s["hidden"]
    return {
        "model_type": "multi_modality", "architectures": ["MultiModalityCausalLM"], "torch_dtype": "bfloat16",
        "vision_config": {"cls": "CLIPVisionTower", "model_type": "vision",
                          "params": {"image_size": 384, "model_name": "siglip_large_patch16_384",
                                     "select_feature": "same", "select_layer": -1}},
        "aligner_config": {"cls": "MlpProjector", "model_type": "aligner",
                           "params": {"depth": 2, "input_dim": 1024, "n_embed": h, "projector_type": "mlp_gelu"}},
        "gen_vision_config": {"cls": "VQ-16", "model_type": "gen_vision",
                              "params": {"image_token_size": 16384, "n_embed": 8}},
        "gen_aligner_config": {"cls": "MlpProjector", "model_type": "gen_aligner",
                               "params": {"depth": 2, "input_dim": 8, "n_embed": h, "projector_type": "mlp_gelu"}},
        "gen_head_config": {"cls": "vision_head", "model_type": "gen_head",
                            "params": {"image_token_embed": h, "image_token_size": 16384, "n_embed": h}},
        "language_config": language,
    }


def tokenizer_json():
    tok = json.loads(REAL_TOKENIZER.read_text())
    for entry in tok["added_tokens"]:
        if entry["id"] in JANUS_TOKENS:
            entry.update(content=JANUS_TOKENS[entry["id"]], special=True, normalized=False)
    return tok


def random_tensor(name, shape, gen):
    if len(shape) == 1 and "norm" in name and name.endswith("weight"):
        return (1.0 + 0.05 * torch.randn(shape, generator=gen)).to(torch.bfloat16)
    return (0.02 * torch.randn(shape, generator=gen)).to(torch.bfloat16)


def main(shape, out):
    out.mkdir(parents=True, exist_ok=True)
    config = config_for(shape)
    # Shapes only: build on the meta device (timm's drop-path schedule needs a real linspace).
    linspace = torch.linspace
    torch.linspace = lambda *a, **k: linspace(*a, **{**k, "device": "cpu"})
    try:
        with torch.device("meta"):
            model = ref.build_janus(config)
    finally:
        torch.linspace = linspace
    entries = [(k, tuple(v.shape)) for k, v in model.state_dict().items()]
    ref.write_json(out / "config.json", config)
    ref.write_json(out / "tokenizer.json", tokenizer_json())
    ref.write_json(out / "tokenizer_note.json", {"janus_token_ids": {v: k for k, v in JANUS_TOKENS.items()},
                                                 "note": "synthetic ids; janus-eval looks every tag up by string"})
    ref.write_json(out / "tokenizer_config.json", {"bos_token": "<｜begin▁of▁sentence｜>",
                                                   "eos_token": "<｜end▁of▁sentence｜>", "pad_token": "<｜▁pad▁｜>",
                                                   "tokenizer_class": "LlamaTokenizerFast"})
    ref.write_json(out / "special_tokens_map.json", {
        "bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>", "pad_token": "<｜▁pad▁｜>",
        "additional_special_tokens": ["<image_placeholder>", "<begin_of_image>", "<end_of_image>", "<|User|>",
                                      "<|Assistant|>"]})
    ref.write_json(out / "processor_config.json", {
        "add_special_token": False, "ignore_id": -100, "image_tag": "<image_placeholder>", "mask_prompt": True,
        "num_image_tokens": 576, "processor_class": "VLChatProcessor", "sft_format": "deepseek"})
    ref.write_json(out / "preprocessor_config.json", {
        "background_color": [127, 127, 127], "do_normalize": True, "image_mean": [0.5, 0.5, 0.5],
        "image_processor_type": "VLMImageProcessor", "image_size": 384, "image_std": [0.5, 0.5, 0.5],
        "min_size": 14, "processor_class": "VLChatProcessor", "rescale_factor": 0.00392156862745098})
    gen = torch.Generator().manual_seed(1234)
    if shape == "pro-1b":
        torch.save({name: make(name, shp, gen) for name, shp in entries}, out / "pytorch_model.bin")
        print(f"wrote {out / 'pytorch_model.bin'}")
        return
    # pro-7b: fill shards in state-dict order up to ~10 GB, saving each before the next fills (bounded memory)
    shard_names, current, size = [], {}, 0
    for name, shp in entries:
        nbytes = 2 * torch.Size(shp).numel()
        if current and size + nbytes > SHARD_BYTES:
            save_shard(out, len(shard_names) + 1, current)
            shard_names.append(sorted(current))
            current, size = {}, 0
        current[name] = make(name, shp, gen)
        size += nbytes
    save_shard(out, len(shard_names) + 1, current)
    shard_names.append(sorted(current))
    assert len(shard_names) == 2, f"expected 2 shards, made {len(shard_names)}"
    weight_map = {k: shard_file(i + 1) for i, names in enumerate(shard_names) for k in names}
    total = sum(2 * torch.Size(s).numel() for _, s in entries)
    ref.write_json(out / "pytorch_model.bin.index.json", {"metadata": {"total_size": total}, "weight_map": weight_map})


def make(name, shape, gen):
    return torch.zeros(shape) if name.endswith("codebook_used") else random_tensor(name, shape, gen)


def shard_file(index):
    return f"pytorch_model-{index:05d}-of-00002.bin"


def save_shard(out, index, tensors):
    torch.save(tensors, out / shard_file(index))
    print(f"wrote {out / shard_file(index)}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SHAPES:
        sys.exit(f"usage: {sys.argv[0]} pro-1b|pro-7b OUT_DIR")
    main(sys.argv[1], pathlib.Path(sys.argv[2]))
