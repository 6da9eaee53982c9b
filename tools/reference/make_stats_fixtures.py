"""Reference values for the paired statistics, from numpy and scipy.

Tests/Fixtures/stats/cases.json:
  mcnemar: (b, c) discordant counts and the exact mid-p from scipy.stats.binom: 2·cdf(min) − pmf(min), capped at 1
  quantiles: p and scipy.stats.norm.ppf(p)
  bootstrap: values, np.random.default_rng(seed).integers(0, n) resample draws (one scalar call per index, the
             way janus-eval draws them), and np.percentile (linear) of the resampled means
"""
import json
import pathlib

import numpy as np
from scipy import stats

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "stats"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    mcnemar = []
    for b, c in [(0, 0), (1, 0), (5, 5), (3, 10), (12, 4), (40, 61), (200, 230), (0, 17), (1000, 1100)]:
        n, k = b + c, min(b, c)
        p = 1.0 if n == 0 else min(1.0, 2 * stats.binom.cdf(k, n, 0.5) - stats.binom.pmf(k, n, 0.5))
        mcnemar.append({"b": b, "c": c, "p": float(p)})
    quantiles = [{"p": p, "z": float(stats.norm.ppf(p))} for p in [1e-10, 0.001, 0.02, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-9]]
    rng = np.random.default_rng(9)
    values = (rng.random(40) < 0.6).astype(float).tolist()
    seed, resamples, n = 123, 200, len(values)
    g = np.random.default_rng(seed)
    draws = [[int(g.integers(0, n)) for _ in range(n)] for _ in range(resamples)]
    means = [float(np.mean([values[i] for i in d])) for d in draws]
    bootstrap = {"values": values, "seed": seed, "resamples": resamples, "first_draws": draws[0],
                 "lower": float(np.percentile(means, 2.5)), "upper": float(np.percentile(means, 97.5))}
    (OUT / "cases.json").write_text(json.dumps({"mcnemar": mcnemar, "quantiles": quantiles, "bootstrap": bootstrap}, indent=1) + "\n")
    print(f"wrote {OUT / 'cases.json'}")


if __name__ == "__main__":
    main()
