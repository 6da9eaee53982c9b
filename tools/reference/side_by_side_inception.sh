#!/bin/sh
# Alternates pytorch-fid's get_activations (tools/reference/bench_inception_pytorch_fid.py) with `janus-bench inception`
# (OpenBLAS's own core choice, then OPENBLAS_CORETYPE=SkylakeX) on the same images and weights, ROUNDS times, and
# prints each run's images/s and the medians.
#   tools/reference/side_by_side_inception.sh [ROUNDS] [N_IMAGES]
set -eu
ROUNDS=${1:-3}; N=${2:-32}
PY=${JANUS_REF_VENV:-/work/venv}/bin/python
DIR=${JANUS_BENCH_INCEPTION_DIR:-/tmp/janus-inception-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/../../.build/release/janus-bench
out=$(mktemp)
for r in $(seq "$ROUNDS"); do
  "$PY" "$HERE/bench_inception_pytorch_fid.py" "$DIR" "$N" 2>/dev/null | grep images_per_s | sed "s/^/round=$r /" | tee -a "$out"
  JANUS_BENCH_INCEPTION_DIR=$DIR "$BENCH" inception | grep images_per_s | sed "s/^/round=$r core=default /" | tee -a "$out"
  OPENBLAS_CORETYPE=SkylakeX JANUS_BENCH_INCEPTION_DIR=$DIR "$BENCH" inception | grep images_per_s | sed "s/^/round=$r core=SkylakeX /" | tee -a "$out"
done
median() { grep "$1" "$out" | sed 's/.*images_per_s=//' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p=$(median "benchmark=pytorch-fid"); d=$(median "core=default"); s=$(median "core=SkylakeX")
echo "median images/s: pytorch-fid $p, janus-eval $d (OpenBLAS default core), $s (OPENBLAS_CORETYPE=SkylakeX)"
echo "ratios to pytorch-fid: $(echo "$d / $p" | bc -l | cut -c1-5) and $(echo "$s / $p" | bc -l | cut -c1-5)"
