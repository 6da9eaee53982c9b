#!/usr/bin/env python3
"""JPEG copies of the demo POPE and MMBench data (run after tools/make_demo_suites.py), so the demo runs read the
formats the real suites ship: COCO's val2014 JPEGs and MMBench's base64 JPEGs in the TSV.

  suites/demo/pope-jpeg/                 the three question files with image names COCO_val2014_<12 digits>.jpg,
                                         images/ the same pictures as JPEG (quality 90, 4:2:0, Pillow's encoder)
  suites/demo/mmbench/MMBench_demo_jpeg.tsv   MMBench_demo.tsv with every image re-encoded as base64 JPEG

Deterministic (libjpeg-turbo's encoder, fixed settings, no metadata).

    tools/reference/.venv/bin/python tools/reference/make_demo_jpeg.py
"""
import base64, io, json, os
from PIL import Image

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEMO = os.path.join(ROOT, "suites", "demo")


def jpeg(png_bytes):
    buf = io.BytesIO()
    Image.open(io.BytesIO(png_bytes)).convert("RGB").save(buf, "JPEG", quality=90, subsampling=2)
    return buf.getvalue()


def main():
    src, dst = os.path.join(DEMO, "pope"), os.path.join(DEMO, "pope-jpeg")
    os.makedirs(os.path.join(dst, "images"), exist_ok=True)
    for name in sorted(os.listdir(os.path.join(src, "images"))):
        with open(os.path.join(src, "images", name), "rb") as f:
            data = jpeg(f.read())
        with open(os.path.join(dst, "images", name[:-4] + ".jpg"), "wb") as f:
            f.write(data)
    for name in sorted(os.listdir(src)):
        if not name.endswith(".json"):
            continue
        lines = []
        for line in open(os.path.join(src, name)):
            if line.strip():
                q = json.loads(line)
                q["image"] = q["image"][:-4] + ".jpg"
                lines.append(json.dumps(q))
        with open(os.path.join(dst, name), "w") as f:
            f.write("\n".join(lines) + "\n")
    rows = open(os.path.join(DEMO, "mmbench", "MMBench_demo.tsv")).read().split("\n")
    header = rows[0].split("\t")
    col = header.index("image")
    out = [rows[0]]
    for row in rows[1:]:
        if not row:
            out.append(row)
            continue
        cells = row.split("\t")
        if cells[col] and not cells[col].isdigit():  # CircularEval copies may refer to an index instead
            cells[col] = base64.b64encode(jpeg(base64.b64decode(cells[col]))).decode("ascii")
        out.append("\t".join(cells))
    with open(os.path.join(DEMO, "mmbench", "MMBench_demo_jpeg.tsv"), "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
