#!/usr/bin/env bash
# Configures (Release), builds and runs every test. BUILD_DIR (default build) picks the build folder.
# Dependencies must be installed first: scripts/install_deps.sh (the quick start runs it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j2
