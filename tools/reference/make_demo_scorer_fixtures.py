"""The demo's GenEval detector: a tiny random Mask2Former (transformers' Hugging Face layout, the tiny sizes of
make_mask2former_fixtures.py, Swin width 8) with GenEval's 80 class names in COCO order, for `--detector-weights demo`.

Writes Tests/Fixtures/demo-scorers/mask2former-coco80/ (config.json, model.safetensors). Random weights detect
nothing on purpose, so the class head is rigged to make the plumbing visible: only the classes of the demo's
prompts (suites/demo/geneval/evaluation_metadata.jsonl) get non-zero class weights (scaled up, so each query is
confidently one of them); every other class and the no-object class get a bias of -10. Scores are then class
probability × mean mask probability, often above GenEval's 0.3, so the demo judges real detections, reads their
colours with the tiny CLIP (`--clip-weights demo` = Tests/Fixtures/clip/tiny) and draws them in report.html.
The judgments are still meaningless. Deterministic (seeded).
"""
import json
import pathlib

import torchvision_stub  # noqa: F401
import torch
from safetensors.torch import save_file
from transformers import Mask2FormerForUniversalSegmentation

from make_mask2former_fixtures import COCO_NAMES, randomise, tiny_config

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "demo-scorers" / "mask2former-coco80"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    config = tiny_config()
    config.backbone_config.embed_dim = 8          # half the parity fixture's width: the file stays ~1 MB
    config.backbone_config.hidden_size = 8 * 2 ** 3
    config.num_labels = len(COCO_NAMES)
    config.id2label = {i: n for i, n in enumerate(COCO_NAMES)}
    config.label2id = {n: i for i, n in enumerate(COCO_NAMES)}
    torch.manual_seed(0)
    model = Mask2FormerForUniversalSegmentation(config).eval()
    generator = torch.Generator().manual_seed(2026)
    randomise(model, generator)
    prompts = [json.loads(line) for line in (ROOT / "suites/demo/geneval/evaluation_metadata.jsonl").read_text().splitlines() if line.strip()]
    chosen = sorted({COCO_NAMES.index(c["class"]) for p in prompts for c in p["include"]})
    head = model.class_predictor
    with torch.no_grad():
        weight = torch.zeros_like(head.weight)
        bias = torch.full_like(head.bias, -10.0)
        for c in chosen:
            weight[c] = torch.randn(head.weight.shape[1], generator=generator) * 8 / head.weight.shape[1] ** 0.5
            bias[c] = 0
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(OUT / "model.safetensors"))
    (OUT / "model.safetensors").chmod(0o644)
    (OUT / "config.json").write_text(config.to_json_string())
    with torch.no_grad():
        out = model(pixel_values=torch.randn((1, 3, 384, 384), generator=generator))
    probs = out.class_queries_logits.softmax(-1)[0, :, :-1]
    print(f"wrote {OUT}: {len(state)} tensors, {sum(v.numel() for v in state.values())} values; classes {[COCO_NAMES[c] for c in chosen]}; "
          f"per-query max class probability {[round(float(v), 2) for v in probs.max(-1).values]}")


if __name__ == "__main__":
    main()
