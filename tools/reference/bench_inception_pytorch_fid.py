#!/usr/bin/env python3
"""pytorch-fid's side of the `janus-bench inception` speed comparison: writes N drawn 256x256 PNGs to DIR (default
/tmp/janus-inception-bench) unless present, then times pytorch-fid 0.3.0's get_activations (pool3, batch 16, the
same weights: pt_inception-random.pth unless WEIGHTS is given, through its own InceptionV3 with the download
replaced by the file) and prints images/s. Threads: torch's default (every core) unless JANUS_EVAL_THREADS is set.

    /work/venv/bin/python tools/reference/bench_inception_pytorch_fid.py [DIR] [N] [WEIGHTS]
    .build/release/janus-bench inception        # the same folder and weights
"""
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torchvision_stub  # noqa: E402,F401

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402
import pytorch_fid.inception as pfi  # noqa: E402
import pytorch_fid.fid_score as pfs  # noqa: E402

DIR = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/janus-inception-bench")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 64
WEIGHTS = sys.argv[3] if len(sys.argv) > 3 else "/work/ckpt/inception/pt_inception-random.pth"
if os.environ.get("JANUS_EVAL_THREADS"):
    torch.set_num_threads(int(os.environ["JANUS_EVAL_THREADS"]))

DIR.mkdir(parents=True, exist_ok=True)
for i in range(N):
    path = DIR / f"img{i:04d}.png"
    if not path.exists():
        rng = np.random.RandomState(i)
        small = rng.randint(0, 256, (32, 32, 3)).astype(np.uint8)
        Image.fromarray(small).resize((256, 256), Image.BICUBIC).save(path)

pfi.load_state_dict_from_url = lambda *a, **k: torch.load(WEIGHTS)
model = pfi.InceptionV3([3]).eval()
files = sorted([f for ext in pfs.IMAGE_EXTENSIONS for f in DIR.glob(f"*.{ext}")])   # pytorch-fid's own listing
pfs.get_activations(files[:16], model, batch_size=16, dims=2048, device="cpu", num_workers=0)   # warm-up
start = time.perf_counter()
pfs.get_activations(files, model, batch_size=16, dims=2048, device="cpu", num_workers=0)
seconds = time.perf_counter() - start
print(f"benchmark=pytorch-fid  images={len(files)}  batch=16  threads={torch.get_num_threads()}  "
      f"seconds={seconds:.2f}  images_per_s={len(files) / seconds:.2f}")
