#!/usr/bin/env python3
"""Writes suites/demo/: tiny synthetic POPE, MMBench and GenEval suites for `janus-eval run <suite> --model demo`.

Everything is procedurally drawn from this file alone (Python standard library only, no randomness but a seeded
SplitMix64), so the output is byte-identical on every machine and Python 3 version: PNGs are compressed by a
small fixed-Huffman deflate written here rather than by the zlib library (whose output may differ between zlib
builds, e.g. zlib-ng). The GenEval prompt records are copied verbatim from the official 553-prompt file.

    python3 tools/make_demo_suites.py            # (re)writes suites/demo/
    python3 tools/make_demo_suites.py --check    # regenerates into a temporary folder, compares, writes nothing
    python3 tools/make_demo_suites.py --out DIR  # writes DIR instead (DIR must be new or an earlier output)
"""

import argparse
import base64
import filecmp
import json
import math
import os
import re
import shutil
import struct
import sys
import tempfile
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OFFICIAL_GENEVAL = os.path.join(REPO, "Tests", "Fixtures", "geneval", "evaluation_metadata.jsonl")
MARKER = "<!-- written by tools/make_demo_suites.py -->"
SEED = 20260101


# ----------------------------------------------------------------------------------------------------------------
# Deterministic randomness

class SplitMix64:
    """SplitMix64 (Steele, Lea & Flood 2014): fixed, version-independent, enough for picking negatives."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        """Uniform in [0, n) by rejection (no modulo bias)."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            v = self.next()
            if v < limit:
                return v % n


# ----------------------------------------------------------------------------------------------------------------
# PNG: 8-bit RGB, no interlace, filter 0, one IDAT compressed by a deterministic fixed-Huffman deflate

_LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
          227, 258]
_LEXTRA = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
_DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
          4097, 6145, 8193, 12289, 16385, 24577]
_DEXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]


class _BitWriter:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def bits(self, value, count):  # LSB first
        self.acc |= value << self.n
        self.n += count
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8

    def code(self, code, length):  # Huffman codes go MSB first
        rev = 0
        for _ in range(length):
            rev = (rev << 1) | (code & 1)
            code >>= 1
        self.bits(rev, length)

    def finish(self):
        if self.n:
            self.out.append(self.acc & 0xFF)
        return bytes(self.out)


def _literal(w, v):
    if v < 144:
        w.code(0x30 + v, 8)
    elif v < 256:
        w.code(0x190 + v - 144, 9)
    elif v < 280:
        w.code(v - 256, 7)
    else:
        w.code(0xC0 + v - 280, 8)


def deflate_fixed(data):
    """A zlib stream: one final fixed-Huffman block, greedy LZ77 over the 16 most recent 3-byte matches."""
    w = _BitWriter()
    w.bits(1, 1)  # BFINAL
    w.bits(1, 2)  # BTYPE = 01, fixed Huffman
    chains = {}
    i, n = 0, len(data)
    while i < n:
        best_len, best_dist = 0, 0
        if i + 3 <= n:
            key = data[i:i + 3]
            for j in reversed(chains.get(key, [])[-16:]):
                if i - j > 32768:
                    break
                length = 3
                while length < 258 and i + length < n and data[j + length] == data[i + length]:
                    length += 1
                if length > best_len:
                    best_len, best_dist = length, i - j
        step = best_len if best_len >= 3 else 1
        if best_len >= 3:
            c = max(k for k in range(29) if _LBASE[k] <= best_len)
            _literal(w, 257 + c)
            w.bits(best_len - _LBASE[c], _LEXTRA[c])
            d = max(k for k in range(30) if _DBASE[k] <= best_dist)
            w.code(d, 5)
            w.bits(best_dist - _DBASE[d], _DEXTRA[d])
        else:
            _literal(w, data[i])
        for k in range(i, min(i + step, n - 2)):
            chains.setdefault(data[k:k + 3], []).append(k)
        i += step
    _literal(w, 256)
    return b"\x78\x01" + w.finish() + struct.pack(">I", zlib.adler32(data) & 0xFFFFFFFF)


def png_bytes(width, height, rgb):
    assert len(rgb) == width * height * 3
    raw = bytearray()
    stride = width * 3
    for y in range(height):
        raw.append(0)
        raw += rgb[y * stride:(y + 1) * stride]
    raw = bytes(raw)
    idat = deflate_fixed(raw)
    assert zlib.decompress(idat) == raw, "deflate round trip failed"

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


class Canvas:
    """RGB pixels with a few filled primitives (no anti-aliasing: flat colours compress to almost nothing)."""

    def __init__(self, width, height, color):
        self.w, self.h = width, height
        self.px = bytearray(bytes(color) * (width * height))

    def set(self, x, y, color):
        if 0 <= x < self.w and 0 <= y < self.h:
            o = (y * self.w + x) * 3
            self.px[o:o + 3] = bytes(color)

    def rect(self, x1, y1, x2, y2, color):  # [x1, x2) × [y1, y2)
        for y in range(max(0, int(y1)), min(self.h, int(y2))):
            for x in range(max(0, int(x1)), min(self.w, int(x2))):
                self.set(x, y, color)

    def circle(self, cx, cy, r, color, inner=0.0):
        for y in range(self.h):
            for x in range(self.w):
                d2 = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2
                if inner * inner <= d2 <= r * r:
                    self.set(x, y, color)

    def polygon(self, points, color):  # even-odd rule at pixel centres
        for y in range(self.h):
            for x in range(self.w):
                px, py, inside = x + 0.5, y + 0.5, False
                for k in range(len(points)):
                    (ax, ay), (bx, by) = points[k], points[k - 1]
                    if (ay > py) != (by > py) and px < (bx - ax) * (py - ay) / (by - ay) + ax:
                        inside = not inside
                if inside:
                    self.set(x, y, color)

    def png(self):
        return png_bytes(self.w, self.h, bytes(self.px))


# GenEval's colour list (evaluation/evaluate_images.py COLORS), drawn in these RGB values.
COLORS = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white"]
RGB = {"red": (220, 30, 30), "orange": (245, 140, 20), "yellow": (240, 215, 30), "green": (40, 160, 60),
       "blue": (30, 70, 220), "purple": (130, 50, 170), "pink": (245, 150, 190), "brown": (120, 70, 30),
       "black": (15, 15, 15), "white": (250, 250, 250), "grey": (153, 153, 153), "navy": (15, 20, 60),
       "sky": (140, 190, 240), "sand": (230, 210, 160)}


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


# ----------------------------------------------------------------------------------------------------------------
# Output helpers

def write_bytes(root, rel, data):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_text(root, rel, text):
    write_bytes(root, rel, text.encode("utf-8"))


def article(name):
    return ("an " if name[0] in "aeiou" else "a ") + name


# ----------------------------------------------------------------------------------------------------------------
# POPE

# COCO object names, each drawn as one simple shape.
POPE_SHAPES = {
    "person": "a pink upright bar with a round head",
    "dog": "a brown disc",
    "cat": "an orange triangle",
    "car": "a red wide bar on two black wheels",
    "bicycle": "two black rings",
    "bench": "a brown flat bar on legs",
    "chair": "a blue square on legs",
    "cup": "a small white square",
    "bottle": "a green narrow bar",
    "umbrella": "a purple half disc on a stick",
    "kite": "a yellow diamond",
    "apple": "a small red disc",
}

# Six scenes, three objects each; the first object (annotation order) is the one asked about, as POPE asks about
# the first objects of each image. Objects sit in three slots: left, middle, right.
POPE_SCENES = [
    ["dog", "person", "bench"],
    ["car", "person", "bicycle"],
    ["cat", "chair", "cup"],
    ["person", "umbrella", "dog"],
    ["cup", "bottle", "chair"],
    ["bicycle", "car", "umbrella"],
]


def draw_pope_object(c, name, x0):
    """Draws `name` in a 20-pixel-wide slot starting at x0 on a 64×64 canvas (ground line at y = 50)."""
    cx = x0 + 10
    if name == "person":
        c.rect(cx - 3, 24, cx + 3, 50, RGB["pink"]); c.circle(cx, 19, 5, RGB["pink"])
    elif name == "dog":
        c.circle(cx, 42, 8, RGB["brown"])
    elif name == "cat":
        c.polygon([(cx - 8, 50), (cx + 8, 50), (cx, 34)], RGB["orange"])
    elif name == "car":
        c.rect(x0, 36, x0 + 20, 46, RGB["red"]); c.circle(cx - 5, 47, 3, RGB["black"]); c.circle(cx + 5, 47, 3, RGB["black"])
    elif name == "bicycle":
        c.circle(cx - 5, 44, 5, RGB["black"], inner=3); c.circle(cx + 5, 44, 5, RGB["black"], inner=3)
    elif name == "bench":
        c.rect(x0 + 1, 40, x0 + 19, 44, RGB["brown"]); c.rect(x0 + 2, 44, x0 + 4, 50, RGB["brown"]); c.rect(x0 + 16, 44, x0 + 18, 50, RGB["brown"])
    elif name == "chair":
        c.rect(cx - 6, 32, cx + 6, 44, RGB["blue"]); c.rect(cx - 6, 44, cx - 4, 50, RGB["blue"]); c.rect(cx + 4, 44, cx + 6, 50, RGB["blue"])
    elif name == "cup":
        c.rect(cx - 4, 42, cx + 4, 50, RGB["white"])
    elif name == "bottle":
        c.rect(cx - 2, 30, cx + 2, 50, RGB["green"])
    elif name == "umbrella":
        c.circle(cx, 34, 9, RGB["purple"]); c.rect(x0, 34, x0 + 20, 44, RGB["sky"]); c.rect(cx - 1, 33, cx + 1, 50, RGB["black"])
    elif name == "kite":
        c.polygon([(cx, 10), (cx + 7, 20), (cx, 32), (cx - 7, 20)], RGB["yellow"])
    elif name == "apple":
        c.circle(cx, 46, 4, RGB["red"])
    else:
        raise ValueError(name)


def pope_image(objects):
    c = Canvas(64, 64, RGB["sky"])
    c.rect(0, 50, 64, 64, mix(RGB["green"], RGB["sand"], 0.4))
    for slot, name in enumerate(objects):
        draw_pope_object(c, name, 2 + slot * 20)
    return c.png()


def pope_questions(rng):
    """POPE's construction (RUCAIBox/POPE; janus-eval's POPEBuilder): per image its first object is the positive,
    followed by one negative that is not in the image: random among the sampled images' objects, the most
    popular one (in most images; ties by name), or the one co-occurring most with the positive (ties by name),
    with the random choice as fallback."""
    files = ["COCO_val2014_%012d.png" % (i + 1) for i in range(len(POPE_SCENES))]
    pool = [o for objs in POPE_SCENES for o in objs]
    seen_in, cooccur = {}, {}
    for objs in POPE_SCENES:
        for o in objs:
            seen_in[o] = seen_in.get(o, 0) + 1
        for a in objs:
            for b in objs:
                if a != b:
                    cooccur.setdefault(a, {})
                    cooccur[a][b] = cooccur[a].get(b, 0) + 1
    by_popularity = sorted(seen_in, key=lambda o: (-seen_in[o], o))
    splits, notes = {}, {}
    for strategy in ["random", "popular", "adversarial"]:
        out, fallbacks = [], 0
        qid = 1
        for file, objs in zip(files, POPE_SCENES):
            positive = objs[0]
            allowed = [o for o in sorted(set(pool)) if o not in objs]
            out.append({"question_id": qid, "image": file, "text": "Is there %s in the image?" % article(positive), "label": "yes"})
            qid += 1
            negative = None
            if strategy == "popular":
                negative = next((o for o in by_popularity if o in allowed), None)
            elif strategy == "adversarial":
                partners = cooccur.get(positive, {})
                negative = next((o for o in sorted(partners, key=lambda o: (-partners[o], o)) if o in allowed), None)
            if negative is None:
                candidates = [o for o in pool if o in allowed]
                negative = candidates[rng.below(len(candidates))]
                if strategy != "random":
                    fallbacks += 1
            out.append({"question_id": qid, "image": file, "text": "Is there %s in the image?" % article(negative), "label": "no"})
            qid += 1
        splits[strategy] = out
        notes[strategy] = fallbacks
    return files, splits, notes


def make_pope(root, rng):
    files, splits, fallbacks = pope_questions(rng)
    for file, objs in zip(files, POPE_SCENES):
        write_bytes(root, "pope/images/" + file, pope_image(objs))
    for split, questions in splits.items():
        write_text(root, "pope/coco_pope_%s.json" % split, "".join(json.dumps(q) + "\n" for q in questions))
    return files, splits, fallbacks


# ----------------------------------------------------------------------------------------------------------------
# MMBench

def mm_canvas(color="white"):
    return Canvas(48, 48, RGB[color])


def mm_images():
    imgs = []
    # 0: a blue disc
    c = mm_canvas(); c.circle(24, 24, 13, RGB["blue"]); imgs.append(c)
    # 1: a green triangle
    c = mm_canvas(); c.polygon([(8, 40), (40, 40), (24, 8)], RGB["green"]); imgs.append(c)
    # 2: a red square, bottom right
    c = mm_canvas(); c.rect(30, 30, 44, 44, RGB["red"]); imgs.append(c)
    # 3: a yellow disc on the left, on grey
    c = mm_canvas("grey"); c.circle(11, 24, 8, RGB["yellow"]); imgs.append(c)
    # 4: night sky: navy, stars, a moon
    c = mm_canvas("navy")
    for x, y in [(5, 6), (14, 20), (22, 9), (31, 27), (40, 14), (8, 36), (27, 41), (43, 38), (36, 5)]:
        c.rect(x, y, x + 2, y + 2, RGB["yellow"])
    c.circle(36, 14, 6, RGB["white"]); imgs.append(c)
    # 5: a grassy field under a blue sky with a sun
    c = mm_canvas("sky"); c.rect(0, 30, 48, 48, RGB["green"]); c.circle(38, 9, 5, RGB["yellow"]); imgs.append(c)
    # 6: a triangle left of a circle
    c = mm_canvas(); c.polygon([(3, 32), (19, 32), (11, 16)], RGB["orange"]); c.circle(34, 24, 8, RGB["purple"]); imgs.append(c)
    # 7: a stack: green triangle over red disc over blue square, a yellow bar at the bottom
    c = mm_canvas()
    c.polygon([(17, 13), (31, 13), (24, 2)], RGB["green"]); c.circle(24, 20, 7, RGB["red"])
    c.rect(17, 27, 31, 40, RGB["blue"]); c.rect(8, 41, 40, 46, RGB["yellow"]); imgs.append(c)
    return imgs


L_INST, L_CROSS, L_COARSE = "finegrained_perception (instance-level)", "finegrained_perception (cross-instance)", "coarse_perception"

# (question, hint or "", options, answer letter, category, l2-category); image i goes with question i.
MMBENCH_QUESTIONS = [
    ("What colour is the circle in the image?", "", ["red", "green", "blue", "yellow"], "C",
     "attribute_recognition", L_INST),
    ("Which shape is shown in the image?", "The image contains a single shape.", ["triangle", "square", "circle"], "A",
     "attribute_recognition", L_INST),
    ("Where is the red square in the image?", "", ["top left", "top right", "bottom left", "bottom right"], "D",
     "object_localization", L_INST),
    ("In which part of the image is the yellow circle?", "The image is divided into top, left, bottom and right parts.",
     ["the top", "the left", "the bottom", "the right"], "B", "object_localization", L_INST),
    ("Which scene does this image most likely show?", "Look at the colours of the sky.",
     ["a night sky", "a beach", "a forest", "a snowfield"], "A", "image_scene", L_COARSE),
    ("What kind of place is shown?", "", ["a desert", "an ocean", "a city street", "a grassy field"], "D",
     "image_scene", L_COARSE),
    ("Where is the triangle relative to the circle?", "There are two shapes in the image.",
     ["above the circle", "left of the circle", "below the circle", "right of the circle"], "B",
     "spatial_relationship", L_CROSS),
    ("Which shape is above all the others?", "", ["the blue square", "the red circle", "the green triangle", "the yellow bar"], "C",
     "spatial_relationship", L_CROSS),
]

MMBENCH_COLUMNS = ["index", "question", "hint", "A", "B", "C", "D", "answer", "category", "l2-category", "image"]


def make_mmbench(root):
    letters = "ABCD"
    images = [base64.b64encode(c.png()).decode("ascii") for c in mm_images()]
    originals, copies = [], {}
    for i, (question, hint, options, answer, category, l2) in enumerate(MMBENCH_QUESTIONS):
        k = len(options)
        a = letters.index(answer)
        for j in range(k):
            # Rotation j: option at letter p is the original option (p + j) mod k; the answer moves to (a - j) mod k.
            rotated = [options[(p + j) % k] for p in range(k)]
            row = [str(i + j * 1_000_000), question, hint] + rotated + [""] * (4 - k) + [
                letters[(a - j) % k], category, l2, images[i] if j == 0 else str(i)]
            for cell in row:
                assert "\t" not in cell and "\n" not in cell and '"' not in cell
            (originals if j == 0 else copies.setdefault(j, [])).append(row)
    rows = originals + [r for j in sorted(copies) for r in copies[j]]  # sorted by index, as VLMEvalKit's files are
    write_text(root, "mmbench/MMBench_demo.tsv", "\t".join(MMBENCH_COLUMNS) + "\n" + "".join("\t".join(r) + "\n" for r in rows))
    return len(originals), len(rows)


# ----------------------------------------------------------------------------------------------------------------
# GenEval: the judge (a re-implementation of djghosh13/geneval evaluation/evaluate_images.py, as
# Sources/Suites/GenEval/GenEvalJudge.swift ports it), with each detection's colour given as its sixth element

THRESHOLD, COUNTING_THRESHOLD, MAX_OBJECTS, POSITION_THRESHOLD = 0.3, 0.9, 16, 0.1
POSITIONS = ["left of", "right of", "above", "below"]


def relative_position(a, b):
    ca, cb = ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2), ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
    da, db = (abs(a[2] - a[0]), abs(a[3] - a[1])), (abs(b[2] - b[0]), abs(b[3] - b[1]))
    offset = (ca[0] - cb[0], ca[1] - cb[1])

    def revise(o, x, y):
        m = max(abs(o) - POSITION_THRESHOLD * (x + y), 0)
        return m if o > 0 else (-m if o < 0 else 0)

    revised = (revise(offset[0], da[0], db[0]), revise(offset[1], da[1], db[1]))
    if abs(revised[0]) < 1e-3 and abs(revised[1]) < 1e-3:
        return set()
    norm = math.hypot(offset[0], offset[1])
    dx, dy = revised[0] / norm, revised[1] / norm
    rel = set()
    if dx < -0.5: rel.add("left of")
    if dx > 0.5: rel.add("right of")
    if dy < -0.5: rel.add("above")
    if dy > 0.5: rel.add("below")
    return rel


def shown(relations):
    return " and ".join(p for p in POSITIONS if p in relations)


def filter_detections(detections, tag):
    cut = COUNTING_THRESHOLD if tag == "counting" else THRESHOLD
    kept = {}
    for name, boxes in detections.items():
        # np.argsort(scores)[::-1]: ascending (stable at these sizes), reversed
        order = sorted(range(len(boxes)), key=lambda i: (boxes[i][4], i))[::-1]
        chosen = [boxes[i] for i in order if boxes[i][4] > cut][:MAX_OBJECTS]  # NMS off (threshold 1.0)
        if chosen:
            kept[name] = chosen
    return kept


def judge(record, detections):
    objects = filter_detections(detections, record["tag"])
    correct, reasons, matched_groups = True, [], []
    for req in record["include"]:
        name, count = req["class"], req["count"]
        matched = True
        found = objects.get(name, [])[:count]
        if len(found) < count:
            correct = matched = False
            reasons.append("expected %s>=%d, found %d" % (name, count, len(found)))
        else:
            if "color" in req:
                colors = [d[5] for d in found]
                hits = colors.count(req["color"])
                if hits < count:
                    correct = matched = False
                    tally = ", ".join("%d %s" % (colors.count(c), c) for c in COLORS if c in colors)
                    reasons.append("expected %s %s>=%d, found %d %s; and %s" % (req["color"], name, count, hits, req["color"], tally))
            if "position" in req and matched:
                relation, group = req["position"]
                if group >= len(matched_groups) or matched_groups[group] is None:
                    correct = matched = False
                    reasons.append("no target for %s to be %s" % (name, relation))
                else:
                    done = False
                    for obj in found:
                        for target in matched_groups[group]:
                            rel = relative_position(obj[:4], target[:4])
                            if relation not in rel:
                                correct = matched = False
                                reasons.append("expected %s %s target, found %s target" % (name, relation, shown(rel)))
                                done = True
                                break
                        if done:
                            break
        matched_groups.append(found if matched else None)
    for req in record.get("exclude", []):
        n = len(objects.get(req["class"], []))
        if n >= req["count"]:
            correct = False
            reasons.append("expected %s<%d, found %d" % (req["class"], req["count"], n))
    return correct, "\n".join(reasons)


def self_check_judge():
    """The judge must agree with the official evaluator on the recorded fixture cases (when they are present)."""
    checked = 0
    for name in ["judgments.json", "synthetic_judgments.json"]:
        path = os.path.join(REPO, "Tests", "Fixtures", "geneval", name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for case in json.load(f):
                got = judge(case["metadata"], case["detections"])
                want = (case["correct"], case["reason"])
                # The official code joins a Python set of relations (order varies); ours are in POSITIONS order.
                got, want = [(c, re.sub(r"found (.*?) target", lambda m: "found %s target" % " and ".join(sorted(m.group(1).split(" and "))), r))
                             for c, r in (got, want)]
                assert got == want, "judge disagrees with %s: %r vs %r for %r" % (name, got, want, case["metadata"]["prompt"])
                checked += 1
    return checked


# ----------------------------------------------------------------------------------------------------------------
# GenEval: the demo prompts and, per image, the detections that steer the judge down each branch

# (line of the official evaluation_metadata.jsonl, 0-based)
GENEVAL_LINES = [1, 3, 80, 85, 179, 183, 259, 260, 356, 354, 453, 454]


def D(x1, y1, x2, y2, score, color):
    return [float(x1), float(y1), float(x2), float(y2), score, color]


# Per prompt, four samples: (detections, what it exercises). Boxes are in the 32×32 pixel space.
def geneval_cases():
    balls17 = [D(1 + 6 * (k % 5), 1 + 8 * (k // 5), 6 + 6 * (k % 5), 7 + 8 * (k // 5), round(0.99 - 0.005 * k, 3), "white") for k in range(17)]
    return [
        # single_object: cow
        [({"cow": [D(6, 8, 26, 24, 0.95, "brown")]}, "object present (0.95 > 0.3)"),
         ({}, "object absent: no detections at all"),
         ({"cow": [D(6, 8, 26, 24, 0.25, "brown")]}, "object absent: its only detection is below 0.3 and filtered"),
         ({"cow": [D(4, 4, 14, 14, 0.2, "black"), D(14, 12, 30, 28, 0.31, "brown")], "person": [D(0, 16, 6, 30, 0.9, "pink")]},
          "present just above 0.3; a 0.2 detection filtered; another class ignored")],
        # single_object: clock
        [({"clock": [D(8, 8, 24, 24, 0.3, "white")]}, "score exactly 0.3 is filtered (strictly greater)"),
         ({"clock": [D(2, 2, 14, 14, 0.6, "white"), D(18, 18, 30, 30, 0.8, "black")]}, "more than the one asked for is fine (no exclude)"),
         ({"dog": [D(8, 8, 24, 24, 0.9, "brown")]}, "absent: only a different class detected"),
         ({"clock": [D(8, 8, 24, 24, 0.99, "white")]}, "object present")],
        # two_object: bench and sports ball
        [({"bench": [D(2, 16, 18, 26, 0.9, "brown")], "sports ball": [D(22, 18, 28, 24, 0.8, "white")]}, "both present"),
         ({"bench": [D(2, 16, 18, 26, 0.9, "brown")]}, "second object missing"),
         ({"sports ball": [D(22, 18, 28, 24, 0.8, "white")], "bench": [D(2, 16, 18, 26, 0.1, "brown")]}, "first object missing (0.1, filtered)"),
         ({}, "both missing: two reasons"),
         ],
        # two_object: fork and knife
        [({"fork": [D(6, 4, 10, 28, 0.7, "white")], "knife": [D(20, 4, 24, 28, 0.75, "white")]}, "both present"),
         ({"fork": [D(6, 4, 10, 28, 0.7, "white")], "knife": [D(20, 4, 24, 28, 0.2, "white")]}, "second object below 0.3"),
         ({"fork": [D(10, 6, 20, 26, 0.6, "white")], "knife": [D(11, 7, 21, 27, 0.6, "black")]}, "both present, overlapping (no position asked)"),
         ({"fork": [D(6, 4, 10, 28, 0.5, "white")], "knife": [D(20, 4, 24, 28, 0.35, "black")]}, "both present, modest scores")],
        # counting: two clocks
        [({"clock": [D(2, 10, 14, 22, 0.95, "white"), D(18, 10, 30, 22, 0.97, "white")]}, "count right (2 above 0.9)"),
         ({"clock": [D(2, 10, 14, 22, 0.95, "white"), D(18, 10, 30, 22, 0.85, "white")]}, "count wrong: 0.85 passes 0.3 but not the counting 0.9"),
         ({"clock": [D(1, 10, 9, 18, 0.95, "white"), D(12, 10, 20, 18, 0.96, "white"), D(23, 10, 31, 18, 0.94, "white")]},
          "exclude triggers: 3 clocks (count+1)"),
         ({"clock": [D(2, 4, 14, 16, 0.95, "white"), D(18, 4, 30, 16, 0.93, "white"), D(10, 20, 22, 30, 0.9, "white")]},
          "a third at exactly 0.9 is filtered, so the exclude does not trigger")],
        # counting: three sports balls
        [({"sports ball": [D(2, 12, 9, 19, 0.92, "orange"), D(12, 12, 19, 19, 0.99, "white"), D(22, 12, 29, 19, 0.96, "white")]}, "count right (3)"),
         ({"sports ball": balls17}, "17 detections capped at 16; exclude (4) triggers with found 16"),
         ({"sports ball": [D(12, 12, 19, 19, 0.5, "white")]}, "count wrong: the only ball is below 0.9"),
         ({"sports ball": [D(2, 12, 9, 19, 0.95, "white"), D(12, 12, 19, 19, 0.99, "white"), D(22, 12, 29, 19, 0.9, "white")]},
          "count wrong: the third at exactly 0.9 is filtered")],
        # colors: blue fire hydrant
        [({"fire hydrant": [D(10, 4, 22, 28, 0.9, "blue")]}, "colour right"),
         ({"fire hydrant": [D(10, 4, 22, 28, 0.9, "red")]}, "colour wrong"),
         ({"fire hydrant": [D(2, 4, 12, 28, 0.9, "green"), D(18, 4, 28, 28, 0.8, "blue")]},
          "colour wrong: only the top-1 (green) is checked; the blue one ranks second"),
         ({"fire hydrant": [D(10, 4, 22, 28, 0.29, "blue")]}, "object absent, so the colour is never checked")],
        # colors: pink car
        [({"car": [D(2, 12, 30, 24, 0.9, "pink")]}, "colour right"),
         ({"car": [D(2, 4, 30, 14, 0.9, "pink"), D(2, 18, 30, 28, 0.5, "red")]}, "colour right on the top-1; a red one below is ignored"),
         ({"car": [D(2, 4, 30, 14, 0.28, "pink"), D(2, 18, 30, 28, 0.7, "red")]}, "the pink one is filtered (0.28); the kept one is red"),
         ({"car": [D(2, 12, 30, 24, 0.6, "purple")]}, "colour wrong (purple)")],
        # position: laptop left of cow (include 0: cow; include 1: laptop, left of group 0)
        [({"cow": [D(18, 10, 30, 22, 0.9, "brown")], "laptop": [D(2, 12, 12, 20, 0.9, "black")]}, "position right: left of"),
         ({"cow": [D(2, 10, 14, 22, 0.9, "brown")], "laptop": [D(20, 12, 30, 20, 0.9, "black")]}, "position wrong: right of"),
         ({"cow": [D(8, 8, 22, 22, 0.9, "brown")], "laptop": [D(9, 9, 23, 23, 0.9, "black")]},
          "overlapping boxes: offset inside the 0.1·(dA+dB) margin, no relation at all"),
         ({"cow": [D(12, 18, 24, 30, 0.9, "brown")], "laptop": [D(6, 0, 16, 10, 0.9, "black")]},
          "mostly above, a little left: horizontal part fails the 0.5 cut, so only 'above'")],
        # position: wine glass above kite (include 0: kite; include 1: wine glass, above group 0)
        [({"kite": [D(16, 18, 28, 30, 0.8, "yellow")], "wine glass": [D(2, 2, 10, 12, 0.8, "white")]},
          "position right: above (and left of, both past the 0.5 cut)"),
         ({"wine glass": [D(10, 2, 20, 12, 0.8, "white")]}, "target missing: kite count fails, so no target for the wine glass"),
         ({"kite": [D(10, 18, 22, 30, 0.8, "yellow")], "wine glass": [D(10, 2, 20, 12, 0.2, "white")]}, "positioned object missing (0.2)"),
         ({"kite": [D(10, 12, 22, 24, 0.8, "yellow")], "wine glass": [D(10, 24, 20, 32, 0.7, "white"), D(10, 0, 20, 10, 0.6, "white")]},
          "only the top-1 wine glass is placed: it is below; the one above ranks second")],
        # color_attr: purple wine glass and black apple
        [({"wine glass": [D(2, 4, 12, 28, 0.8, "purple")], "apple": [D(18, 14, 28, 24, 0.8, "black")]}, "both colours right"),
         ({"wine glass": [D(2, 4, 12, 28, 0.8, "purple")], "apple": [D(18, 14, 28, 24, 0.8, "white")]}, "one colour wrong (apple white)"),
         ({"apple": [D(18, 14, 28, 24, 0.8, "black")]}, "first object missing"),
         ({"wine glass": [D(2, 4, 12, 28, 0.8, "blue")], "apple": [D(18, 14, 28, 24, 0.8, "red")]}, "both colours wrong: two reasons")],
        # color_attr: green bus and purple microwave
        [({"bus": [D(0, 6, 20, 18, 0.9, "green")], "microwave": [D(20, 20, 30, 28, 0.7, "purple")]}, "both colours right"),
         ({"bus": [D(0, 6, 20, 18, 0.9, "blue")], "microwave": [D(20, 20, 30, 28, 0.7, "purple")]}, "one colour wrong (bus blue)"),
         ({"bus": [D(0, 6, 20, 18, 0.9, "green")], "microwave": [D(20, 20, 30, 28, 0.2, "purple")]}, "second object missing (0.2)"),
         ({"bus": [D(0, 6, 20, 18, 0.8, "green"), D(0, 20, 16, 30, 0.25, "red")], "microwave": [D(20, 20, 30, 28, 0.7, "purple")]},
          "right; a red bus at 0.25 is filtered before the colour check")],
    ]


def geneval_image(detections):
    """Each detection as a filled box in its colour, blended into #999 grey by its score, most confident on top."""
    c = Canvas(32, 32, RGB["grey"])
    boxes = [d for ds in detections.values() for d in ds]
    for d in sorted(boxes, key=lambda d: d[4]):
        c.rect(d[0], d[1], d[2], d[3], mix(RGB["grey"], RGB[d[5]], min(1.0, d[4])))
    return c.png()


def make_geneval(root):
    with open(OFFICIAL_GENEVAL) as f:
        official = f.read().splitlines()
    assert len(official) == 553, "expected the official 553-prompt file"
    lines = [official[i] for i in GENEVAL_LINES]
    records = [json.loads(l) for l in lines]
    for l, r in zip(lines, records):
        assert json.dumps(r) == l
    assert [r["tag"] for r in records] == [t for t in ["single_object", "two_object", "counting", "colors", "position", "color_attr"] for _ in (0, 1)]
    write_text(root, "geneval/evaluation_metadata.jsonl", "".join(l + "\n" for l in lines))
    cases = geneval_cases()
    detections_lines, expected, table = [], {}, []
    for p, (line, record, samples) in enumerate(zip(lines, records, cases)):
        folder = "%05d" % p
        write_text(root, "geneval/images/%s/metadata.jsonl" % folder, line)  # json.dump: one object, no newline
        assert len(samples) == 4
        for k, (dets, branch) in enumerate(samples):
            for name, ds in dets.items():
                for d in ds:
                    assert len(d) == 6 and d[5] in COLORS and 0 <= d[0] < d[2] <= 32 and 0 <= d[1] < d[3] <= 32, d
            image = "%s/samples/%05d.png" % (folder, k)
            write_bytes(root, "geneval/images/" + image, geneval_image(dets))
            detections_lines.append(json.dumps({"image": image, "detections": dets}) + "\n")
            correct, reason = judge(record, dets)
            expected[image] = {"correct": correct, "reason": reason}
            table.append((image, record["tag"], record["prompt"], correct, reason, branch))
    write_text(root, "geneval/detections.jsonl", "".join(detections_lines))
    write_text(root, "geneval/expected_judgments.json", json.dumps(expected, indent=1) + "\n")
    return records, table


# ----------------------------------------------------------------------------------------------------------------
# READMEs

def size_of(root, rel):
    path = os.path.join(root, rel)
    if os.path.isfile(path):
        return os.path.getsize(path), 1
    total = count = 0
    for base, _, names in os.walk(path):
        for n in names:
            total += os.path.getsize(os.path.join(base, n)); count += 1
    return total, count


def kb(n):
    return "%.1f KB" % (n / 1000)


def geneval_readme(table, records):
    rows = []
    for image, tag, prompt, correct, reason, branch in table:
        verdict = "correct" if correct else "wrong: `" + reason.replace("\n", "` + `") + "`"
        rows.append("| `%s` | %s | %s | %s | %s |" % (image, tag, prompt, verdict, branch))
    right = sum(1 for t in table if t[3])
    lines_used = ", ".join(str(i + 1) for i in GENEVAL_LINES)
    return "\n".join([
        MARKER,
        "# suites/demo/geneval",
        "",
        "A 12-prompt GenEval with 4 samples per prompt (48 images), for running the harness end to end. Synthetic:",
        "the images are coloured boxes drawn from the detections below, not model output, and the detections are",
        "hand-made, not a detector's.",
        "",
        "- `evaluation_metadata.jsonl` — 12 genuine prompt records, two per task, copied byte for byte from the official",
        "  file (`Tests/Fixtures/geneval/evaluation_metadata.jsonl`, lines %s, 1-based)." % lines_used,
        "- `images/<NNNNN>/metadata.jsonl` — GenEval's image-folder layout: ONE JSON object (the prompt record, as",
        "  `json.dump` writes it: no trailing newline); `images/<NNNNN>/samples/<kkkkk>.png` — 4 samples per prompt,",
        "  32×32 RGB, named `{k:05}.png` as GenEval's generation script names them. `<NNNNN>` is the prompt's line in",
        "  this folder's `evaluation_metadata.jsonl` (0-based), not in the official file. `GenEvalSuite` item `<NNNNN>/<k>`",
        "  is the image `<NNNNN>/samples/{k:05}.png` (`GenEvalImageFolder.imageName(k)`).",
        "- `detections.jsonl` — one line per image: `{\"image\": \"<NNNNN>/samples/<kkkkk>.png\", \"detections\":",
        "  {\"<class>\": [[x1, y1, x2, y2, score, \"<colour>\"], ...]}}`: RAW detections, before GenEval's filtering, in",
        "  the 32×32 pixel space, any order; the colour (one of GenEval's ten: red, orange, yellow, green, blue, purple,",
        "  pink, brown, black, white) stands in for the CLIP colour classifier. Classes with no detection are absent;",
        "  an image with no detection at all has `{}`.",
        "- `expected_judgments.json` — image → `{\"correct\": bool, \"reason\": \"...\"}` from the generator's Python",
        "  re-implementation of the judge (checked against the official evaluator's recorded cases in",
        "  `Tests/Fixtures/geneval/judgments.json` and `synthetic_judgments.json` on every run). `reason` is GenEval's",
        "  string, clauses joined by `\\n`, empty when correct (= `GenEvalJudgment.reason`; `GenEvalSuite.score` reports",
        "  the same clauses joined by `; `, or `correct`). Several relations are named in the order left of, right of,",
        "  above, below (the official code joins a Python set, whose order varies).",
        "",
        "Rules (djghosh13/geneval `evaluation/evaluate_images.py`, ported in `Sources/Suites/GenEval/GenEvalJudge.swift`):",
        "per class keep scores > 0.3 (> 0.9 on counting prompts; strictly greater), most confident first, at most 16",
        "(NMS off); each include clause needs `count` objects, then the colour of the top-`count`, then the position of",
        "each of those against the target group's objects (centres; margin 0.1·(dA + dB); 0.5 cut on the normalised",
        "offset); a failed clause leaves no target for later positions; an exclude clause fails when `count` or more",
        "are kept.",
        "",
        "Expected: %d of 48 images correct. Every branch of the judge happens both ways:" % right,
        "",
        "| image | task | prompt | expected verdict | branch exercised |",
        "|---|---|---|---|---|",
    ] + rows + [""])


def top_readme(root, pope, mmbench, geneval):
    files, splits, fallbacks = pope
    originals, rows = mmbench
    records, table = geneval
    sizes = {rel: size_of(root, rel) for rel in ["pope", "mmbench", "geneval"]}
    total = sum(s for s, _ in sizes.values())
    shapes = "; ".join("%s: %s" % (k, v) for k, v in POPE_SHAPES.items())
    per_split = ", ".join("%s %d" % (s, len(q)) for s, q in splits.items())
    return "\n".join([
        MARKER,
        "# suites/demo",
        "",
        "Tiny bundled suites so `janus-eval run pope|mmbench|geneval --model demo` exercises every part of the harness",
        "on a fresh machine in seconds. **Everything here is synthetic**: the images are procedurally drawn shapes,",
        "the demo model is a random-weight miniature Janus-Pro checkpoint (`Tests/Fixtures/janus/pro-tiny`, 32×32",
        "image input and output), and the GenEval detections are hand-made. Scores from these suites are meaningless;",
        "they only show that loading, prompting, answer parsing, judging and aggregation run.",
        "",
        "Regenerate (Python 3 standard library only, deterministic, byte-identical on every run and machine):",
        "",
        "```sh",
        "python3 tools/make_demo_suites.py           # rewrites suites/demo/",
        "python3 tools/make_demo_suites.py --check   # verifies the committed files are what the generator writes",
        "```",
        "",
        "| folder | contents | size |",
        "|---|---|---|",
        "| `pope/` | POPE's official question files `coco_pope_{random,popular,adversarial}.json` (JSON lines: question_id, image, text, label), %s questions (half yes), over %d images in `images/` | %s in %d files |"
        % (per_split, len(files), kb(sizes["pope"][0]), sizes["pope"][1]),
        "| `mmbench/` | `MMBench_demo.tsv`, VLMEvalKit's MMBench TSV with CircularEval copies: %d questions, %d rows | %s |"
        % (originals, rows, kb(sizes["mmbench"][0])),
        "| `geneval/` | %d genuine GenEval prompts (two per task), 4 drawn samples each, raw detections, expected verdicts (see its README) | %s in %d files |"
        % (len(records), kb(sizes["geneval"][0]), sizes["geneval"][1]),
        "",
        "Total %s (README files not counted)." % kb(total),
        "",
        "## pope/",
        "",
        "Images are 64×64 RGB PNGs named like COCO's (`COCO_val2014_000000000001.png`; PNG, not JPEG); the question",
        "files name them bare, as POPE's do, so point the suite at the image folder (`--images suites/demo/pope/images`).",
        "Each image shows three objects (COCO names drawn as shapes — %s)." % shapes,
        "Built by POPE's construction with one positive per image (POPE takes three): each image's first object is",
        "asked (yes), followed by one absent object (no) chosen at random, by popularity (the object in most images),",
        "or adversarially (the object co-occurring most with the positive), falling back to random when none is",
        "left (%d times in popular, %d in adversarial). The splits share images and positives; negatives differ."
        % (fallbacks["popular"], fallbacks["adversarial"]),
        "",
        "## mmbench/",
        "",
        "Columns `index question hint A B C D answer category l2-category image`, tab-separated, header row. Original",
        "rows (index 0–%d) carry the image as base64 PNG (48×48 RGB); for a question with k options the CircularEval"
        % (originals - 1),
        "copies have index = original + j·1,000,000 (j = 1..k−1), options rotated by j (the option at letter p is the",
        "original option p + j mod k), `answer` remapped, and the ORIGINAL row's index in `image`. Rows are sorted by",
        "index (all originals first). Categories: attribute_recognition, object_localization (l2",
        "`finegrained_perception (instance-level)`), image_scene (`coarse_perception`), spatial_relationship",
        "(`finegrained_perception (cross-instance)`), two questions each; four have a hint, four an empty hint cell;",
        "one has three options (its D cell empty, so it has two copies).",
        "",
        "## geneval/",
        "",
        "See `geneval/README.md`: the layout, the file-name conventions, and which judging branch each image exercises.",
        "",
    ])


# ----------------------------------------------------------------------------------------------------------------

def generate(root):
    checked = self_check_judge()
    rng = SplitMix64(SEED)
    pope = make_pope(root, rng)
    mmbench = make_mmbench(root)
    geneval = make_geneval(root)
    write_text(root, "geneval/README.md", geneval_readme(geneval[1], geneval[0]))
    write_text(root, "README.md", top_readme(root, pope, mmbench, geneval))
    return checked


# JPEG copies of the POPE and MMBench demo data, written by tools/reference/make_demo_jpeg.py (it needs Pillow's
# JPEG encoder, which the standard library lacks): this script neither writes nor checks them, and keeps them.
JPEG_DERIVED = ("pope-jpeg/", "mmbench/MMBench_demo_jpeg.tsv")


def tree(root):
    out = []
    for base, _, names in os.walk(root):
        for n in names:
            rel = os.path.relpath(os.path.join(base, n), root)
            if not rel.startswith(JPEG_DERIVED):
                out.append(rel)
    return sorted(out)


def keep_jpeg_derived(old, fresh):
    for base, _, names in os.walk(old):
        for n in names:
            rel = os.path.relpath(os.path.join(base, n), old)
            if rel.startswith(JPEG_DERIVED):
                os.makedirs(os.path.dirname(os.path.join(fresh, rel)), exist_ok=True)
                shutil.copy2(os.path.join(old, rel), os.path.join(fresh, rel))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "suites", "demo"))
    ap.add_argument("--check", action="store_true", help="regenerate into a temporary folder and compare with --out")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "demo")
        checked = generate(fresh)
        if args.check:
            a, b = tree(fresh), tree(out) if os.path.isdir(out) else []
            bad = sorted(set(a) ^ set(b)) + [p for p in a if p in b and not filecmp.cmp(os.path.join(fresh, p), os.path.join(out, p), shallow=False)]
            if bad:
                print("suites/demo is out of date:", *bad, sep="\n  ")
                return 1
            print("%s is up to date (%d files; judge agrees with %d recorded official cases)" % (out, len(a), checked))
            return 0
        if os.path.exists(out):
            readme = os.path.join(out, "README.md")
            if not (os.path.isfile(readme) and open(readme).read().startswith(MARKER)):
                print("refusing to replace %s: not an earlier output of this script" % out, file=sys.stderr)
                return 2
            keep_jpeg_derived(out, fresh)
            shutil.rmtree(out)
        shutil.copytree(fresh, out)
        print("wrote %s (%d files; judge agrees with %d recorded official cases)" % (out, len(tree(out)), checked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
