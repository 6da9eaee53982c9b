"""POPE scored by POPE's own evaluate.py: question files, synthetic answers, and what evaluate.py prints.

    POPE_SRC=/path/to/POPE python make_pope_official_fixtures.py [--questions DIR]

POPE_SRC is AoiDragon/POPE (commit 08d957b; evaluate.py is unchanged since f3ec604): a checkout, or a bare git
directory (evaluate.py is then taken from its HEAD with `git show`). evaluate.py is run unchanged, as a
subprocess: its two paths are hard-coded as '' (its README says to edit them), so a small launcher hands it the
answer file and the label file as the first and second `open('')` and runs it with runpy. Nothing of POPE is
copied into this repository.

The questions: by default synthetic ones in the official format (`coco_pope_<split>.json` JSON lines:
question_id, image, text, label), made here with a fixed seed; with --questions DIR, the coco_pope_<split>.json
files found there (e.g. POPE's output/coco from the project's shared data), copied as they are.

Writes Tests/Fixtures/pope/official/:
  coco_pope_<split>.json             the question files
  answers/<split>.pope.json          one {"question", "answer"} line per question, in question order (what
                                     evaluate.py reads as ans_file)
  answers/<split>.llava.jsonl        the same answers as {"question_id", "text"} lines (LLaVA's answer files)
  expected_evaluate_py.json          per split: what evaluate.py printed (the lines, and each number as printed)
                                     and the exact fractions from the printed counts; per distinct answer (and
                                     a few Unicode probes not used in the splits): the label evaluate.py gives it
"""
import argparse
import hashlib
import json
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "pope" / "official"
SPLITS = ["random", "popular", "adversarial"]
SEED = 20231116
IMAGES_PER_SPLIT = 250          # 6 questions each (3 yes, 3 no, alternating), as in the official files

# Runs evaluate.py unchanged: the first open('') gets the answer file, the second the label file.
LAUNCHER = r"""
import builtins, runpy, sys
script, answers, labels = sys.argv[1:4]
queue = [answers, labels]
real_open = builtins.open
def open_(file, *args, **kwargs):
    if file == '':
        if not queue:
            raise SystemExit('evaluate.py opened a third empty path')
        file = queue.pop(0)
    return real_open(file, *args, **kwargs)
builtins.open = open_
runpy.run_path(script, run_name='__main__')
if queue:
    raise SystemExit('evaluate.py did not open both files')
"""

OBJECTS = ["person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
           "fire hydrant", "stop sign", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear",
           "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard",
           "kite", "skateboard", "surfboard", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl",
           "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "pizza", "donut", "cake", "chair",
           "couch", "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
           "cell phone", "microwave", "oven", "sink", "refrigerator", "book", "clock", "vase", "scissors",
           "teddy bear", "hair drier", "toothbrush"]
POPULAR = ["person", "dining table", "chair", "car", "cup", "bottle", "bowl", "handbag", "truck", "bench"]

# Answer styles: (meant as, template). "{o}" is the object of the question. What the official rule makes of
# each is evaluate.py's business; "meant as" only biases which styles a question gets, so that the scores are
# neither trivial nor all alike.
STYLES = [
    ("yes", "Yes"), ("yes", "yes"), ("yes", "Yes."), ("yes", "yes."), ("yes", "Yes, there is a {o} in the image."),
    ("yes", "yes, there is a {o}."), ("yes", "There is a {o} in the image."), ("yes", "Yes. No."),
    ("yes", "Yes, in the image, there is a {o}, which sits next to a table, and a window behind it."),
    ("yes", "Yes, there is a {o}, but it is not clearly visible."), ("yes", "Yes, no doubt."),
    ("yes", "Absolutely."), ("yes", "YES"), ("yes", "Yes!"), ("yes", "I can see a {o} on the left side of the picture"),
    ("yes", "The image shows a {o}. There is no other object."), ("yes", "There are 2.5 {o}s, not more"),
    ("yes", "  yes  "), ("yes", "Yes\nNo"), ("yes", "\"Yes\""),
    ("no", "No"), ("no", "no"), ("no", "No."), ("no", "no."), ("no", "No, there is no {o} in the image."),
    ("no", "There is no {o} in the image."), ("no", "I do not see any {o}."), ("no", "No. Yes."),
    ("no", "No, not at all."), ("no", "no, no, no"), ("no", "No,there is no {o}."), ("no", "No,{o}"),
    ("no", "NO"), ("no", "No!"), ("no", "Nope."), ("no", "I cannot see a {o}."), ("no", "There isn't a {o}."),
    ("no", "There is not a {o} in this image, only a table, a chair, and a lamp."),
    ("no", "  no  "), ("no", "no\n"), ("no", "(no)"), ("no", "No\tthere is none"), ("no", "No\u00a0there is none"),
    ("no", "No\u2026"), ("no", "Yes, no."), ("no", "There is no {o}, yes."), ("no", "no 🙂"),
    ("other", ""), ("other", "Not sure"), ("other", "not sure"), ("other", "I'm not sure."), ("other", "Maybe."),
    ("other", "It is hard to tell, the picture is blurry."), ("other", "."), ("other", ","), ("other", " "),
    ("other", "The answer is: yes"), ("other", "Yes/No"), ("other", "Sí, hay un {o}."), ("other", "是的"),
]

# Answers that only the per-answer labels carry (not the split files): combining marks right after the
# characters the rule looks for ('.', ',', ' '), where a grapheme-based reading could differ from Python's
# code-point one; and a few other Unicode spellings.
PROBES = ["No.\u0301 Yes", "Yes.\u0301 No", "No \u0301there", "Yes \u0301no", "no,\u0301 yes", "Yes,\u0301no",
          "No\u0301", "No\ufe0f", "\u0301No", "no\u200d", "No\r\nYes", "Yes\r\nno", "Ｎｏ", "No\u3002", "no\u00ad",
          "N\u006f", "Yes.No", "yes,no", "No.", "A. no", ".no", "Yes..", "no no no."]


def article(o):
    return "an" if o[0] in "aeiou" else "a"


def synthetic_questions(rng):
    per_split = {s: [] for s in SPLITS}
    for i in range(IMAGES_PER_SPLIT):
        image = "COCO_val2014_%012d.jpg" % (900000 + 7 * i + rng.randrange(7))
        present = rng.sample(OBJECTS, 3)
        absent = [o for o in OBJECTS if o not in present]
        for split in SPLITS:
            if split == "random":
                negatives = rng.sample(absent, 3)
            elif split == "popular":
                pool = [o for o in POPULAR if o not in present]
                negatives = pool[:3]
            else:   # adversarial: absent objects near a present one in the COCO list (same supercategory, roughly)
                near = [o for o in absent if any(abs(OBJECTS.index(o) - OBJECTS.index(p)) <= 4 for p in present)]
                negatives = rng.sample(near if len(near) >= 3 else absent, 3)
            for yes, no in zip(present, negatives):
                for obj, label in ((yes, "yes"), (no, "no")):
                    qs = per_split[split]
                    qs.append({"question_id": len(qs) + 1, "image": image,
                               "text": f"Is there {article(obj)} {obj} in the image?", "label": label})
    return per_split


def read_questions(folder):
    per_split = {}
    for split in SPLITS:
        path = pathlib.Path(folder) / f"coco_pope_{split}.json"
        per_split[split] = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return per_split


def object_of(text):
    m = re.match(r"Is there an? (.+) in the im(?:a|an)ge\?", text)
    return m.group(1) if m else "object"


def make_answers(rng, split, questions):
    # How often a question gets a style meant as its label: differs per split so the three scores differ.
    agree = {"random": 0.8, "popular": 0.7, "adversarial": 0.6}[split]
    by_intent = {k: [t for i, t in STYLES if i == k] for k in ("yes", "no", "other")}
    answers = []
    for q in questions:
        r = rng.random()
        if r < 0.1:
            intent = "other"
        elif r < 0.1 + 0.9 * agree:
            intent = q["label"]
        else:
            intent = "no" if q["label"] == "yes" else "yes"
        answers.append(rng.choice(by_intent[intent]).replace("{o}", object_of(q["text"])))
    return answers


def evaluate_py_source(pope_src, workdir):
    """evaluate.py and the commit it came from."""
    src = pathlib.Path(pope_src)
    if (src / "evaluate.py").is_file():
        script = src / "evaluate.py"
        try:
            commit = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True,
                                    check=True).stdout.strip()
        except (subprocess.CalledProcessError, FileNotFoundError):
            commit = None
        return script, commit
    if (src / "HEAD").is_file() and (src / "objects").is_dir():
        commit = subprocess.run(["git", "--git-dir", str(src), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        script = workdir / "evaluate.py"
        script.write_bytes(subprocess.run(["git", "--git-dir", str(src), "show", f"{commit}:evaluate.py"],
                                          capture_output=True, check=True).stdout)
        return script, commit
    sys.exit(f"POPE_SRC={pope_src}: no evaluate.py there, and not a git directory")


def run_evaluate_py(script, answer_file, label_file):
    done = subprocess.run([sys.executable, "-c", LAUNCHER, str(script), str(answer_file), str(label_file)],
                          capture_output=True, text=True, cwd=script.parent)
    if done.returncode != 0:
        raise RuntimeError(f"evaluate.py failed on {answer_file}: {done.stderr}")
    return done.stdout


def parse_printed(stdout):
    lines = stdout.splitlines()
    if len(lines) != 7 or lines[0] != "TP\tFP\tTN\tFN\t":
        raise RuntimeError(f"unexpected evaluate.py output:\n{stdout}")
    tp, fp, tn, fn = (int(x) for x in lines[1].split("\t"))
    printed = {}
    for line, (label, key) in zip(lines[2:], [("Accuracy", "accuracy"), ("Precision", "precision"),
                                               ("Recall", "recall"), ("F1 score", "f1"), ("Yes ratio", "yes_ratio")]):
        prefix = label + ": "
        if not line.startswith(prefix):
            raise RuntimeError(f"expected '{prefix}…', found {line!r}")
        printed[key] = line[len(prefix):]
    return {"TP": tp, "FP": fp, "TN": tn, "FN": fn}, printed, lines


def write_lines(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def label_of(script, answer, workdir):
    """evaluate.py's label for one answer: scored beside a plain "Yes", both with label yes (so that no
    denominator is zero): TP 2 means the answer was read as yes, TP 1 and FN 1 as no."""
    a, l = workdir / "one_answer.json", workdir / "one_label.json"
    write_lines(a, [{"question": "q", "answer": answer}, {"question": "q", "answer": "Yes"}])
    write_lines(l, [{"question_id": 1, "label": "yes"}, {"question_id": 2, "label": "yes"}])
    counts, _, _ = parse_printed(run_evaluate_py(script, a, l))
    if counts == {"TP": 2, "FP": 0, "TN": 0, "FN": 0}:
        return "yes"
    if counts == {"TP": 1, "FP": 0, "TN": 0, "FN": 1}:
        return "no"
    raise RuntimeError(f"unexpected counts {counts} for {answer!r}")


def fraction(num, den):
    f = Fraction(num, den)
    return {"numerator": num, "denominator": den, "nearest_double": float(f)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", help="a folder with coco_pope_{random,popular,adversarial}.json to use "
                                            "instead of the synthetic questions")
    args = parser.parse_args()
    pope_src = __import__("os").environ.get("POPE_SRC")
    if not pope_src:
        sys.exit("set POPE_SRC to AoiDragon/POPE (a checkout, or its git directory)")
    rng = random.Random(SEED)
    per_split = read_questions(args.questions) if args.questions else synthetic_questions(rng)

    if OUT.exists():
        shutil.rmtree(OUT / "answers", ignore_errors=True)
        for split in SPLITS:
            (OUT / f"coco_pope_{split}.json").unlink(missing_ok=True)
    (OUT / "answers").mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        workdir = pathlib.Path(tmp)
        script, commit = evaluate_py_source(pope_src, workdir)
        expected = {"evaluate_py": {"repository": "AoiDragon/POPE", "commit": commit, "path": "evaluate.py",
                                    "sha256": hashlib.sha256(script.read_bytes()).hexdigest(),
                                    "python": sys.version.split()[0]},
                    "questions": "given (" + args.questions + ")" if args.questions else f"synthetic, seed {SEED}",
                    "splits": {}}
        all_answers = []
        for split in SPLITS:
            questions = per_split[split]
            label_file = OUT / f"coco_pope_{split}.json"
            if args.questions:
                shutil.copyfile(pathlib.Path(args.questions) / label_file.name, label_file)
            else:
                write_lines(label_file, questions)
            answers = make_answers(rng, split, questions)
            all_answers += answers
            pope_file = OUT / "answers" / f"{split}.pope.json"
            write_lines(pope_file, [{"question": q["text"], "answer": a} for q, a in zip(questions, answers)])
            write_lines(OUT / "answers" / f"{split}.llava.jsonl",
                        [{"question_id": q["question_id"], "text": a} for q, a in zip(questions, answers)])
            stdout = run_evaluate_py(script, pope_file, label_file)
            counts, printed, lines = parse_printed(stdout)
            tp, fp, tn, fn = counts["TP"], counts["FP"], counts["TN"], counts["FN"]
            n = tp + fp + tn + fn
            exact = {"accuracy": fraction(tp + tn, n), "precision": fraction(tp, tp + fp),
                     "recall": fraction(tp, tp + fn), "f1": fraction(2 * tp, 2 * tp + fp + fn),
                     "yes_ratio": fraction(tp + fp, len(answers))}
            expected["splits"][split] = {
                "question_file": label_file.name, "answers_pope": f"answers/{pope_file.name}",
                "answers_llava": f"answers/{split}.llava.jsonl", "questions": len(questions),
                "printed_lines": lines, **counts, "printed": printed, "exact": exact,
                # evaluate.py prints Python's repr of each float (shortest round trip): the printed number is the
                # double it computed. f1 = 2pr/(p+r) in doubles need not be the double nearest 2TP/(2TP+FP+FN).
                "printed_equals_nearest_double": {k: float(printed[k]) == exact[k]["nearest_double"] for k in exact}}
            print(f"{split}: {lines[1]} | " + " ".join(f"{k}={v}" for k, v in printed.items()))

        distinct = list(dict.fromkeys(all_answers))
        expected["answer_labels"] = [{"answer": a, "official": label_of(script, a, workdir), "in_splits": True}
                                     for a in distinct]
        expected["answer_labels"] += [{"answer": a, "official": label_of(script, a, workdir), "in_splits": False}
                                      for a in PROBES if a not in distinct]
    (OUT / "expected_evaluate_py.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}: {sum(len(q) for q in per_split.values())} questions, {len(expected['answer_labels'])} "
          f"distinct answers labelled, evaluate.py at {commit}")


if __name__ == "__main__":
    main()
