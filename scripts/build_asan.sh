#!/usr/bin/env bash
# Configures (once) and builds the sanitizer build: clang 22, every target
# compiled with AddressSanitizer + UndefinedBehaviorSanitizer and instrumented
# for libFuzzer, into build-asan/ ($MPT_ASAN_BUILD_DIR). Extra arguments are
# Ninja targets (default: what scripts/run_tests.sh --asan and
# scripts/fuzz.sh need). See docs/reliability.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MPT_ASAN_BUILD_DIR:-$root/build-asan}
llvm=/usr/lib/llvm-22
for tool in "$llvm/bin/clang" "$llvm/bin/clang++"; do
  [ -x "$tool" ] || { echo "error: $tool is missing (apt-get install clang-22" \
    "libclang-rt-22-dev, or run scripts/setup.sh)" >&2; exit 1; }
done
if [ ! -f "$build/build.ninja" ]; then
  echo "[build-asan] configuring $build"
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$llvm/bin/clang" \
    -DCMAKE_CXX_COMPILER="$llvm/bin/clang++" \
    -DMPT_SANITIZE=address,undefined \
    -DMPT_FUZZ=ON \
    -DMLIR_DIR="$llvm/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$llvm/bin/lit" >/dev/null
fi
targets=("$@")
if ((${#targets[@]} == 0)); then
  # The tools, the runtime's and emulator's unit tests, their test inputs
  # and the fuzz targets (not the compiler's unit tests, the C API or the
  # plugin, which stock mlir-opt would load without the sanitizer runtime).
  targets=(mpt-opt mpt-compile mpt-run mpt-run-portable mpt-artifact mpt-ptx-emu
           MPTArtifactTests MPTRuntimeTests PTXEmuTests mpt-fuzzers)
  # (ninja -t query, not `ninja -t targets | grep -q`: under pipefail,
  # grep's early exit makes ninja die of SIGPIPE and the test fail.)
  if ninja -C "$build" -t query mpt-test-inputs >/dev/null 2>&1; then
    targets+=(mpt-test-inputs)
  fi
fi
echo "[build-asan] building ${targets[*]}"
start=$(date +%s)
ninja -C "$build" "${targets[@]}"
echo "[build-asan] done in $(( $(date +%s) - start )) s"
