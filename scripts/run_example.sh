#!/usr/bin/env bash
# The README main job on the bundled example FP32 training step: installs and
# builds what is missing, verifies the example and prints it back through
# mpt-opt.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MPT_BUILD_DIR:-$root/build}
example=${1:-$root/examples/linear_mse_train_step.mlir}

bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" mpt-opt

echo "== $example: verified and printed by mpt-opt =="
"$build/bin/mpt-opt" "$example"
