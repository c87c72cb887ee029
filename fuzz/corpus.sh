#!/usr/bin/env bash
# corpus.sh OUT BUILD: writes the seed corpus of every fuzz target into
# OUT/<target>/, from test/ and from the tools of the build directory BUILD
# (mpt-compile, mpt-run, mpt-artifact; the PTX test inputs when built):
#   artifact    the C test steps of test/Runtime/Inputs packed as artifacts,
#               and a CPU and a cuda artifact compiled from a small MLP
#   checkpoint  checkpoints of the checkpoint target's step (0 and 3 steps)
#   npy         .npy files of every dtype, ranks 0-3, numpy's own writer
#   digits      lines of Debian's digits.csv.gz, plain and gzip'd
#   ptx         test/PTXEmu/Inputs/*.ptx, the built PTX test kernels, and
#               the PTX of the cuda artifact
#   mlir        test/{Transforms,Dialect/MPT,Pipelines}/*.mlir, one seed per
#               `// -----` part, and the frontend's MLP
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:?usage: corpus.sh OUT BUILD}
build=${2:?usage: corpus.sh OUT BUILD}
bin=$build/bin
cc=${CC:-cc}
export PYTHONPATH=$root/python
rm -rf "$out"
mkdir -p "$out"/{artifact,checkpoint,npy,digits,ptx,mlir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# artifact: hand-written C steps, packed; compiled CPU and cuda steps.
for step in sgd lossscale linear mixed; do
  sh "$root/test/Runtime/Inputs/mkartifact.sh" "$cc" "$bin/mpt-artifact" \
    "$step" "$out/artifact/$step.mpt"
done
python3 -m mpt.models mlp --batch 2 --width 4 --blocks 1 -o "$tmp/mlp.mlir" 2>/dev/null
"$bin/mpt-compile" "$tmp/mlp.mlir" --precision=f16 -o "$out/artifact/mlp-cpu.mpt"
"$bin/mpt-compile" "$tmp/mlp.mlir" --precision=f16 --target=cuda --quiet \
  -o "$out/artifact/mlp-cuda.mpt"

# checkpoint: the step the checkpoint target restores into.
sh "$root/test/Runtime/Inputs/mkartifact.sh" "$cc" "$bin/mpt-artifact" mixed "$tmp/mixed.mpt"
for n in 0 3; do
  "$bin/mpt-run" "$tmp/mixed.mpt" --data=synthetic --steps=$n -q \
    --checkpoint="$out/checkpoint/mixed-$n.ckpt" >/dev/null
done

# npy: numpy's writer, every dtype the runtime reads, and some it refuses.
python3 - "$out/npy" <<'PY'
import sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(0)
for i, dt in enumerate(["<f4", "<f2", "<u2", "<f8", "|b1", "|i1", "<i4", "<i8", ">f4", "<c8"]):
    for rank in range(4):
        shape = tuple(int(s) for s in rng.integers(0, 4, size=rank))
        a = (rng.random(shape) * 20 - 5).astype(dt)
        np.save(f"{d}/{dt[1:]}-r{rank}.npy", a)
np.save(f"{d}/fortran.npy", np.asfortranarray(np.ones((2, 3), np.float32)))
with open(f"{d}/v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.arange(6, dtype=np.int32), version=(2, 0))
PY

# digits: the first and the last lines of the real file.
csv=/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
if [ -f "$csv" ]; then
  # (Through a file: head closing a pipe would fail zcat under pipefail.)
  zcat "$csv" > "$tmp/digits.csv"
  head -n 6 "$tmp/digits.csv" > "$out/digits/head.csv"
  tail -n 3 "$tmp/digits.csv" > "$out/digits/tail.csv"
  head -n 4 "$tmp/digits.csv" | gzip -n > "$out/digits/head.csv.gz"
fi
printf '0,1,2\n' > "$out/digits/short.csv"

# ptx
cp "$root"/test/PTXEmu/Inputs/*.ptx "$out/ptx/"
if compgen -G "$build/test/PTXEmu/ptx/*.ptx" >/dev/null; then
  cp "$build"/test/PTXEmu/ptx/*.ptx "$out/ptx/"
fi
"$bin/mpt-artifact" extract "$out/artifact/mlp-cuda.mpt" --ptx "$out/ptx/mlp.ptx"

# mlir: one seed per split part.
python3 - "$root" "$out/mlir" "$tmp/mlp.mlir" <<'PY'
import glob, os, sys
root, d, mlp = sys.argv[1:]
files = [mlp]
for sub in ("Transforms", "Dialect/MPT", "Pipelines"):
    files += sorted(glob.glob(os.path.join(root, "test", sub, "*.mlir")))
n = 0
for path in files:
    for part in open(path).read().split("// -----"):
        body = "\n".join(l for l in part.splitlines()
                         if not l.lstrip().startswith(("// RUN", "// CHECK", "// expected")))
        if body.strip():
            with open(os.path.join(d, f"{n:04d}.mlir"), "w") as f:
                f.write(body)
            n += 1
PY
for t in artifact checkpoint npy digits ptx mlir; do
  echo "[corpus] $t: $(ls "$out/$t" | wc -l) seeds"
done
