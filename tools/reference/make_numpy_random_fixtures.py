"""Draws from numpy's default_rng that janus-eval's NumpyRandom must reproduce exactly.

Tests/Fixtures/random/numpy_draws.json: for several seeds, raw 64-bit outputs, random() doubles,
integers() over small and large ranges (with and without endpoint), choice(n), choice(n, size, replace=False)
for small and large populations (tail-shuffle and Floyd paths), and an interleaved GenEval-like sequence.
"""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "random"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = []
    for seed in [0, 1, 42, 43, 2**32 + 5, 2**63 - 1]:
        g = np.random.default_rng(seed)
        case = {"seed": str(seed), "raw64": [str(v) for v in g.bit_generator.random_raw(6)]}
        g = np.random.default_rng(seed)
        case["random"] = [float(g.random()) for _ in range(4)]
        case["integers"] = [[lo, hi, ep, int(g.integers(lo, hi, endpoint=ep))]
                            for lo, hi, ep in [(2, 4, True), (0, 80, False), (0, 10, False), (-5, 5, True), (0, 2**33, False),
                                               (0, 1, False), (7, 7, True), (0, 2**40 + 3, True)]]
        case["choice_scalar"] = [int(g.choice(n)) for n in [80, 79, 10, 4, 1, 100000]]
        case["choice_noreplace"] = [[n, k, [int(v) for v in g.choice(n, size=k, replace=False)]]
                                    for n, k in [(80, 80), (80, 2), (79, 2), (10, 2), (5, 5), (100000, 10), (20000, 500)]]
        seq = []
        for _ in range(5):  # the GenEval generators' call pattern
            seq.append([int(v) for v in g.choice(80, size=2, replace=False)])
            seq.append([int(g.choice(80)), int(g.integers(2, 4, endpoint=True))])
            seq.append([int(g.choice(79) + 1), int(g.choice(10))])
        case["sequence"] = seq
        cases.append(case)
    (OUT / "numpy_draws.json").write_text(json.dumps({"numpy": np.__version__, "cases": cases}, indent=1) + "\n")
    print(f"wrote {OUT / 'numpy_draws.json'}")


if __name__ == "__main__":
    main()
