#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages gatkit needs to build and test, skipping those already there.
# Uses sudo when not run as root. Nothing else is downloaded: every dependency is a distribution package.
#   --with-fuzz   also Clang and its runtime libraries (libFuzzer, sanitizers) for scripts/fuzz.sh
set -euo pipefail

packages=(cmake g++ make libboost-graph-dev libeigen3-dev libtbb-dev rapidjson-dev libgtest-dev libgmock-dev)
if [[ ${1:-} == --with-fuzz ]]; then
  # libFuzzer ships in libclang-rt-dev on Debian 12 (libclang-common-*-dev on older releases).
  packages+=(clang)
  if apt-cache show libclang-rt-dev >/dev/null 2>&1; then packages+=(libclang-rt-dev); fi
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install_deps: this script needs apt-get (Debian 12, Ubuntu 22.04 or later)." >&2
  echo "install_deps: install these packages (or their equivalents) by hand: ${packages[*]}" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "install_deps: installing ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "install_deps: not root and no sudo; install as root: ${missing[*]}" >&2
    exit 1
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "install_deps: all packages present (${packages[*]})"
fi

# CMakeLists.txt needs CMake 3.22 (Ubuntu 22.04 has 3.22, Debian 12 has 3.25.1).
version=$(cmake --version | head -n1 | sed 's/[^0-9.]*\([0-9][0-9.]*\).*/\1/')
if ! printf '3.22\n%s\n' "$version" | sort -V -C; then
  echo "install_deps: CMake $version is too old, gatkit needs 3.22 or later" >&2
  exit 1
fi
