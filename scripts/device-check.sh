#!/usr/bin/env bash
# The device check: the one command run on a GPU machine, from the
# repository root, after preparing here (docs/gpu.md, "Running the device
# check").
#
#   bash scripts/device-check.sh --prepare            # here, after building
#   bash scripts/device-check.sh --out "$OUT"         # on the GPU machine
#   bash scripts/device-check.sh --table results.json # the table again
#
# --prepare fills build/device-check (the folder to carry; --dir names
# another); the run reads it, needs python3 with numpy (PyTorch for the
# cuBLAS/cuDNN baselines), the NVIDIA driver and compute-sanitizer, and
# finishes within --budget seconds (480). --dry-run does both on cuda-emu at
# tiny sizes (the CI test). scripts/device_check.py --help lists every flag.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PYTHONUNBUFFERED=1
exec "${PYTHON:-python3}" "$root/scripts/device_check.py" "$@"
