"""JanusFlow generation parity fixtures: the official ShallowUViT encoder/decoder and the demo's rectified-flow
loop (deepseek-ai/Janus @ 1daa72f, JANUS_SRC) on the tiny JanusFlow checkpoint, and the SDXL-VAE layout
(diffusers AutoencoderKL) on a tiny random VAE.

Writes:
  Tests/Fixtures/janus/janusflow-tiny/vae/{config.json, diffusion_pytorch_model.safetensors}
      a tiny random AutoencoderKL (block_out_channels [32, 64], one resnet per block, GroupNorm 32, 4 latent
      channels, scaling_factor 0.13025) in diffusers' layout: the bundled demo's VAE.
  Tests/Fixtures/janusflow/expected_vae.safetensors
      decoder: latent [2,4,16,16] → vae.decode(latent).sample; encoder: pixels [2,3,32,32] → latent_dist mean and
      logvar (the encoder's moments after quant_conv).
  Tests/Fixtures/janusflow/expected_flow.safetensors + expected_flow.json
      the UViT encoder (x_emb, t_emb) at three timesteps, the encoder aligner, the decoder on given LLM features,
      one whole velocity prediction (the guidance batch through the LLM, cond first), and a 2-step generation
      started from the official loop's own torch.randn draw (noise_official.npy, float32 [P,4,16,16]): the final
      latents, vae.decode(z / scaling_factor) and the demo's uint8 pixels (clip to [-1, 1], (x+1)/2·255, truncate).
  Tests/Fixtures/janusflow/noise_official.npy   that torch.randn draw, for `generate --init-noise`.
  Tests/Fixtures/janusflow/numpy_noise.json      janus-eval's documented noise generator redone in numpy.

The official modules run unchanged; the sampling loop is demo/app_janusflow.py's `generate` with its hard-coded
sizes (5 images, 48×48 latents, 24×24 tokens, 768 channels, 576 tokens) taken from the tiny config instead, in
float32 with bf16-rounded weights (so dt and t stay float32: the demo casts them to the model's bf16).

With --sdxl DIR (not committed): a random SDXL-shaped VAE (stabilityai/sdxl-vae's config) in DIR plus
DIR/expected_decode.safetensors for a [1,4,48,48] latent (the env-gated SDXL-shape parity test).
With --fullsize DIR (not committed, ~4.1 GB): a full-size random JanusFlow-1.3B-shaped checkpoint (tensor names
and shapes from the official class built on the meta device with the real sizes, seeded normal(0, 0.02) in bf16,
model.safetensors) and the tokenizer files of make_fullsize_checkpoint.py, for the speed comparison
(bench_janusflow_reference.py).
"""
import argparse
import json
import pathlib

import numpy as np
import torch
from safetensors.torch import load_file, save_file

import janus_reference as ref
import make_janus_fixtures as jf
from diffusers import AutoencoderKL

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLOW = ROOT / "Tests" / "Fixtures" / "janus" / "janusflow-tiny"
OUT = ROOT / "Tests" / "Fixtures" / "janusflow"
TINY_VAE = dict(in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 2,
                up_block_types=["UpDecoderBlock2D"] * 2, block_out_channels=[32, 64], layers_per_block=1,
                act_fn="silu", latent_channels=4, norm_num_groups=32, sample_size=32, scaling_factor=0.13025,
                force_upcast=True)
SDXL_VAE = dict(in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 4,
                up_block_types=["UpDecoderBlock2D"] * 4, block_out_channels=[128, 256, 512, 512], layers_per_block=2,
                act_fn="silu", latent_channels=4, norm_num_groups=32, sample_size=1024, scaling_factor=0.13025,
                force_upcast=True)
PROMPTS = ["a photo of a red bench", "two apples on a table"]


def random_vae(config, seed):
    vae = AutoencoderKL(**config).eval()
    ref.randomize_(vae, seed, scale=0.2)
    ref.round_to_bf16_(vae)   # bf16-representable values stored as f32: bf16 runs see the same weights
    return vae


def save_vae(vae, folder):
    folder.mkdir(parents=True, exist_ok=True)
    vae.save_pretrained(str(folder), safe_serialization=True)


def tiny_flow_model():
    model, config = jf.tiny_janusflow(3)
    state = load_file(str(FLOW / "model.safetensors"))
    missing, unexpected = model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    assert not unexpected and all("inv_freq" in k for k in missing), (missing, unexpected)
    return model.eval().float(), json.loads((FLOW / "config.json").read_text())


def prompt_ids(processor, text):
    conversation = [{"role": "User", "content": text}, {"role": "Assistant", "content": ""}]
    sft = processor.apply_sft_template_for_multi_turn_prompts(conversations=conversation, sft_format=processor.sft_format,
                                                               system_prompt="")
    return torch.LongTensor(processor.tokenizer.encode(sft + processor.image_start_tag))


def flow_generate(model, vae, input_ids, pad_id, z, cfg_weight, steps, grid, width, capture=None):
    """demo/app_janusflow.py `generate`, sizes from the tiny config; z is the initial noise [P, 4, s, s]."""
    parallel = z.shape[0]
    tokens = torch.stack([input_ids] * (2 * parallel))
    tokens[parallel:, 1:] = pad_id
    inputs_embeds = model.language_model.get_input_embeddings()(tokens)
    inputs_embeds = inputs_embeds[:, :-1, :]
    n = grid * grid
    dt = 1.0 / steps
    dt = torch.zeros_like(z) + dt
    attention_mask = torch.ones((2 * parallel, inputs_embeds.shape[1] + n + 1))
    attention_mask[parallel:, 1:inputs_embeds.shape[1]] = 0
    attention_mask = attention_mask.int()
    for step in range(steps):
        z_input = torch.cat([z, z], dim=0)
        t = step / steps * 1000.
        t = torch.tensor([t] * z_input.shape[0]).to(dt)
        z_emb, t_emb, hs = model.vision_gen_enc_model(z_input, t)
        z_emb = z_emb.view(z_emb.shape[0], z_emb.shape[1], -1).permute(0, 2, 1)
        z_emb = model.vision_gen_enc_aligner(z_emb)
        llm_emb = torch.cat([inputs_embeds, t_emb.unsqueeze(1), z_emb], dim=1)
        # The demo's "cache" is always empty (it loops over the list it just made), so every step recomputes.
        outputs = model.language_model.model(inputs_embeds=llm_emb, use_cache=True, attention_mask=attention_mask,
                                             past_key_values=None)
        hidden_states = outputs.last_hidden_state
        hidden_states = model.vision_gen_dec_aligner(model.vision_gen_dec_aligner_norm(hidden_states[:, -n:, :]))
        hidden_states = hidden_states.reshape(z_emb.shape[0], grid, grid, width).permute(0, 3, 1, 2)
        v = model.vision_gen_dec_model(hidden_states, hs, t_emb)
        if capture is not None and step == 0:
            capture["velocity_rows"] = v.clone()
        v_cond, v_uncond = torch.chunk(v, 2)
        v = cfg_weight * v_cond - (cfg_weight - 1.) * v_uncond
        if capture is not None and step == 0:
            capture["velocity_mixed"] = v.clone()
        z = z + dt * v
    decoded = vae.decode(z / vae.config.scaling_factor).sample
    kept = decoded.clone()   # the demo's .float() copies a bf16 tensor; on f32 it is the same tensor, clipped in place
    images = decoded.float().clip_(-1., 1.).permute(0, 2, 3, 1).cpu().numpy()
    pixels = ((images + 1) / 2. * 255).astype(np.uint8)
    return z, kept, pixels


def splitmix(x):
    m = (1 << 64) - 1
    z = (x + 0x9E3779B97F4A7C15) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return z ^ (z >> 31)


def numpy_noise(run_seed, image, shape):
    """janus-eval's noise for image `image` of a request with seed `run_seed` (README, `generate --help`)."""
    seed = splitmix(run_seed ^ splitmix(image + 0x9E3779B9))
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    u = rng.random(2 * ((n + 1) // 2)).reshape(-1, 2)
    r = np.sqrt(-2.0 * np.log1p(-u[:, 0]))
    angle = 2.0 * np.pi * u[:, 1]
    pairs = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1).reshape(-1)[:n]
    return pairs.astype(np.float32).reshape(shape), seed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sdxl", help="also write a random SDXL-shaped VAE and its 48x48 decode here (not committed)")
    parser.add_argument("--fullsize", help="only write a full-size random JanusFlow checkpoint here (not committed)")
    args = parser.parse_args()
    if args.fullsize:
        return fullsize(pathlib.Path(args.fullsize))
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    tensors, meta = {}, {"reference": "deepseek-ai/Janus @ 1daa72f janus/janusflow (unchanged) + demo/app_janusflow.py "
                                      "generate() with the tiny sizes; diffusers AutoencoderKL 0.39; float32 compute"}

    # --- VAE (tiny): decode and encode.
    vae = random_vae(TINY_VAE, 11)
    save_vae(vae, FLOW / "vae")
    gen = torch.Generator().manual_seed(5)
    latent = torch.randn((2, 4, 16, 16), generator=gen)
    pixels_in = torch.rand((2, 3, 32, 32), generator=gen) * 2 - 1
    with torch.no_grad():
        vae_t = {"decode.latent": latent, "decode.sample": vae.decode(latent).sample,
                 "encode.pixels": pixels_in}
        dist = vae.encode(pixels_in).latent_dist
        vae_t["encode.mean"], vae_t["encode.logvar"] = dist.mean, dist.logvar
    save_file({k: v.contiguous() for k, v in vae_t.items()}, str(OUT / "expected_vae.safetensors"))

    # --- JanusFlow parts on the tiny checkpoint.
    model, config = tiny_flow_model()
    processor = jf.processor_for(FLOW, "janusflow-tiny")
    enc_params = config["vision_gen_enc_config"]["params"]
    width = enc_params["block_out_channels"][-1]
    side = enc_params["image_size"] // 2 ** (len(TINY_VAE["block_out_channels"]) - 1)
    grid = side // enc_params["stride"]
    with torch.no_grad():
        z = torch.randn((3, 4, side, side), generator=gen)
        t = torch.tensor([0.0, 333.33334, 966.6667])
        x_emb, t_emb, hs = model.vision_gen_enc_model(z, t)
        tensors.update({"enc.z": z, "enc.t": t, "enc.x_emb": x_emb, "enc.t_emb": t_emb})
        aligned = model.vision_gen_enc_aligner(x_emb.view(3, width, -1).permute(0, 2, 1))
        tensors["enc.aligned"] = aligned
        llm = torch.randn((3, grid * grid, config["language_config"]["hidden_size"]), generator=gen)
        h = model.vision_gen_dec_aligner(model.vision_gen_dec_aligner_norm(llm))
        h = h.reshape(3, grid, grid, width).permute(0, 3, 1, 2)
        v = model.vision_gen_dec_model(h, [x_emb.clone()], t_emb)
        tensors.update({"dec.llm_hidden": llm, "dec.velocity": v})

        # A whole generation: 2 steps, cfg 2, P = 2, from the official loop's own torch.randn draw.
        prompts = []
        for k, text in enumerate(PROMPTS):
            ids = prompt_ids(processor, text)
            torch.manual_seed(100 + k)
            noise = torch.randn((2, 4, side, side))   # the demo draws z = torch.randn((5, 4, 48, 48))
            np.save(OUT / f"noise_official_{k}.npy", noise.numpy().astype(np.float32))
            capture = {}
            zf, decoded, pixels = flow_generate(model, vae, ids, processor.pad_id, noise.clone(), 2.0, 2, grid, width, capture)
            tensors.update({f"g{k}.noise": noise, f"g{k}.velocity_rows": capture["velocity_rows"],
                            f"g{k}.velocity_mixed": capture["velocity_mixed"], f"g{k}.latents": zf,
                            f"g{k}.decoded": decoded, f"g{k}.pixels": torch.from_numpy(pixels.copy())})
            prompts.append({"prompt": text, "input_ids": ids.tolist(), "pad_id": processor.pad_id, "parallel": 2,
                            "cfg_weight": 2.0, "steps": 2, "noise_file": f"noise_official_{k}.npy"})
    meta.update({"prompts": prompts, "latent_side": side, "token_grid": grid, "width": width,
                 "encoder_timesteps": t.tolist()})
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(OUT / "expected_flow.safetensors"))
    ref.write_json(OUT / "expected_flow.json", meta)

    # --- The documented noise generator, redone in numpy.
    cases = []
    for run_seed, image in [(0, 0), (0, 1), (1234, 0), (2 ** 63 + 5, 3)]:
        noise, seed = numpy_noise(run_seed, image, (4, 3, 5))
        cases.append({"run_seed": str(run_seed), "image": image, "generator_seed": str(seed), "shape": [4, 3, 5],
                      "values_hex": [f"{np.float32(x).view(np.uint32):08x}" for x in noise.reshape(-1)]})
    ref.write_json(OUT / "numpy_noise.json", {"generator": "README: JanusFlow noise", "cases": cases})

    if args.sdxl:
        folder = pathlib.Path(args.sdxl)
        big = random_vae(SDXL_VAE, 12)
        save_vae(big, folder)
        lat = torch.randn((1, 4, 48, 48), generator=torch.Generator().manual_seed(6))
        with torch.no_grad():
            sample = big.decode(lat).sample
        save_file({"latent": lat.contiguous(), "sample": sample.contiguous()}, str(folder / "expected_decode.safetensors"))
        print(f"wrote {folder}")
    print(f"wrote {OUT} and {FLOW / 'vae'}")


FULL_CONFIG = {
    "model_type": "multi_modality", "architectures": ["MultiModalityCausalLM"], "torch_dtype": "bfloat16",
    "vision_und_enc_config": {"cls": "CLIPVisionTower", "model_type": "vision_und_enc",
                              "params": {"image_size": 384, "model_name": "siglip_large_patch16_384",
                                         "select_feature": "same", "select_layer": -1}},
    "vision_gen_enc_config": {"cls": "ShallowUViTEncoder", "model_type": "vision_gen_enc",
                              "params": {"input_channels": 4, "stride": 2, "kernel_size": 2, "padding": 0,
                                         "block_out_channels": [768], "layers_in_middle": 2, "hidden_size": 2048,
                                         "elementwise_affine": True, "use_bias": True, "norm_eps": 1e-6,
                                         "dropout": 0.0, "use_mid_block": True}},
    "vision_gen_dec_config": {"cls": "ShallowUViTDecoder", "model_type": "vision_gen_dec",
                              "params": {"in_channels": 768, "out_channels": 4, "block_out_channels": [768],
                                         "upsamples": 1, "layers_in_middle": 2, "hidden_size": 2048,
                                         "elementwise_affine": True, "norm_eps": 1e-6, "use_bias": True,
                                         "dropout": 0.0, "use_mid_block": True}},
    "language_config": {"model_type": "llama", "hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": 24,
                        "num_attention_heads": 16, "num_key_value_heads": 16, "vocab_size": 102400,
                        "max_position_embeddings": 16384, "torch_dtype": "bfloat16"},
}


def fullsize(out):
    import make_fullsize_checkpoint as fc
    from janus.janusflow.models.modeling_vlm import MultiModalityCausalLM as FlowLM
    from janus.janusflow.models.modeling_vlm import MultiModalityConfig as FlowConfig
    out.mkdir(parents=True, exist_ok=True)
    linspace = torch.linspace
    torch.linspace = lambda *a, **k: linspace(*a, **{**k, "device": "cpu"})
    try:
        with torch.device("meta"):
            model = FlowLM(FlowConfig(**FULL_CONFIG))
    finally:
        torch.linspace = linspace
    gen = torch.Generator().manual_seed(4321)
    state = {k: fc.random_tensor(k, tuple(v.shape), gen) for k, v in model.state_dict().items()
             if not k.endswith("inv_freq")}
    ref.write_json(out / "config.json", FULL_CONFIG)
    ref.write_json(out / "tokenizer.json", fc.tokenizer_json())
    for name in ["tokenizer_config.json", "special_tokens_map.json", "processor_config.json", "preprocessor_config.json"]:
        src = ROOT.parent / "ckpt" / "pro-1b" / name
        (out / name).write_bytes(src.read_bytes())
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    print(f"wrote {out}: {len(state)} tensors")


if __name__ == "__main__":
    main()
