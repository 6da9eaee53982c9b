#!/usr/bin/env bash
# The two image decoders, janus-eval and PyTorch alternated in one run (the machine is shared and noisy: compare
# medians taken side by side): the Janus VQ decoder on a full-size checkpoint (janus-bench janus, JANUS_BENCH_PARTS=vq,
# f32 and bf16 — bf16 also without AMX on an AMX machine — against bench_janus_reference.py's VQ decode in bf16) and
# the SDXL-VAE decode of a 48×48 latent (janus-bench vae against bench_vae_reference.py, f32 and bf16 each).
#
#   JANUS_SRC=... JANUS_REF_VENV=/work/venv tools/reference/side_by_side_decoders.sh CKPT_DIR VAE_DIR [ROUNDS=3]
#
# Either directory may be "-" to skip that decoder. OPENBLAS_CORETYPE is passed through as set (say which).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ckpt=${1:?usage: side_by_side_decoders.sh CKPT_DIR VAE_DIR [ROUNDS]}
vae=${2:?usage: side_by_side_decoders.sh CKPT_DIR VAE_DIR [ROUNDS]}
rounds=${3:-3}
venv=${JANUS_REF_VENV:-$here/.venv}
bench="$root/.build/release/janus-bench"
out=$(mktemp -d)
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)  OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}  out: $out"
for r in $(seq 1 "$rounds"); do
    if [ "$ckpt" != "-" ]; then
        for precision in f32 bf16; do
            JANUS_BENCH_WEIGHTS="$ckpt" JANUS_BENCH_PARTS=vq JANUS_BENCH_PRECISION=$precision "$bench" janus \
                | grep '^benchmark=janus_vq' | tee -a "$out/ours.txt"
        done
        (cd "$here" && "$venv/bin/python" bench_janus_reference.py "$ckpt" --dtype bf16 --prompt-tokens 8 --decode-tokens 2 \
            --cfg-rows 2 --gen-steps 2 | tail -1 \
            | "$venv/bin/python" -c 'import json,sys; print("benchmark=janus_vq_decode-pytorch  precision=bf16  seconds=%.2f" % json.load(sys.stdin)["vq_decode_s_per_image"])' \
            | tee -a "$out/theirs.txt")
    fi
    if [ "$vae" != "-" ]; then
        JANUS_BENCH_VAE="$vae" JANUS_BENCH_ROUNDS=1 "$bench" vae | grep '^benchmark=vae_decode' | tee -a "$out/ours.txt"
        "$venv/bin/python" "$here/bench_vae_reference.py" "$vae" --rounds 1 2>/dev/null | grep '^benchmark=' | tee -a "$out/theirs.txt"
    fi
done
python3 - "$out" <<'PY'
import statistics, sys, pathlib
rows = {}
for name in ("ours.txt", "theirs.txt"):
    path = pathlib.Path(sys.argv[1]) / name
    if not path.exists(): continue
    for line in path.read_text().splitlines():
        kv = dict(part.split("=", 1) for part in line.split("  ") if "=" in part)
        key = (kv["benchmark"], kv.get("precision", ""), kv.get("path", ""))
        rows.setdefault(key, []).append(float(kv.get("seconds") or kv["median_s"]))
print(f"{'benchmark':32} {'precision':9} {'path':30} {'runs':>4} {'median s':>9}")
for key in sorted(rows):
    print(f"{key[0]:32} {key[1]:9} {key[2]:30} {len(rows[key]):4} {statistics.median(rows[key]):9.2f}")
PY
