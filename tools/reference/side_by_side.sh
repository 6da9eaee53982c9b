#!/usr/bin/env bash
# janus-eval and the PyTorch reference on the same full-size checkpoint, alternating in one run (the machine is
# shared and noisy: compare medians taken side by side, never figures from different runs).
#
#   JANUS_SRC=... tools/reference/side_by_side.sh CKPT_DIR [ROUNDS=2] [DTYPE=bf16]
#
# Each round runs janus-bench once per precision in $JANUS_PRECISIONS (default "f32 bf16": our exact-f32 default
# and the --precision bf16 mode, which rounds activations as PyTorch's bf16 run does), then the PyTorch bench.
# Prints each round's JSON and a summary table of medians with the ratio PyTorch / janus-eval.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ckpt=${1:?usage: side_by_side.sh CKPT_DIR [ROUNDS] [DTYPE]}
rounds=${2:-2}
dtype=${3:-bf16}
venv=${JANUS_REF_VENV:-$here/.venv}
out=$(mktemp -d)
(cd "$root" && swift build -c release --product janus-bench >/dev/null)
for r in $(seq 1 "$rounds"); do
    for precision in ${JANUS_PRECISIONS:-f32 bf16}; do
        echo "== round $r: janus-eval, $precision"
        JANUS_BENCH_WEIGHTS="$ckpt" JANUS_BENCH_STEPS=${JANUS_BENCH_STEPS:-12} JANUS_BENCH_PRECISION=$precision \
            "$root/.build/release/janus-bench" janus --json "$out/janus-$r-$precision.json"
    done
    echo "== round $r: PyTorch $dtype"
    (cd "$here" && "$venv/bin/python" bench_janus_reference.py "$ckpt" --dtype "$dtype" --gen-steps 12 --decode-tokens 12 \
        | tail -1 | tee "$out/torch-$r.json")
done
"$venv/bin/python" - "$out" "$rounds" <<'PY'
import json, statistics, sys, pathlib
out, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
ours, theirs = {}, {}
def add(key, precision, value):
    ours.setdefault((key, precision), []).append(value)
for r in range(1, rounds + 1):
    for path in sorted(out.glob(f"janus-{r}-*.json")):
        for row in json.loads(path.read_text()):
            b, p = row["benchmark"], row.get("precision", "")
            if b == "janus_understanding":
                add("prefill_s (600 tokens)", p, float(row["prefill_s"]))
                add("decode ms/token", p, float(row["decode_ms_per_token"]))
            elif b == "janus_generation":
                add(f"guidance step ms, {row['rows']} rows", p, float(row["ms_per_step"]))
            elif b == "janus_vq_decode":
                add("VQ decode s/image", p, float(row["seconds"]))
            elif b == "read_bandwidth":
                add(f"read bandwidth GB/s, {row['threads']} thr", "", float(row["GB/s"]))
    t = json.loads((out / f"torch-{r}.json").read_text())
    theirs.setdefault("prefill_s (600 tokens)", []).append(t["prefill_s"])
    theirs.setdefault("decode ms/token", []).append(t["decode_ms_per_token"])
    for rows, ms in t["cfg_step_ms"].items():
        theirs.setdefault(f"guidance step ms, {rows} rows", []).append(ms)
    theirs.setdefault("VQ decode s/image", []).append(t["vq_decode_s_per_image"])
print(f"{'measure':34} {'ours':>5} {'janus-eval':>11} {'PyTorch':>11} {'PyTorch/ours':>13}")
for (key, precision) in sorted(ours, key=lambda k: (k[0], k[1])):
    a = statistics.median(ours[(key, precision)])
    b = statistics.median(theirs[key]) if key in theirs else float("nan")
    print(f"{key:34} {precision:>5} {a:11.2f} {b:11.2f} {b / a:13.2f}")
PY
