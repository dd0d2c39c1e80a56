#!/usr/bin/env bash
# PyTorch Geometric peer figures for issue 4 (see the header of bench/pyg_peer.py for getting PyG 2.6.1 and
# Debian's torch 1.13). One process per graph and thread count, one after the other (the 1M-node graphs need
# about 15 GB each: run nothing big beside them). Results: bench/results/pyg_<graph>_t<threads>.json.
#   PYG_SRC=/work/pyg-src GRAPHS=/work/bench-graphs bench/pyg_peer.sh [graph ...]
# Default graph order is the priority order of the issue; name graphs to run a subset, e.g.
#   bench/pyg_peer.sh ba_n1000000            THREADS="1 2" bench/pyg_peer.sh mol
# BLAS=openblas runs with Debian's OpenBLAS (OpenMP build) unpacked in $OPENBLAS_DIR and put first on
# LD_LIBRARY_PATH (see bench/pyg_peer.py), results pyg_<graph>_t<threads>_openblas.json; the default is the
# BLAS the system gives (reference BLAS on a plain Debian install of python3-torch). TAG=_x appends _x to the
# result names (e.g. TAG=_passive with OMP_WAIT_POLICY=passive, for a machine shared with other work).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYG_SRC=${PYG_SRC:-/work/pyg-src}
GRAPHS=${GRAPHS:-/work/bench-graphs}
OUT=${OUT:-bench/results}
THREADS=${THREADS:-2}
export PYG_COMMIT=${PYG_COMMIT:-7ca40d635c4757f53ec2a1260e4a9e6505f8ad49}  # tag 2.6.1
export PYTHONPATH=$PYG_SRC${PYTHONPATH:+:$PYTHONPATH}
suffix=
if [ "${BLAS:-system}" = openblas ]; then
  OPENBLAS_DIR=${OPENBLAS_DIR:-/work/openblas/root/usr/lib/x86_64-linux-gnu/openblas-openmp}
  [ -e "$OPENBLAS_DIR/libblas.so.3" ] || { echo "no $OPENBLAS_DIR/libblas.so.3" >&2; exit 1; }
  export LD_LIBRARY_PATH=$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  suffix=_openblas
fi
mkdir -p "$OUT"
graphs=("$@")
[ ${#graphs[@]} -gt 0 ] || graphs=(ba_n1000000 ba_n100000 uniform_n100000 ba_n10000 uniform_n10000 mol uniform_n1000000)
for g in "${graphs[@]}"; do
  kind=node; [ "$g" = mol ] && kind=mol
  for t in $THREADS; do
    echo "== $g, $t thread(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/python3 bench/pyg_peer.py --graph "$GRAPHS/$g" --kind $kind --threads "$t" \
      ${MAX_LOAD:+--max-load "$MAX_LOAD"} --out "$OUT/pyg_${g}_t$t$suffix${TAG:-}.json" > /dev/null
  done
done
