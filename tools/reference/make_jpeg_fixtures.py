#!/usr/bin/env python3
"""JPEG fixtures for JPEGCodec (Tests/Fixtures/jpeg/): small JPEG files of every variant the reader supports and
what Pillow's Image.open(p).convert("RGB") gives for each (SHA-256 of the RGB bytes + sample pixels), plus what
OpenCV's cv2.imread (BGR, EXIF rotation on by default) gives, in expected.json.

Pillow writes most variants; the ones it cannot write (4:4:0, YCCK, arithmetic coding, RGB colour space) are written
by jpeg_encode_helper.c (compiled here against the system libjpeg-turbo). EXIF blocks are written by hand, both byte
orders. Deterministic: the pixels are a fixed pattern, no randomness.

    tools/reference/.venv/bin/python tools/reference/make_jpeg_fixtures.py
"""
import hashlib, io, json, os, struct, subprocess, sys, tempfile
from PIL import Image, features
import PIL

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "jpeg")
HELPER_SRC = os.path.join(os.path.dirname(__file__), "jpeg_encode_helper.c")


def pattern(w, h, mode="RGB"):
    """Smooth gradients, a hard edge and a checker block: exercises both DC and AC paths and chroma edges."""
    px = bytearray()
    for y in range(h):
        for x in range(w):
            r = (x * 255) // max(w - 1, 1)
            g = (y * 255) // max(h - 1, 1)
            b = 255 if (x // 4 + y // 4) % 2 else 30
            if x > w // 2 and y > h // 2:
                r, g, b = 250 - g // 3, 40 + r // 5, 200 - b // 2
            if mode == "RGB":
                px += bytes((r, g, b))
            elif mode == "L":
                px.append((r * 3 + g * 5 + b * 2) // 10)
            else:  # CMYK
                px += bytes((r, g, b, (x * 7 + y * 3) % 256))
    return Image.frombytes(mode, (w, h), bytes(px))


def exif_block(orientation, big_endian):
    e = ">" if big_endian else "<"
    tiff = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, 8)
    tiff += struct.pack(e + "H", 1) + struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(e + "I", 0)
    return b"Exif\x00\x00" + tiff


def helper(img, space, h0, v0, quality, arith=0, progressive=0):
    exe = os.path.join(tempfile.gettempdir(), "jpeg_encode_helper")
    if not os.path.exists(exe):
        subprocess.run(["cc", "-O2", "-o", exe, HELPER_SRC, "-ljpeg"], check=True)
    raw = img.tobytes()
    if img.mode == "CMYK":
        raw = bytes(255 - v for v in raw)  # Adobe-inverted, as Pillow writes CMYK ("CMYK;I")
    n = 4 if img.mode == "CMYK" else 3
    args = [exe, str(img.width), str(img.height), str(n), space, str(h0), str(v0), str(quality), str(arith), str(progressive)]
    return subprocess.run(args, input=raw, capture_output=True, check=True).stdout


def pillow(img, **kw):
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()


def variants():
    v = []
    rgb = lambda w, h: pattern(w, h)
    for (w, h) in [(1, 1), (17, 9), (33, 65), (250, 131), (8, 8), (16, 16), (2, 3)]:
        v.append((f"baseline_420_q75_{w}x{h}", pillow(rgb(w, h), quality=75)))
    for name, sub in [("444", 0), ("422", 1), ("420", 2)]:
        v.append((f"baseline_{name}_q90_33x65", pillow(rgb(33, 65), quality=90, subsampling=sub)))
        v.append((f"progressive_{name}_q80_250x131", pillow(rgb(250, 131), quality=80, subsampling=sub, progressive=True)))
    v.append(("baseline_440_q85_33x65", helper(rgb(33, 65), "ycc", 1, 2, 85)))
    v.append(("progressive_440_q85_250x131", helper(rgb(250, 131), "ycc", 1, 2, 85, progressive=1)))
    v.append(("baseline_411_q85_37x21", helper(rgb(37, 21), "ycc", 4, 1, 85)))
    for q in [10, 30, 50, 95, 100]:
        v.append((f"baseline_420_q{q}_61x47", pillow(rgb(61, 47), quality=q)))
    v.append(("grayscale_q75_17x9", pillow(pattern(17, 9, "L"), quality=75)))
    v.append(("grayscale_progressive_q60_250x131", pillow(pattern(250, 131, "L"), quality=60, progressive=True)))
    v.append(("cmyk_adobe_q90_33x65", pillow(pattern(33, 65, "CMYK"), quality=90)))
    v.append(("cmyk_adobe_progressive_q70_61x47", pillow(pattern(61, 47, "CMYK"), quality=70, progressive=True)))
    v.append(("ycck_adobe_q90_33x65", helper(pattern(33, 65, "CMYK"), "ycck", 1, 1, 90)))
    v.append(("ycck_adobe_420_q80_61x47", helper(pattern(61, 47, "CMYK"), "ycck", 2, 2, 80)))
    v.append(("rgb_colorspace_q90_33x65", helper(rgb(33, 65), "rgb", 1, 1, 90)))
    v.append(("arithmetic_420_q80_61x47", helper(rgb(61, 47), "ycc", 2, 2, 80, arith=1)))
    v.append(("arithmetic_progressive_444_q80_33x65", helper(rgb(33, 65), "ycc", 1, 1, 80, arith=1, progressive=1)))
    v.append(("restart_blocks1_420_q75_250x131", pillow(rgb(250, 131), quality=75, restart_marker_blocks=1)))
    v.append(("restart_rows2_444_q75_61x47", pillow(rgb(61, 47), quality=75, subsampling=0, restart_marker_rows=2)))
    v.append(("restart_progressive_420_q75_250x131", pillow(rgb(250, 131), quality=75, progressive=True, restart_marker_blocks=3)))
    for o in range(1, 9):
        big = o % 2 == 0
        v.append((f"exif_orientation{o}_{'mm' if big else 'ii'}_q85_17x9", pillow(rgb(17, 9), quality=85, exif=exif_block(o, big))))
    v.append(("exif_orientation6_ii_q85_33x65", pillow(rgb(33, 65), quality=85, exif=exif_block(6, False))))
    return v


def sha(b):
    return hashlib.sha256(b).hexdigest()


def main():
    import cv2
    import numpy as np
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for name, data in variants():
        path = os.path.join(OUT, name + ".jpg")
        with open(path, "wb") as f:
            f.write(data)
        im = Image.open(path)
        mode = im.mode
        rgb = im.convert("RGB")
        w, h = rgb.size
        pix = rgb.tobytes()
        samples = []
        for (x, y) in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (w // 2, h // 3)]:
            samples.append([x, y, list(rgb.getpixel((x, y)))])
        bgr = cv2.imread(path)  # IMREAD_COLOR: BGR, EXIF orientation applied
        cv_rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        exif = im.getexif().get(0x0112)
        entries.append({
            "file": name + ".jpg", "width": w, "height": h, "pillow_mode": mode,
            "progressive": bool(im.info.get("progressive", 0)), "adobe": "adobe" in im.info,
            "exif_orientation": exif,
            "rgb_sha256": sha(pix), "samples": samples,
            "opencv_width": int(cv_rgb.shape[1]), "opencv_height": int(cv_rgb.shape[0]),
            "opencv_rgb_sha256": sha(cv_rgb.tobytes()),
        })
    meta = {"pillow": PIL.__version__, "pillow_libjpeg_turbo": features.version("jpg"), "opencv": cv2.__version__,
            "rule": "rgb_sha256 = sha256(Image.open(p).convert('RGB').tobytes()); opencv_rgb_sha256 = sha256(cv2.imread(p)[:, :, ::-1])",
            "fixtures": entries}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(entries)} fixtures, {sum(os.path.getsize(os.path.join(OUT, e['file'])) for e in entries)} bytes")
    bad_inputs()


def bad_inputs():
    """What Pillow does with the bad inputs the Swift tests make (printed for the README table, nothing written)."""
    import PIL.ImageFile
    good = pillow(pattern(250, 131), quality=75)
    sof = good.index(b"\xff\xc0")
    cases = {
        "truncated at half": good[: len(good) // 2],
        "truncated in header": good[:sof + 4],
        "missing EOI only": good[:-2],
        "corrupt entropy data": good[: len(good) // 2] + bytes([0x55]) * 200 + good[len(good) // 2 + 200:],
        "65500x65500 claim": good[:sof + 5] + struct.pack(">HH", 65500, 65500) + good[sof + 9:],
        "zero height": good[:sof + 5] + struct.pack(">HH", 0, 250) + good[sof + 9:],
        "12-bit precision": good[:sof + 4] + b"\x0c" + good[sof + 5:],
        "garbage after SOI": b"\xff\xd8\xff" + bytes(range(256)) * 4,
    }
    for name, data in cases.items():
        try:
            im = Image.open(io.BytesIO(data))
            im.load()
            print(f"{name}: Pillow accepts {im.size} {im.mode}")
        except Exception as e:
            print(f"{name}: Pillow refuses: {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
