#!/usr/bin/env bash
# Installs what is missing, builds the gatkit program and trains a GAT on Cora with the GAT paper's
# setup (one run; early stopping decides the number of epochs). Extra arguments go to `gatkit train`,
# e.g. ./scripts/quickstart.sh --runs 10 --summary cora.json
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/install_deps.sh

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j"$(nproc)" --target gatkit_cli

"$build_dir/bin/gatkit" train --data datasets/cora --runs 1 "$@"
