#!/bin/sh
# JanusFlow text-to-image, ours and the official code side by side on the same full-size random checkpoint and
# SDXL-VAE: per round, per precision (f32, bf16) and per P ($JANUS_PARALLEL, default "1 4"), `janus-bench janusflow`
# then tools/reference/bench_janusflow_reference.py (janus/janusflow from JANUS_SRC, unchanged; every step recomputes
# the whole sequence, as the demo). Prints every run and a table of medians: first step, later steps, VAE decode,
# seconds per 30-step image, and PyTorch / ours.
#   JANUS_SRC=... tools/reference/side_by_side_janusflow.sh CKPT VAE [ROUNDS=1] [STEPS=3]
set -eu
CKPT=${1:?usage: side_by_side_janusflow.sh CKPT VAE [ROUNDS] [STEPS]}; VAE=${2:?VAE folder}
ROUNDS=${3:-1}; STEPS=${4:-3}
PY=${JANUS_REF_VENV:-/work/venv}/bin/python
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/../../.build/release/janus-bench
out=$(mktemp)
for r in $(seq "$ROUNDS"); do
  for precision in ${JANUS_PRECISIONS:-f32 bf16}; do
    for p in ${JANUS_PARALLEL:-1 4}; do
      JANUS_BENCH_JANUSFLOW=$CKPT JANUS_BENCH_VAE=$VAE JANUS_BENCH_PARALLEL=$p JANUS_BENCH_FLOW_STEPS=$STEPS \
        JANUS_BENCH_PRECISION=$precision "$BENCH" janusflow | grep "benchmark=janusflow" | sed "s/^/round=$r ours /" | tee -a "$out"
      (cd "$HERE" && "$PY" bench_janusflow_reference.py "$CKPT" "$VAE" --parallel "$p" --steps "$STEPS" --dtype "$precision" 2>/dev/null) \
        | tail -1 | sed "s/^/round=$r torch /" | tee -a "$out"
    done
  done
done
"$PY" - "$out" <<'PY'
import json, re, statistics, sys
ours, theirs = {}, {}
for line in open(sys.argv[1]):
    if " ours " in line:
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        key = (f["precision"], int(f["parallel"]))
        ours.setdefault(key, []).append((float(f["first_step_s"]), float(f["later_step_s"]), float(f["vae_decode_s"])))
    elif " torch " in line:
        t = json.loads(line.split(" torch ", 1)[1])
        key = (t["dtype"], int(t["parallel"]))
        theirs.setdefault(key, []).append((t["first_step_s"], t["later_step_s"], t["vae_decode_s"]))
def med(rows, i): return statistics.median(r[i] for r in rows)
def image(rows, p): return (med(rows, 0) + 29 * med(rows, 1) + med(rows, 2)) / p
print("| precision | P | first step s ours / torch | later step s ours / torch | VAE decode s ours / torch | s per 30-step image ours / torch | torch / ours per image |")
print("|---|---|---|---|---|---|---|")
for key in sorted(ours):
    if key not in theirs: continue
    o, t = ours[key], theirs[key]
    p = key[1]
    cells = [f"{med(o, i):.2f} / {med(t, i):.2f}" for i in range(3)]
    print(f"| {key[0]} | {p} | " + " | ".join(cells) + f" | {image(o, p):.1f} / {image(t, p):.1f} | {image(t, p) / image(o, p):.2f}× |")
PY
