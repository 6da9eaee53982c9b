"""The PyTorch side of `janus-bench clip`: transformers' CLIPModel (float32, CPU) on the same folder and the same
inputs (a 384x384 image at batch 1 and 4 through open_clip's transform, the 30 texts of GenEval's colour classifier
for "car" through open_clip's tokenizer, 77 ids each as GenEval passes them).

    /work/venv/bin/python tools/reference/bench_clip_reference.py DIR [THREADS]
"""
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torchvision_stub  # noqa: E402,F401
import numpy as np  # noqa: E402
import open_clip  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402
from transformers import CLIPModel  # noqa: E402

COLORS = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white"]


def image(seed):
    i = np.arange(384 * 384 * 3, dtype=np.int64)
    return Image.fromarray((((i * 2654435761 + seed * 97) >> 7) & 255).astype(np.uint8).reshape(384, 384, 3), "RGB")


def median(fn, repeats, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


def main():
    folder = sys.argv[1]
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    t = time.perf_counter()
    model = CLIPModel.from_pretrained(folder, torch_dtype=torch.float32).eval()
    print(f"benchmark=clip-pytorch  step=load  s={time.perf_counter() - t:.2f}", flush=True)
    transform = open_clip.transform.image_transform(224, is_train=False)
    one = transform(image(0)).unsqueeze(0)
    four = torch.stack([transform(image(k)) for k in range(4)])
    tok = open_clip.get_tokenizer("ViT-L-14")
    ids = tok([t.format(c=c, cls="car") for c in COLORS for t in
               ["a photo of a {c} {cls}", "a photo of a {c}-colored {cls}", "a photo of a {c} object"]])
    with torch.no_grad():
        t1 = median(lambda: model.get_image_features(pixel_values=one), 3)
        print(f"benchmark=clip-pytorch  step=image batch 1  s={t1:.3f}  images_per_s={1 / t1:.3f}", flush=True)
        t4 = median(lambda: model.get_image_features(pixel_values=four), 1, warmup=0)
        print(f"benchmark=clip-pytorch  step=image batch 4  s={t4:.3f}  images_per_s={4 / t4:.3f}", flush=True)
        tt = median(lambda: model.get_text_features(input_ids=ids), 3)
        print(f"benchmark=clip-pytorch  step=30 classifier texts  s={tt:.3f}", flush=True)


if __name__ == "__main__":
    main()
