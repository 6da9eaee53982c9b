#!/bin/sh
# Alternates pytorch-fid's get_activations (tools/reference/bench_inception_pytorch_fid.py) with `janus-bench inception`
# under OPENBLAS_CORETYPE=Haswell (AVX2) and =Cooperlake (AVX-512 + BF16: the core `janus-eval` re-executes into when
# OpenBLAS 0.3.21 picks Prescott on such a CPU), and with the CLI itself (`janus-eval fid-stats --no-cache`, its own
# core choice and re-exec), on the same images and weights, ROUNDS times; prints each run's images/s, the medians and
# the ratios.
#   tools/reference/side_by_side_inception.sh [ROUNDS] [N_IMAGES]
set -eu
ROUNDS=${1:-3}; N=${2:-32}
PY=${JANUS_REF_VENV:-/work/venv}/bin/python
DIR=${JANUS_BENCH_INCEPTION_DIR:-/tmp/janus-inception-bench}
WEIGHTS=${JANUS_INCEPTION_RANDOM:-/work/ckpt/inception/pt_inception-random.pth}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/../../.build/release/janus-bench
CLI=$HERE/../../.build/release/janus-eval
out=$(mktemp)
for r in $(seq "$ROUNDS"); do
  "$PY" "$HERE/bench_inception_pytorch_fid.py" "$DIR" "$N" "$WEIGHTS" 2>/dev/null | grep images_per_s | sed "s/^/round=$r /" | tee -a "$out"
  OPENBLAS_CORETYPE=Haswell JANUS_BENCH_INCEPTION_DIR=$DIR "$BENCH" inception | grep images_per_s | sed "s/^/round=$r core=Haswell /" | tee -a "$out"
  OPENBLAS_CORETYPE=Cooperlake JANUS_BENCH_INCEPTION_DIR=$DIR "$BENCH" inception | grep images_per_s | sed "s/^/round=$r core=Cooperlake /" | tee -a "$out"
  "$CLI" fid-stats "$DIR" -o "$out.npz" --no-cache --inception-weights "$WEIGHTS" 2>&1 | tr '\r' '\n' | grep "$N/$N images" | tail -1 \
    | sed "s/.*images, \([0-9.]*\) images\/s.*/round=$r cli images_per_s=\1/" | tee -a "$out"
done
median() { grep "$1" "$out" | sed 's/.*images_per_s=//' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
p=$(median "benchmark=pytorch-fid"); h=$(median "core=Haswell"); s=$(median "core=Cooperlake"); c=$(median " cli ")
echo "median images/s: pytorch-fid $p, janus-bench $h (Haswell), $s (Cooperlake), janus-eval fid-stats $c"
echo "ratios to pytorch-fid: Haswell $(echo "$h / $p" | bc -l | cut -c1-5), Cooperlake $(echo "$s / $p" | bc -l | cut -c1-5), CLI $(echo "$c / $p" | bc -l | cut -c1-5)"
