"""More answer-parsing cases, labelled by the reference rule functions themselves.

    VLMEVALKIT_SRC=/path/to/VLMEvalKit python make_parsers_fixtures.py

VLMEVALKIT_SRC is a checkout of open-compass/VLMEvalKit at e8e78f05. `process_punctuation` (vlmeval/smp/misc.py),
`YOrN_Extraction` (vlmeval/dataset/utils/yorn.py) and `can_infer_option` / `can_infer_text` / `can_infer`
(vlmeval/utils/matching_util.py) are taken from its files unchanged (parsed with `ast` and executed on their own,
without importing the package and its heavy dependencies); POPE's official rule is the three lines of
RUCAIBox/POPE evaluate.py, written out below. Nothing is copied into this repository.
Writes Tests/Fixtures/parsers/extra_cases.json.
"""
import ast
import copy as cp
import json
import os
import pathlib
import re
import string
import sys

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "parsers" / "extra_cases.json"


def load_functions(src, relative, names, ns):
    tree = ast.parse((pathlib.Path(src) / relative).read_text())
    nodes = [n for n in tree.body if (isinstance(n, ast.FunctionDef) and n.name in names)
             or (isinstance(n, ast.Assign) and any(getattr(t, "id", "") in names for t in n.targets))]
    exec(compile(ast.Module(body=nodes, type_ignores=[]), relative, "exec"), ns)


def pope_official(text):
    # RUCAIBox/POPE evaluate.py
    if text.find('.') != -1:
        text = text.split('.')[0]
    text = text.replace(',', '')
    words = text.split(' ')
    return "no" if ('No' in words or 'not' in words or 'no' in words) else "yes"


def main():
    src = os.environ.get("VLMEVALKIT_SRC")
    if not src:
        sys.exit("set VLMEVALKIT_SRC to a checkout of open-compass/VLMEvalKit")

    class _Logger:
        def info(self, *a, **k):
            pass

    ns = {"re": re, "os": os, "cp": cp, "string": string, "logger": _Logger()}
    load_functions(src, "vlmeval/smp/misc.py", {"process_punctuation"}, ns)
    load_functions(src, "vlmeval/dataset/utils/yorn.py", {"YOrN_Extraction"}, ns)
    load_functions(src, "vlmeval/utils/matching_util.py", {"_VERBOSE_ANSWER_RE", "can_infer_option", "can_infer_text", "can_infer"}, ns)
    pope_answers = [
        "Yes, there is a dog in the image.", "no.", "No, I don't see any.", "There is no car; yes, I'm sure.",
        "I'm not sure.", "Yes! (definitely)", "yes-no", "The answer is: yes", "No - not at all.", "YES.",
        "Nope.", "Absolutely, there are two cats.", "no, no, no", "Yes/No", "Is there? No...", "1,000 yes",
        "yes, 3.5 dogs.", "No.\nYes.", "  yes  ", "Yes.", "There is a cat. No dog.", "I cannot tell, sorry.",
        "Sí, hay un perro.", "是的 yes", "no; yes", "\"yes\"", "(no)", "yes, no", "n o", "not really, yes",
        "..." + "." * 40 + "yes", "a.b.c no", "<yes>", "yes_no", "Yes, but there is no person.",
    ]
    pope = []
    for a in pope_answers:
        lower = a.lower().strip()
        pope.append({"answer": a, "official": pope_official(a), "vlmevalkit": ns["YOrN_Extraction"](a),
                     "exact": lower if lower in ("yes", "no") else "unknown"})
    four = {"A": "cat", "B": "dog", "C": "horse", "D": "bird"}
    mc = [("The correct answer is **B**. Here's why: dogs bark.", four), ("The answer is C.", four),
          ("I think it's a dog.", four), ("A", four), ("(B) dog", four), ("Option D", four),
          ("Between A and B, I choose B.", four), ("A cat sits on a mat, so the answer is A", four),
          ("Cannot determine the answer from the image.", four), ("Z", four), ("answer is d", four),
          ("It is either a cat or a dog.", four), ("horse", four), ("The image shows a horse near a barn in the evening light with trees", four),
          ("B.", {"A": "Yes", "B": "No"}), ("no", {"A": "Yes", "B": "No"}), ("**A**", four),
          ("I'm sorry, but without the image provided I cannot answer.", four), ("C) horse", four),
          ("The answer: B", four), ("answer is E", four), ("Dog.", four), ("a", four), ("A B", four),
          ("The first option, A, is wrong; the right one is C", four), ("BIRD", four), ("cat dog", four),
          ("Correct answer is  B", four), ("It's option B: dog.", four), ("我选B", four)]
    mmbench = []
    for a, choices in mc:
        out = ns["can_infer"](a, dict(choices))
        mmbench.append({"answer": a, "choices": choices, "extracted": out if out else None})
    OUT.write_text(json.dumps({"made_from": {"VLMEvalKit": "e8e78f05", "POPE": "evaluate.py rule"}, "pope": pope,
                               "mmbench": mmbench}, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(pope)} POPE and {len(mmbench)} MMBench cases to {OUT}")


if __name__ == "__main__":
    main()
