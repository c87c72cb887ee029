#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test mpt, and
# nothing when everything is there (idempotent):
#   - LLVM/MLIR 22 (llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools)
#   - cmake, ninja, ccache, g++, GoogleTest, python3-sklearn (digits data),
#     zlib1g-dev (the runtime reads digits.csv.gz), Open MPI (openmpi-bin,
#     libopenmpi-dev: mpirun and libmpi.so.40 for data-parallel runs; the
#     runtime loads libmpi at run time and builds without it)
#   - clang-22 and libclang-rt-22-dev: the sanitizer build and the libFuzzer
#     targets (scripts/run_tests.sh --asan, scripts/fuzz.sh)
#   - the pinned Python packages of requirements.txt and the mpt frontend
#   - the importers' packages (requirements-importers*.txt: JAX, IREE's
#     compiler, PyTorch, torchvision, torch-mlir; MPT_SKIP_IMPORTERS=1 skips)
# The CUDA toolkit is optional (/usr/local/cuda); tests that need it report
# themselves unsupported without it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { echo "[setup] $*"; }

packages=(llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools cmake
          ninja-build ccache g++ libgtest-dev python3-sklearn zlib1g-dev
          openmpi-bin libopenmpi-dev clang-22 libclang-rt-22-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null ||
      { echo "error: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages: all present"
fi

python=${PYTHON:-python3}
# Pinned Python packages: install only when a pin is not satisfied.
pins_ok() {
  "$python" - "$1" <<'PY'
import sys
from importlib import metadata
ok = True
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, version = line.split("==")
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        have = None
    if have != version:
        ok = False
sys.exit(0 if ok else 1)
PY
}
# install FILE [pip options]: the pins of FILE, when one is not satisfied.
install() {
  local file=$1
  shift
  if pins_ok "$root/$file"; then
    say "Python packages of $file: all pinned versions present"
  else
    say "installing Python packages from $file"
    "$python" -m pip install -q --disable-pip-version-check "$@" \
      -r "$root/$file"
  fi
}
install requirements.txt
# The framework importers (JAX + IREE, PyTorch + torch-mlir): torch and
# torchvision without their dependency lists (those pull the CUDA wheels).
if [ "${MPT_SKIP_IMPORTERS:-0}" != 1 ]; then
  install requirements-importers.txt
  install requirements-importers-nodeps.txt --no-deps
else
  say "MPT_SKIP_IMPORTERS=1: the importers' packages are not installed"
fi

# The frontend, editable, so the tools and tests import this checkout.
if [ -f "$root/python/pyproject.toml" ]; then
  where=$("$python" -c 'import mpt, os; print(os.path.dirname(os.path.dirname(os.path.abspath(mpt.__file__))))' 2>/dev/null || true)
  if [ "$where" != "$root/python" ]; then
    say "installing the mpt Python frontend (pip install -e python/)"
    "$python" -m pip install -q --disable-pip-version-check --no-deps \
      -e "$root/python"
  else
    say "mpt Python frontend: installed from this checkout"
  fi
fi
