"""PyTorch reference timings on a (random) full-size Janus checkpoint, to print next to janus-eval's own.

    JANUS_SRC=... python bench_janus_reference.py CKPT_DIR [--threads 2] [--dtype bf16|f32]
        [--prompt-tokens 600] [--decode-tokens 16] [--cfg-rows 2,4,8] [--gen-steps 8] [--image-tokens 576]

Measures with the official code (`MultiModalityCausalLM` loaded from CKPT_DIR by from_pretrained):
- load seconds and peak RSS;
- understanding: prefill of a ~N-token prompt (576 image embeddings + text) and greedy decode ms/token (batch 1);
- generation: ms per classifier-free-guidance token step at 2P rows (P = 1, 2, 4) incl. gen_head, the CFG mix,
  sampling and the gen_aligner feedback, after a prefill of the generation prompt;
- VQ decode seconds for one image (random codes).
Prints one JSON object (medians) on the last line.
"""
import argparse
import json
import resource
import statistics
import time

import janus_reference  # noqa: F401  (puts JANUS_SRC on the path)
import torch
from janus.models.modeling_vlm import MultiModalityCausalLM


def peak_rss_gib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", choices=["bf16", "f32"], default="bf16")
    ap.add_argument("--prompt-tokens", type=int, default=600)
    ap.add_argument("--decode-tokens", type=int, default=16)
    ap.add_argument("--cfg-rows", default="2,4,8")
    ap.add_argument("--gen-steps", type=int, default=8)
    ap.add_argument("--image-tokens", type=int, default=576)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32

    t0 = time.perf_counter()
    model = MultiModalityCausalLM.from_pretrained(args.ckpt, torch_dtype=dtype).eval()
    load_s = time.perf_counter() - t0
    lm = model.language_model
    hidden = lm.config.hidden_size
    result = {"threads": args.threads, "dtype": args.dtype, "torch": torch.__version__, "load_s": load_s}

    with torch.no_grad():
        # Understanding: prefill N embeddings, then greedy decode one token at a time with the KV cache.
        embeds = (0.02 * torch.randn(1, args.prompt_tokens, hidden)).to(dtype)
        t0 = time.perf_counter()
        out = lm(inputs_embeds=embeds, use_cache=True)
        result["prefill_s"] = time.perf_counter() - t0
        past = out.past_key_values
        token = out.logits[:, -1].argmax(-1, keepdim=True)
        steps = []
        for _ in range(args.decode_tokens):
            t0 = time.perf_counter()
            out = lm(input_ids=token, past_key_values=past, use_cache=True)
            past = out.past_key_values
            token = out.logits[:, -1].argmax(-1, keepdim=True)
            steps.append(time.perf_counter() - t0)
        result["decode_ms_per_token"] = 1000 * statistics.median(steps)

        # Generation: CFG token steps at 2P rows, as generation_inference.py runs them.
        result["cfg_step_ms"] = {}
        for rows in [int(r) for r in args.cfg_rows.split(",")]:
            # As long as the mean context over a whole image (20-token prompt + half the image tokens), like
            # janus-bench's generation steps.
            ids = torch.full((rows, 20 + args.image_tokens // 2), 100002, dtype=torch.long)
            ids[:, 0] = 100000
            out = lm.model(inputs_embeds=lm.get_input_embeddings()(ids), use_cache=True)
            past = out.past_key_values
            hidden_state = out.last_hidden_state
            steps = []
            for _ in range(args.gen_steps):
                t0 = time.perf_counter()
                logits = model.gen_head(hidden_state[:, -1, :])
                cond, uncond = logits[0::2, :], logits[1::2, :]
                mixed = uncond + 5.0 * (cond - uncond)
                probs = torch.softmax(mixed / 1.0, dim=-1)
                nxt = torch.multinomial(probs.float(), num_samples=1)
                nxt = torch.cat([nxt, nxt], dim=1).view(-1)
                img_embeds = model.prepare_gen_img_embeds(nxt).unsqueeze(1)
                out = lm.model(inputs_embeds=img_embeds, use_cache=True, past_key_values=past)
                past = out.past_key_values
                hidden_state = out.last_hidden_state
                steps.append(time.perf_counter() - t0)
            result["cfg_step_ms"][str(rows)] = 1000 * statistics.median(steps)
        # VQ decode of one image from random codes, in the model's dtype (as generation_inference.py runs it).
        vq = model.gen_vision_model
        side = int(round((args.image_tokens) ** 0.5))
        codes = torch.randint(0, vq.quantize.n_e, (1, side * side), generator=torch.Generator().manual_seed(3))
        t0 = time.perf_counter()
        vq.decode_code(codes.to(torch.int), shape=[1, vq.quantize.e_dim, side, side])
        result["vq_decode_s_per_image"] = time.perf_counter() - t0
        # A second image, as every image of a run after its first.
        t0 = time.perf_counter()
        vq.decode_code(codes.to(torch.int), shape=[1, vq.quantize.e_dim, side, side])
        result["vq_decode_warm_s_per_image"] = time.perf_counter() - t0
    result["peak_rss_gib"] = peak_rss_gib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
