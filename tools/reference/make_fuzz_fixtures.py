"""Writes Tests/Fixtures/fuzz/seeds/: small seed inputs for the fuzz targets whose readers have no fixture of that
shape elsewhere (Fuzz/README.md). Deterministic: no randomness, fixed zip timestamps.

- pickle/: plain pickles of state-dict-shaped objects (protocols 2 and 4: dicts, lists, tuples, memo, big ints,
  floats, bytes, strings) and the data.pkl of Tests/Fixtures/checkpoints/tensors.bin (persistent ids).
- zip/: stored, deflated and ZIP64 archives (Python's zipfile, force_zip64).
- json/: JSON values of every kind, nesting, escapes, unicode.
- pope-questions/: VLMEvalKit's POPE.tsv shape.
- geneval-results/: results.jsonl as GenEval's evaluator writes it.
- answers/: answer files (LLaVA question_id/text, VLMEvalKit index/prediction, POPE's question/answer, a TSV).
- detections/: raw detections with masks, and GenEval's results.jsonl with details.
Regression inputs (Tests/Fixtures/fuzz/regressions/) are the fuzzer's own findings, committed as found.
"""
import collections
import io
import json
import pathlib
import pickle
import zipfile

root = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures"
out = root / "fuzz" / "seeds"


def write(rel, data):
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


state = collections.OrderedDict()
state["layer.weight"] = [1, 2, 3]
state["layer.bias"] = (1.5, -2, 2 ** 70, b"\x00\x01", "naïve")
state["nested"] = {"a": {"b": [None, True, False]}, 7: "seven"}
shared = ["shared"]
state["x"] = shared
state["y"] = shared
write("pickle/state_p2.pkl", pickle.dumps(state, protocol=2))
write("pickle/state_p4.pkl", pickle.dumps(state, protocol=4))
write("pickle/list_p2.pkl", pickle.dumps([list(range(300)), {"k": (1, 2, 3)}], protocol=2))
with zipfile.ZipFile(root / "checkpoints" / "tensors.bin") as z:
    write("pickle/tensors_data.pkl", z.read("tensors/data.pkl"))


def archive(entries, compression, zip64=False):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            with z.open(info, "w", force_zip64=zip64) as f:
                f.write(data)
    return buffer.getvalue()


entries = [("a.txt", b"hello " * 20), ("dir/b.bin", bytes(range(256))), ("empty", b"")]
write("zip/stored.zip", archive(entries, zipfile.ZIP_STORED))
write("zip/deflated.zip", archive(entries, zipfile.ZIP_DEFLATED))
write("zip/zip64.zip", archive(entries, zipfile.ZIP_STORED, zip64=True))

write("json/kinds.json", json.dumps({"null": None, "t": True, "f": False, "i": -12, "big": 2 ** 62, "d": 1.5e-300,
                                     "s": "tab\t\"quote\" \\ \u00e9 \U0001F600", "a": [1, [2, [3, {}]]], "o": {"k": []}},
                                    ensure_ascii=False))
write("json/escapes.json", '["\\u0000", "\\ud83d\\ude00", "\\/", 1e308, -0.0, 0]')

write("pope-questions/POPE.tsv", "index\tquestion\tanswer\tcategory\timage_path\n"
      "1\tIs there a dog in the image?\tYes\trandom,popular\tCOCO_val2014_000000000001.png\n"
      "2\t\"Is there a \"\"cat\"\"?\"\tNo\tadversarial\tCOCO_val2014_000000000002.png\n")

results = [{"filename": "00000/samples/00000.png", "tag": "single_object", "prompt": "a photo of a cow", "correct": True,
            "reason": "", "metadata": json.dumps({"tag": "single_object", "include": [{"class": "cow", "count": 1}],
                                                  "prompt": "a photo of a cow"}),
            "details": json.dumps({"cow": [[6.0, 8.0, 26.0, 24.0, 0.95]]})},
           {"filename": "00001/samples/00000.png", "tag": "counting", "prompt": "a photo of 2 dogs", "correct": False,
            "reason": "expected dog==2, found 1", "metadata": "{}", "details": "{}"}]
write("geneval-results/results.jsonl", "".join(json.dumps(r) + "\n" for r in results))

write("answers/llava_random.jsonl", '{"question_id": 1, "text": "Yes, there is."}\n{"question_id": 2, "text": "No"}\n'
      '{"question_id": 3, "text": "yes", "split": "random"}\n')
write("answers/vlmevalkit.jsonl", '{"index": 0, "prediction": "B"}\n{"index": 1000000, "prediction": "A. dog"}\n')
write("answers/pope_own.json", '{"question": "Is there a dog in the image?", "answer": "yes"}\n')
write("answers/answers.tsv", "index\tprediction\tcategory\n1\tYes\trandom\n2\tNo\trandom,popular\n")

write("detections/masks.jsonl", json.dumps({"image": "00000/samples/00000.png",
                                            "detections": {"cow": [[6.0, 8.0, 26.0, 24.0, 0.95, "brown"]]},
                                            "masks": {"cow": [{"size": [32, 32], "counts": "PPYo0"}]}}) + "\n")
write("detections/results.jsonl", "".join(json.dumps(r) + "\n" for r in results))
print(f"wrote {out}")
