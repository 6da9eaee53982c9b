"""Arrays written by numpy itself, for the NPY/NPZ reader and writer.

Tests/Fixtures/numpy/
  f64_c.npy, f32_c.npy, f64_fortran.npy, i64.npy, u8.npy, bool.npy   np.save of small arrays
  stored.npz (np.savez), deflated.npz (np.savez_compressed)
  fid_stats.npz       pytorch-fid's statistics layout: mu (d,) and sigma (d, d) as float64
  expected.json       each array's values in C order, its dtype and shape
"""
import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "numpy"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    arrays = {
        "f64_c": rng.standard_normal((3, 4)),
        "f32_c": rng.standard_normal((2, 3, 2)).astype(np.float32),
        "f64_fortran": np.asfortranarray(rng.standard_normal((3, 5))),
        "i64": np.array([[-5, 2**40], [7, 0]], dtype=np.int64),
        "u8": np.array([0, 255, 17], dtype=np.uint8),
        "bool": np.array([True, False, True]),
        "scalar": np.array(2.5),
        "vector": np.arange(7, dtype=np.float64) / 3,
    }
    expected = {}
    for name, a in arrays.items():
        np.save(OUT / f"{name}.npy", a)
        expected[name] = {"dtype": a.dtype.str, "shape": list(a.shape), "values": np.ascontiguousarray(a).astype(np.float64).flatten().tolist()}
    np.savez(OUT / "stored.npz", a=arrays["f64_c"], b=arrays["f32_c"])
    np.savez_compressed(OUT / "deflated.npz", a=arrays["f64_c"], b=arrays["f32_c"], f=arrays["f64_fortran"])
    feats = rng.standard_normal((50, 8))
    mu, sigma = np.mean(feats, axis=0), np.cov(feats, rowvar=False)
    np.savez(OUT / "fid_stats.npz", mu=mu, sigma=sigma)  # as pytorch-fid's save_fid_stats does
    expected["fid_stats"] = {"mu": mu.tolist(), "sigma": sigma.flatten().tolist()}
    (OUT / "expected.json").write_text(json.dumps(expected) + "\n")
    print(f"wrote {len(list(OUT.iterdir()))} files under {OUT}")


if __name__ == "__main__":
    main()
