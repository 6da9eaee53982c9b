#!/bin/sh
# Alternates transformers' Mask2FormerForUniversalSegmentation (tools/reference/bench_mask2former_reference.py) with
# `janus-bench mask2former` on the same Swin-S-shaped random weights and the same 800×800 input, ROUNDS times (each
# side: median of 3 forwards after a warm-up, single image, f32, every core); prints each round's images/s, the
# medians and their ratio. The folder is written once by `bench_mask2former_reference.py FOLDER --write`.
#   tools/reference/side_by_side_mask2former.sh [ROUNDS]
set -eu
ROUNDS=${1:-3}
PY=${JANUS_REF_VENV:-/work/venv}/bin/python
DIR=${JANUS_BENCH_MASK2FORMER:-/work/ckpt/mask2former-random}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/../../.build/release/janus-bench
[ -f "$DIR/model.safetensors" ] || (cd "$HERE" && "$PY" bench_mask2former_reference.py "$DIR" --write --rounds 1)
out=$(mktemp)
for r in $(seq "$ROUNDS"); do
  (cd "$HERE" && "$PY" bench_mask2former_reference.py "$DIR" --rounds 3 2>/dev/null) | grep images/s \
    | sed "s/.* \([0-9.]*\) images\/s.*/round=$r transformers images_per_s=\1/" | tee -a "$out"
  JANUS_BENCH_MASK2FORMER=$DIR "$BENCH" mask2former | grep -E "images_per_s|parity" | sed "s/^/round=$r ours /" | tee -a "$out"
done
median() { grep "$1" "$out" | grep images_per_s | sed 's/.*images_per_s=//' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t=$(median " transformers "); o=$(median " ours ")
echo "median images/s: transformers $t, janus-eval $o (OpenBLAS core: ${OPENBLAS_CORETYPE:-janus-bench's choice}); ratio ours/transformers $(echo "$o / $t" | bc -l | cut -c1-5)"
