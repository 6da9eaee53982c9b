"""FID and KID values from pytorch-fid and torch-fidelity on small features and statistics.

Tests/Fixtures/fid/cases.json:
  frechet: mu/sigma pairs (random SPD, d = 8, 32, 64; rank-deficient covariances from fewer samples than
           dimensions; near-identical distributions) and pytorch_fid.fid_score.calculate_frechet_distance on them
  statistics: features and np.mean / np.cov(rowvar=False) of them
  kid: two feature sets, torch-fidelity's kid_features_to_metric (poly kernel, degree 3, gamma 1/d, coef0 1) with
       a small subset protocol, and the subset indices it drew (np.random.RandomState(seed), f1 then f2 per subset)
"""
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import torchvision_stub  # noqa: E402,F401
import numpy as np  # noqa: E402
import torch  # noqa: E402
from pytorch_fid.fid_score import calculate_frechet_distance  # noqa: E402
from torch_fidelity.metric_kid import kid_features_to_metric  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "fid"


def stats(feats):
    return np.mean(feats, axis=0), np.cov(feats, rowvar=False)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    frechet = []
    for d, n1, n2, label in [(8, 200, 150, "spd"), (32, 400, 300, "spd"), (64, 500, 500, "spd"),
                             (32, 12, 20, "rank-deficient"), (16, 5, 40, "rank-deficient"), (24, 300, 300, "near-identical")]:
        a = rng.standard_normal((n1, d)) @ rng.standard_normal((d, d)) * 0.5 + rng.standard_normal(d)
        b = (a[:n2] + 0.01 * rng.standard_normal((n2, d))) if label == "near-identical" else \
            rng.standard_normal((n2, d)) @ rng.standard_normal((d, d)) * 0.4 + rng.standard_normal(d) * 0.3
        (m1, s1), (m2, s2) = stats(a), stats(b)
        fid = float(calculate_frechet_distance(m1, s1, m2, s2))
        frechet.append({"label": label, "d": d, "n1": n1, "n2": n2, "mu1": m1.tolist(), "sigma1": s1.flatten().tolist(),
                        "mu2": m2.tolist(), "sigma2": s2.flatten().tolist(), "fid": fid})
    feats = rng.standard_normal((30, 6)) * 3 + 1
    m, s = stats(feats)
    statistics = {"features": feats.tolist(), "mu": m.tolist(), "sigma": s.flatten().tolist()}
    d, n1, n2, subsets, size, seed = 16, 60, 50, 10, 20, 2020
    f1 = rng.standard_normal((n1, d)) + 0.2
    f2 = rng.standard_normal((n2, d))
    out = kid_features_to_metric(torch.from_numpy(f1), torch.from_numpy(f2), kid_subsets=subsets, kid_subset_size=size,
                                 rng_seed=seed, verbose=False, kid_kernel="poly", kid_kernel_poly_degree=3,
                                 kid_kernel_poly_gamma=None, kid_kernel_poly_coef0=1)
    replay = np.random.RandomState(seed)
    indices = [[replay.choice(n1, size, replace=False).tolist(), replay.choice(n2, size, replace=False).tolist()]
               for _ in range(subsets)]
    kid = {"d": d, "features1": f1.flatten().tolist(), "features2": f2.flatten().tolist(), "subsets": indices,
           "mean": out["kernel_inception_distance_mean"], "std": out["kernel_inception_distance_std"]}
    (OUT / "cases.json").write_text(json.dumps({"frechet": frechet, "statistics": statistics, "kid": kid}) + "\n")
    # Time pytorch-fid at d = 2048 for the closing note (scipy sqrtm), on random SPD covariances.
    if "--time-2048" in sys.argv:
        x = rng.standard_normal((2048, 2048)); y = rng.standard_normal((2048, 2048))
        s1, s2 = x @ x.T / 2048, y @ y.T / 2048
        t = time.perf_counter(); calculate_frechet_distance(np.zeros(2048), s1, np.zeros(2048), s2)
        print(f"pytorch-fid calculate_frechet_distance at d=2048: {time.perf_counter() - t:.1f} s")
    print(f"wrote {OUT / 'cases.json'}")


if __name__ == "__main__":
    main()
