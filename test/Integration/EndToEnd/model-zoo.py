# Every model of the frontend's zoo compiles (FP32, FP16 with dynamic loss
# scaling, BF16) and trains, and its losses are the FP64 evaluator's
# (mpt.reference.reference_run: numpy, one function per op, independent of
# the emitter and the lowering) on the same synthetic batches from the same
# initial parameters. Compile-path regressions (a bf16 math function that
# needs a libgcc routine, a kernel that reads the wrong operand) show up as
# a failed compile, a failed run or a wrong loss.
#
# Bounds, per step: FP32 within rtol 1e-4 (as fp32-vs-fp64.py: one FP32
# rounding per op, about 1e-7 relative, observed 6e-8). In FP16/BF16 every
# activation on the way to the logits is rounded to the low type a few
# times (unit roundoff u = 2^-11 for f16, 2^-8 for bf16) while contractions
# accumulate and the loss reduces in FP32; cross-entropy moves at most by
# the logits' change, so four roundings' worth, 4u relative (2e-3 for f16,
# 1.6e-2 for bf16), bounds the first step's loss, and the second step (after
# an update from low-precision gradients into FP32 masters) stays within it
# too (observed at most 0.8u). FP16 runs with dynamic loss scaling from 2^16
# and must skip no step here: a skip would leave the parameters as they were
# and the second loss would not be the reference's.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import numpy as np

import e2e
import mpt
import mpt.data
import mpt.models
import mpt.reference
from mpt.models import make_optimizer

t = sys.argv[1]
check = e2e.Checks()
STEPS = 2
RTOL = {"f32": 1e-4, "f16": 4 * 2.0**-11, "bf16": 4 * 2.0**-8}

train = mpt.data.synthetic((8, 8, 1), 64, classes=10)
e2e.write_split(f"{t}/data", "train", **train)

# (model, optimizer, sizes, precisions): the zoo's four families.
CASES = [
    ("mlp", "adam", dict(batch=4), ["f32"]),
    ("cnn", "sgd", dict(batch=2), ["f32", "f16"]),
    ("resnet", "sgd", dict(blocks=2, batch=2, width=4), ["bf16"]),
    ("transformer", "sgd", dict(batch=2), ["bf16", "f16"]),
]
for name, optimizer, sizes, precisions in CASES:
    step = mpt.models.build(name, make_optimizer(optimizer), **sizes)
    with open(f"{t}/{name}.mlir", "w") as f:
        f.write(step.to_mlir(functions=("train_step",)))
    ref, _, _ = mpt.reference.reference_run(step, train, STEPS)
    for p in precisions:
        art = e2e.compile_step(f"{t}/{name}.mlir", f"{t}/{name}.{p}.mpt", p)
        rep = e2e.train(art, f"{t}/data", STEPS, f"{t}/{name}.{p}.json")
        loss = np.array([s["loss"] for s in rep["steps"]], np.float64)
        if not check(len(loss) == STEPS,
                     f"{name} {p}: {len(loss)} steps reported, not {STEPS}"):
            continue
        rel = np.abs(loss - ref) / np.abs(ref)
        print(f"{name} {p}: losses {loss} vs FP64 {ref}, relative difference "
              f"up to {rel.max():.2e} (bound {RTOL[p]:.1e})")
        check(np.all(np.isfinite(loss)), f"{name} {p}: non-finite loss {loss}")
        check(np.all(rel <= RTOL[p]),
              f"{name} {p}: losses {loss} differ from FP64 {ref} by up to "
              f"{rel.max():.3g} (bound {RTOL[p]:.3g})")
        skipped = rep["summary"]["skipped_steps"]
        check(skipped == 0, f"{name} {p}: {skipped} steps skipped")
        if p == "f16":
            check(rep["summary"]["final_scale"] == 65536.0,
                  f"{name} f16: loss scale {rep['summary']['final_scale']} "
                  "after two clean steps (growth only after 2000)")

check.done()
