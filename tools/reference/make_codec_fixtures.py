"""PNGs of every colour type and bit depth, and what Pillow's Image.open(p).convert("RGB") makes of them.

Writes Tests/Fixtures/codecs/png/<name>.png (written by pypng, which can write every PNG variant) and
Tests/Fixtures/codecs/png/expected.json: for each file, width, height and the RGB bytes Pillow returns.
Also Tests/Fixtures/codecs/python_dumps.json: a json.dumps line the Python-compatible JSON writer must equal.
"""
import json
import pathlib

import numpy as np
import png
from PIL import Image

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "codecs"
W, H = 5, 7


def write(name, rows, **kw):
    path = OUT / "png" / f"{name}.png"
    with open(path, "wb") as f:
        png.Writer(W, H, **kw).write(f, rows)
    return path


def main():
    (OUT / "png").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    made = []
    for depth in [1, 2, 4, 8, 16]:
        rows = rng.integers(0, 2**depth, size=(H, W)).tolist()
        made.append(write(f"gray{depth}", rows, greyscale=True, bitdepth=depth))
    rows16 = rng.integers(0, 2**16, size=(H, W)).tolist()
    rows16[0][:3] = [0, 255, 256]  # around Pillow's I;16 → RGB clipping point
    made.append(write("gray16_clip", rows16, greyscale=True, bitdepth=16))
    made.append(write("gray8_trns", rng.integers(0, 256, size=(H, W)).tolist(), greyscale=True, bitdepth=8,
                      transparent=7))
    for depth in [8, 16]:
        made.append(write(f"gray_alpha{depth}", rng.integers(0, 2**depth, size=(H, W * 2)).tolist(), greyscale=True,
                          alpha=True, bitdepth=depth))
        made.append(write(f"rgb{depth}", rng.integers(0, 2**depth, size=(H, W * 3)).tolist(), greyscale=False,
                          bitdepth=depth))
        made.append(write(f"rgba{depth}", rng.integers(0, 2**depth, size=(H, W * 4)).tolist(), greyscale=False, alpha=True,
                          bitdepth=depth))
    for depth in [1, 2, 4, 8]:
        n = 2**depth
        palette = [tuple(int(v) for v in rng.integers(0, 256, size=3)) for _ in range(n)]
        rows = rng.integers(0, n, size=(H, W)).tolist()
        made.append(write(f"palette{depth}", rows, palette=palette, bitdepth=depth))
        with_alpha = [p + (int(rng.integers(0, 256)),) for p in palette]
        made.append(write(f"palette{depth}_trns", rows, palette=with_alpha, bitdepth=depth))
    made.append(write("rgb8_interlaced", rng.integers(0, 256, size=(H, W * 3)).tolist(), greyscale=False, bitdepth=8,
                      interlace=True))
    made.append(write("gray16_interlaced", rng.integers(0, 2**16, size=(H, W)).tolist(), greyscale=True, bitdepth=16,
                      interlace=True))
    expected = {}
    for path in made:
        im = Image.open(path)
        rgb = np.asarray(im.convert("RGB"))
        expected[path.name] = {"pillow_mode": im.mode, "width": W, "height": H, "rgb": rgb.flatten().tolist()}
    (OUT / "png" / "expected.json").write_text(json.dumps(expected, separators=(",", ":")) + "\n")
    rec = {"tag": "colors", "include": [{"class": "tv remote", "count": 1, "color": "yellow"}],
           "prompt": "a photo of a yellow tv remote \u2014 caf\u00e9 \u2615 \U0001d538", "score": 0.1, "tiny": 1e-07,
           "big": 1e16, "neg": -2.5, "list": [1, 2.0, None, True, False, 'tab\tquote"back\\']}
    (OUT / "python_dumps.json").write_text(json.dumps(rec) + "\n")
    print(f"wrote {len(made)} PNGs and expected.json under {OUT}")


if __name__ == "__main__":
    main()
