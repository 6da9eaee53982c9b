"""COCO RLE fixtures from pycocotools (2.0.11): masks → the compressed counts strings `mask.encode` writes.

Writes Tests/Fixtures/rle/cases.json: a list of {"name", "height", "width", "mask" (row-major, a string of 0/1),
"counts" (the uncompressed runs, column-major, starting with a 0-run), "string" (pycocotools' compressed counts),
"area", "bbox"}. The uncompressed runs are computed here and checked against pycocotools: frPyObjects of them
gives the same string, and decode(string) gives the mask back.
"""
import json
import pathlib

import numpy as np
from pycocotools import mask as mask_utils

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "rle"


def runs(mask: np.ndarray) -> list:
    flat = mask.flatten(order="F").astype(np.uint8)
    counts, current, run = [], 0, 0
    for v in flat:
        if v != current:
            counts.append(run)
            run, current = 0, v
        run += 1
    counts.append(run)
    return counts


def cases():
    rng = np.random.default_rng(20261201)
    out = []
    def add(name, m):
        out.append((name, np.asarray(m, dtype=bool)))
    add("empty 5x7", np.zeros((5, 7)))
    add("full 5x7", np.ones((5, 7)))
    one = np.zeros((4, 3)); one[0, 0] = 1
    add("first pixel 4x3", one)
    last = np.zeros((4, 3)); last[-1, -1] = 1
    add("last pixel 4x3", last)
    add("1x1 on", np.ones((1, 1)))
    add("1x1 off", np.zeros((1, 1)))
    for i, (h, w, p) in enumerate([(6, 9, 0.5), (13, 11, 0.2), (31, 17, 0.8), (40, 52, 0.05), (2, 64, 0.5)]):
        add(f"random {h}x{w} p{p}", rng.random((h, w)) < p)
    # Blobs: long runs (counts > 2^5, 2^10, 2^15) and differences of both signs.
    for h, w in [(64, 64), (96, 128), (120, 160)]:
        m = np.zeros((h, w), dtype=bool)
        for _ in range(5):
            y0, x0 = rng.integers(0, h - 8), rng.integers(0, w - 8)
            m[y0:y0 + rng.integers(4, h - y0), x0:x0 + rng.integers(4, w - x0)] = True
        add(f"boxes {h}x{w}", m)
    yy, xx = np.mgrid[0:100, 0:150]
    add("disc 100x150", (yy - 45) ** 2 + (xx - 85) ** 2 < 40 ** 2)
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    records = []
    for name, m in cases():
        h, w = m.shape
        rle = mask_utils.encode(np.asfortranarray(m.astype(np.uint8)))
        string = rle["counts"].decode("ascii")
        counts = runs(m)
        again = mask_utils.frPyObjects({"size": [h, w], "counts": counts}, h, w)
        assert again["counts"].decode("ascii") == string, name
        assert (mask_utils.decode(rle) == m).all(), name
        records.append({"name": name, "height": h, "width": w,
                        "mask": "".join("1" if v else "0" for v in m.flatten()),
                        "counts": counts, "string": string,
                        "area": int(mask_utils.area(rle)), "bbox": [float(v) for v in mask_utils.toBbox(rle)]})
    (OUT / "cases.json").write_text(json.dumps(records, indent=0) + "\n")
    print(f"wrote {OUT / 'cases.json'}: {len(records)} masks")


if __name__ == "__main__":
    main()
