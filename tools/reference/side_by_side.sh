#!/usr/bin/env bash
# janus-eval and the PyTorch reference on the same full-size checkpoint, alternating in one run (the machine is
# shared and noisy: compare medians taken side by side, never figures from different runs).
#
#   JANUS_SRC=... tools/reference/side_by_side.sh CKPT_DIR [ROUNDS=2] [DTYPE=bf16]
#
# Each round runs janus-bench once per precision in $JANUS_PRECISIONS (default "f32 bf16": our exact-f32 default
# and the --precision bf16 mode, which rounds activations as PyTorch's bf16 run does), then the PyTorch bench.
# With JANUS_BENCH_BATCH (default 1) each precision also runs `janus-bench batch` (GenEval prompts, 4 images each,
# $JANUS_BENCH_IN_FLIGHT prompts in flight, default 1,8): the whole suite's projected hours, next to the official
# loop's (one prompt at a time: 553 × (576 eight-row steps + 4 VQ decodes)).
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
        if [ "${JANUS_BENCH_BATCH:-1}" != 0 ]; then
            echo "== round $r: janus-eval cross-prompt batching, $precision"
            JANUS_BENCH_WEIGHTS="$ckpt" JANUS_BENCH_STEPS=8 JANUS_BENCH_PRECISION=$precision \
                JANUS_BENCH_IN_FLIGHT=${JANUS_BENCH_IN_FLIGHT:-1,8} JANUS_BENCH_PROMPTS="$root/suites/geneval/generation_prompts.txt" \
                "$root/.build/release/janus-bench" batch --json "$out/batch-$r-$precision.json"
        fi
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
    for path in sorted(out.glob(f"janus-{r}-*.json")) + sorted(out.glob(f"batch-{r}-*.json")):
        for row in json.loads(path.read_text()):
            b, p = row["benchmark"], row.get("precision", "")
            if b == "janus_understanding":
                add("prefill_s (600 tokens)", p, float(row["prefill_s"]))
                add("decode ms/token", p, float(row["decode_ms_per_token"]))
            elif b == "janus_generation":
                add(f"guidance step ms, {row['rows']} rows", p, float(row["ms_per_step"]))
            elif b == "janus_vq_decode":
                add("VQ decode s/image", p, float(row["seconds"]))
                if "warm_seconds" in row:
                    add("VQ decode s/image, 2nd image", p, float(row["warm_seconds"]))
            elif b == "batch_generation" and "geneval_hours" in row:
                add(f"GenEval 553x4 hours, {row['in_flight']} prompts in flight", p, float(row["geneval_hours"]))
            elif b == "read_bandwidth":
                add(f"read bandwidth GB/s, {row['threads']} thr", "", float(row["GB/s"]))
    t = json.loads((out / f"torch-{r}.json").read_text())
    theirs.setdefault("prefill_s (600 tokens)", []).append(t["prefill_s"])
    theirs.setdefault("decode ms/token", []).append(t["decode_ms_per_token"])
    for rows, ms in t["cfg_step_ms"].items():
        theirs.setdefault(f"guidance step ms, {rows} rows", []).append(ms)
    theirs.setdefault("VQ decode s/image", []).append(t["vq_decode_s_per_image"])
    if "vq_decode_warm_s_per_image" in t:
        theirs.setdefault("VQ decode s/image, 2nd image", []).append(t["vq_decode_warm_s_per_image"])
    # The official loop draws one prompt (4 images, 8 rows) at a time: 576 steps of 8 rows plus 4 VQ decodes per prompt.
    if "8" in t["cfg_step_ms"]:
        hours = 553 * (576 * t["cfg_step_ms"]["8"] / 1000 + 4 * t["vq_decode_s_per_image"]) / 3600
        theirs.setdefault("GenEval 553x4 hours, 1 prompts in flight", []).append(hours)
print(f"{'measure':34} {'ours':>5} {'janus-eval':>11} {'PyTorch':>11} {'PyTorch/ours':>13}")
for (key, precision) in sorted(ours, key=lambda k: (k[0], k[1])):
    a = statistics.median(ours[(key, precision)])
    # PyTorch draws one prompt at a time: every batched row is compared with that.
    k2 = "GenEval 553x4 hours, 1 prompts in flight" if key.startswith("GenEval") else key
    b = statistics.median(theirs[k2]) if k2 in theirs else float("nan")
    print(f"{key:34} {precision:>5} {a:11.2f} {b:11.2f} {b / a:13.2f}")
PY
