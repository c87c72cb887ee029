#!/usr/bin/env bash
# The README main job: installs and builds what is missing, then compiles the
# bundled FP32 CNN training step (examples/digits/cnn_train_step.mlir) in
# FP32, FP16 and BF16, trains each on the handwritten digits on the CPU,
# prints a comparison table and writes the loss and loss-scale curves to
# out/digits/curves.png (see docs/examples.md). Extra arguments go to
# examples/digits/train.py (e.g. --steps 500, --out DIR).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MPT_BUILD_DIR:-$root/build}
python=${PYTHON:-python3}

bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" mpt-compile mpt-run

cd "$root"
"$python" "$root/examples/digits/train.py" --build-dir "$build" "$@"
