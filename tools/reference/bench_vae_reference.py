"""The PyTorch side of `janus-bench vae`: diffusers' AutoencoderKL decode of one latent on CPU, float32 and
bfloat16 (`vae.to(torch.bfloat16)`, as the JanusFlow demo runs it), alternated for ROUNDS rounds after one warm-up
each, medians. The latent is numpy's default_rng(0).random() * 4 - 2 (the same values janus-bench vae draws).

    /work/venv/bin/python tools/reference/bench_vae_reference.py VAE_DIR [--side 48] [--rounds 3] [--threads 2]

Prints one line per precision in janus-bench's key=value form.
"""
import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torchvision_stub  # noqa: E402,F401  (diffusers' import chain asks transformers for image processors)
import numpy as np  # noqa: E402
import torch  # noqa: E402
from diffusers import AutoencoderKL  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("vae")
    parser.add_argument("--side", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    f32 = AutoencoderKL.from_pretrained(args.vae, torch_dtype=torch.float32).eval()
    bf16 = AutoencoderKL.from_pretrained(args.vae, torch_dtype=torch.float32).to(torch.bfloat16).eval()
    c = f32.config.latent_channels
    values = np.random.default_rng(0).random(c * args.side * args.side) * 4 - 2
    latent = torch.from_numpy(values.astype(np.float32).reshape(1, c, args.side, args.side))
    modes = [("f32", f32, latent), ("bf16", bf16, latent.to(torch.bfloat16))]
    times = {name: [] for name, _, _ in modes}
    outputs = {}
    with torch.no_grad():
        for name, model, z in modes:
            outputs[name] = model.decode(z).sample.float()
        for _ in range(args.rounds):
            for name, model, z in modes:
                t = time.perf_counter()
                model.decode(z)
                times[name].append(time.perf_counter() - t)
    for name, _, _ in modes:
        s = sorted(times[name])
        out = outputs[name]
        print(f"benchmark=vae_decode-pytorch  latent={c}x{args.side}x{args.side}  precision={name}  "
              f"median_s={s[len(s) // 2]:.3f}  min_s={s[0]:.3f}  rounds={args.rounds}  threads={torch.get_num_threads()}  "
              f"output_mean={out.double().mean().item():.6f}  max_abs_diff_vs_f32={(out - outputs['f32']).abs().max().item():.5f}  "
              f"torch={torch.__version__}", flush=True)


if __name__ == "__main__":
    main()
