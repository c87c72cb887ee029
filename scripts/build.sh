#!/usr/bin/env bash
# Configures (once) and builds mpt into build/ with Ninja; builds only what
# is out of date. Extra arguments are Ninja targets (default: everything).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MPT_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  echo "[build] configuring $build"
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
fi
echo "[build] building ${*:-all targets}"
start=$(date +%s)
ninja -C "$build" "$@"
echo "[build] done in $(( $(date +%s) - start )) s"
