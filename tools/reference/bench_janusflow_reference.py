"""The PyTorch side of the JanusFlow speed comparison: the official janus/janusflow model (JANUS_SRC, unchanged) and
diffusers' AutoencoderKL, timed on the demo's rectified-flow loop (demo/app_janusflow.py `generate`, the loop copied
with P and the step count as parameters) on CPU.

    JANUS_SRC=... python bench_janusflow_reference.py CKPT VAE_DIR --parallel 1 --steps 2 --dtype bf16

Prints one JSON line: seconds for the first step (prompt included), the mean of the later steps, the VAE decode of
the P latents, and torch's thread count. Like the demo, every step recomputes the whole sequence (its KV cache is
always empty).
"""
import argparse
import json
import pathlib
import time

import janus_reference  # noqa: F401  (puts JANUS_SRC on the path, stubs torchvision)
import torch
from diffusers import AutoencoderKL
from safetensors.torch import load_file

from janus.janusflow.models.modeling_vlm import MultiModalityCausalLM, MultiModalityConfig


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ckpt")
    parser.add_argument("vae")
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--steps", type=int, default=2)
    parser.add_argument("--dtype", choices=["bf16", "f32"], default="bf16")
    parser.add_argument("--prompt-tokens", type=int, default=20)
    args = parser.parse_args()
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    folder = pathlib.Path(args.ckpt)
    config = json.loads((folder / "config.json").read_text())
    t0 = time.time()
    linspace = torch.linspace   # timm's drop-path schedule calls .item() on a linspace: keep that one on the CPU
    torch.linspace = lambda *a, **k: linspace(*a, **{**k, "device": "cpu"})
    try:
        with torch.device("meta"):
            model = MultiModalityCausalLM(MultiModalityConfig(**config))
    finally:
        torch.linspace = linspace
    state = load_file(str(folder / "model.safetensors"))
    model.load_state_dict(state, strict=False, assign=True)
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding
    model.language_model.model.rotary_emb = LlamaRotaryEmbedding(config=model.language_model.config)   # a buffer, not saved
    model = model.to(dtype).eval()
    for name, buf in model.named_buffers():
        if buf.is_meta:
            raise SystemExit(f"buffer {name} left on meta")
    vae = AutoencoderKL.from_pretrained(args.vae).to(dtype).eval()
    load_s = time.time() - t0

    p = args.parallel
    input_ids = torch.arange(100, 100 + args.prompt_tokens)
    input_ids[0] = 100000
    timings = []
    with torch.no_grad():
        tokens = torch.stack([input_ids] * (2 * p))
        tokens[p:, 1:] = 100002
        inputs_embeds = model.language_model.get_input_embeddings()(tokens)[:, :-1, :]
        z = torch.randn((p, 4, 48, 48), dtype=dtype)
        dt = torch.zeros_like(z) + 1.0 / args.steps
        attention_mask = torch.ones((2 * p, inputs_embeds.shape[1] + 577))
        attention_mask[p:, 1:inputs_embeds.shape[1]] = 0
        attention_mask = attention_mask.int()
        for step in range(args.steps):
            start = time.time()
            z_input = torch.cat([z, z], dim=0)
            t = torch.tensor([step / args.steps * 1000.] * z_input.shape[0]).to(dt)
            z_emb, t_emb, hs = model.vision_gen_enc_model(z_input, t)
            z_emb = model.vision_gen_enc_aligner(z_emb.view(z_emb.shape[0], z_emb.shape[1], -1).permute(0, 2, 1))
            llm_emb = torch.cat([inputs_embeds, t_emb.unsqueeze(1), z_emb], dim=1)
            outputs = model.language_model.model(inputs_embeds=llm_emb, use_cache=True, attention_mask=attention_mask,
                                                 past_key_values=None)
            hidden = model.vision_gen_dec_aligner(model.vision_gen_dec_aligner_norm(outputs.last_hidden_state[:, -576:, :]))
            hidden = hidden.reshape(z_emb.shape[0], 24, 24, 768).permute(0, 3, 1, 2)
            v = model.vision_gen_dec_model(hidden, hs, t_emb)
            v_cond, v_uncond = torch.chunk(v, 2)
            z = z + dt * (2.0 * v_cond - 1.0 * v_uncond)
            timings.append(time.time() - start)
        start = time.time()
        vae.decode(z / vae.config.scaling_factor).sample
        decode_s = time.time() - start
    later = timings[1:]
    print(json.dumps({"side": "pytorch", "dtype": args.dtype, "parallel": p, "steps": args.steps, "load_s": load_s,
                      "first_step_s": timings[0], "later_step_s": sum(later) / len(later) if later else None,
                      "vae_decode_s": decode_s, "torch_threads": torch.get_num_threads(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
