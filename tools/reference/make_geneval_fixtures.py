"""Extra GenEval judgment cases, judged by the official evaluator's own functions.

    GENEVAL_SRC=/path/to/geneval python make_geneval_fixtures.py

GENEVAL_SRC is a checkout of djghosh13/geneval (af4902f). The functions `compute_iou`, `relative_position`,
`evaluate` and `evaluate_image` are taken from evaluation/evaluate_images.py unchanged (parsed with `ast`, executed
in a namespace where the detector returns the case's boxes and the CLIP colour step returns each box's given
colour); nothing of geneval is copied into this repository. Writes Tests/Fixtures/geneval/synthetic_judgments.json
in the format of shared/data/geneval/judgments.json (which covers no exclude failures and no diagonal placements;
these cases do).
"""
import ast
import json
import os
import pathlib
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "geneval" / "synthetic_judgments.json"


def official_functions(src):
    path = pathlib.Path(src) / "evaluation" / "evaluate_images.py"
    tree = ast.parse(path.read_text())
    wanted = {"compute_iou", "relative_position", "evaluate", "evaluate_image"}
    module = ast.Module(body=[n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in wanted], type_ignores=[])
    classnames = (pathlib.Path(src) / "evaluation" / "object_names.txt").read_text().split("\n")
    classnames = [c.strip() for c in classnames if c.strip()]
    return module, classnames


def main():
    src = os.environ.get("GENEVAL_SRC")
    if not src:
        sys.exit("set GENEVAL_SRC to a checkout of djghosh13/geneval")
    module, classnames = official_functions(src)
    current = {}

    def inference_detector(_model, _filepath):
        boxes = []
        for name in classnames:
            dets = current["detections"].get(name, [])
            boxes.append(np.array([d[:5] for d in dets], dtype=np.float32).reshape(-1, 5))
        return boxes

    def color_classification(_image, bboxes, _classname):
        colors = []
        for box, _ in bboxes:
            for d in current["detections"][_classname]:
                if np.allclose(np.array(d[:5], dtype=np.float32), box):
                    colors.append(d[5])
                    break
        return colors

    class _ImageOps:
        @staticmethod
        def exif_transpose(x):
            return x

    class _Image:
        @staticmethod
        def open(x):
            return x

    ns = {"np": np, "json": json, "inference_detector": inference_detector, "object_detector": None,
          "Image": _Image, "ImageOps": _ImageOps, "classnames": classnames, "THRESHOLD": 0.3,
          "COUNTING_THRESHOLD": 0.9, "MAX_OBJECTS": 16, "NMS_THRESHOLD": 1.0, "POSITION_THRESHOLD": 0.1,
          "COLORS": ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white"]}
    exec(compile(module, "evaluate_images.py", "exec"), ns)
    ns["color_classification"] = color_classification

    cases = []

    def case(metadata, detections):
        current["detections"] = detections
        result = ns["evaluate_image"]("image.png", metadata)
        cases.append({"metadata": metadata, "detections": detections, "correct": bool(result["correct"]),
                      "reason": result["reason"], "details": json.loads(result["details"])})

    box = lambda x, y, w, h, s, c="red": [x, y, x + w, y + h, s, c]  # noqa: E731
    count = lambda cls, n: {"tag": "counting", "include": [{"class": cls, "count": n}],  # noqa: E731
                            "exclude": [{"class": cls, "count": n + 1}], "prompt": f"a photo of {n} {cls}s"}
    # Counting: exactly N above 0.9 passes; N+1 fails the exclude; 0.9 itself is not above the threshold.
    for n in [2, 3, 4]:
        for extra in [0, 1, 2]:
            dets = {"dog": [box(10 + 40 * i, 10, 30, 30, 0.95) for i in range(n + extra)] + [box(300, 300, 20, 20, 0.9)]}
            case(count("dog", n), dets)
    case(count("cup", 2), {"cup": [box(0, 0, 5, 5, 0.9000001), box(10, 0, 5, 5, 0.9)]})
    # The 16-cap makes 17 or more detections count as 16 for exclude clauses.
    for k in [15, 16, 17, 20]:
        case({"tag": "two_object", "include": [{"class": "bird", "count": 1}], "exclude": [{"class": "bird", "count": 17}],
              "prompt": "a photo of a bird"}, {"bird": [box(i * 10, 0, 8, 8, 0.5 + 0.01 * i) for i in range(k)]})
    # Position: diagonals (two relations at once), overlaps, the 0.5 cut, and margin edges.
    rel_cases = [((0, 0), "left of"), ((0, 0), "above"), ((200, 0), "left of"), ((0, 200), "above"),
                 ((0, 200), "below"), ((100, 100), "right of"), ((90, 90), "left of"), ((110, 40), "right of"),
                 ((112, 0), "right of"), ((111, 0), "right of"), ((-300, 10), "left of"), ((20, -300), "above")]
    for (dx, dy), rel in rel_cases:
        dets = {"vase": [box(200, 200, 100, 100, 0.8)], "clock": [box(200 + dx - (100 if rel in ("left of",) and dx == 0 else 0),
                                                                     200 + dy - (100 if rel == "above" and dy == 0 else 0), 100, 100, 0.8)]}
        case({"tag": "position", "include": [{"class": "vase", "count": 1}, {"class": "clock", "count": 1, "position": [rel, 0]}],
              "prompt": f"a photo of a clock {rel} a vase"}, dets)
    for dx, dy in [(-150, -150), (150, 150), (-150, 150), (150, -150), (-60, -200)]:
        for rel in ["left of", "above", "right of", "below"]:
            case({"tag": "position", "include": [{"class": "tv", "count": 1}, {"class": "cat", "count": 1, "position": [rel, 0]}],
                  "prompt": f"a photo of a cat {rel} a tv"},
                 {"tv": [box(300, 300, 100, 100, 0.7)], "cat": [box(300 + dx, 300 + dy, 100, 100, 0.7)]})
    # Missing target group: the position clause cannot be checked.
    case({"tag": "position", "include": [{"class": "tv", "count": 1}, {"class": "cat", "count": 1, "position": ["above", 0]}],
          "prompt": "a photo of a cat above a tv"}, {"cat": [box(0, 0, 10, 10, 0.7)], "tv": [box(0, 50, 10, 10, 0.3)]})
    # Colours: only the most confident object is classified; mismatches list every colour seen.
    case({"tag": "colors", "include": [{"class": "car", "count": 1, "color": "red"}], "prompt": "a photo of a red car"},
         {"car": [box(0, 0, 10, 10, 0.5, "blue"), box(20, 0, 10, 10, 0.9, "red")]})
    case({"tag": "colors", "include": [{"class": "car", "count": 1, "color": "red"}], "prompt": "a photo of a red car"},
         {"car": [box(0, 0, 10, 10, 0.95, "blue"), box(20, 0, 10, 10, 0.9, "red")]})
    case({"tag": "color_attr", "include": [{"class": "car", "count": 1, "color": "red"}, {"class": "bus", "count": 1, "color": "green"}],
          "prompt": "a photo of a red car and a green bus"},
         {"car": [box(0, 0, 10, 10, 0.6, "red")], "bus": [box(50, 0, 10, 10, 0.31, "white")]})
    # Ties in score.
    case({"tag": "colors", "include": [{"class": "kite", "count": 1, "color": "pink"}], "prompt": "a photo of a pink kite"},
         {"kite": [box(0, 0, 10, 10, 0.7, "pink"), box(20, 0, 10, 10, 0.7, "black")]})
    OUT.write_text(json.dumps(cases, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
