#!/usr/bin/env python3
"""Pillow's side of the JPEG decode speed comparison with `janus-bench jpeg`: writes a few COCO-sized and larger
JPEGs (deterministic pattern plus noise) to DIR (default /tmp/janus-jpeg-bench) unless present, then times
Image.open(p).convert("RGB") on each (median, one thread) and prints megapixels per second.

    tools/reference/.venv/bin/python tools/reference/bench_jpeg_pillow.py [DIR]
    JANUS_BENCH_JPEG_DIR=DIR .build/release/janus-bench jpeg
"""
import io, os, random, sys, time
from PIL import Image

DIR = sys.argv[1] if len(sys.argv) > 1 else "/tmp/janus-jpeg-bench"
FILES = [("coco_640x480_420_q90.jpg", (640, 480), dict(quality=90)),
         ("coco_640x480_444_q95.jpg", (640, 480), dict(quality=95, subsampling=0)),
         ("hd_1920x1080_420_q85.jpg", (1920, 1080), dict(quality=85)),
         ("hd_1920x1080_420_q85_progressive.jpg", (1920, 1080), dict(quality=85, progressive=True)),
         ("gray_1024x768_q90.jpg", (1024, 768), dict(quality=90))]


def picture(w, h, gray):
    rng = random.Random(1)
    small = Image.frombytes("RGB", (w // 8, h // 8), bytes(rng.randrange(256) for _ in range((w // 8) * (h // 8) * 3)))
    im = small.resize((w, h), Image.BICUBIC)
    return im.convert("L") if gray else im


def main():
    os.makedirs(DIR, exist_ok=True)
    for name, (w, h), kw in FILES:
        path = os.path.join(DIR, name)
        if not os.path.exists(path):
            picture(w, h, name.startswith("gray")).save(path, "JPEG", **kw)
    for name, (w, h), _ in FILES:
        data = open(os.path.join(DIR, name), "rb").read()
        mp = w * h / 1e6
        repeats = max(3, min(50, int(20 / mp)))
        Image.open(io.BytesIO(data)).convert("RGB")
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            Image.open(io.BytesIO(data)).convert("RGB")
            times.append(time.perf_counter() - t)
        s = sorted(times)[len(times) // 2]
        print(f"pillow  file={name}  size={w}x{h}  ms={s * 1000:.2f}  mpix_per_s={mp / s:.1f}")


if __name__ == "__main__":
    main()
