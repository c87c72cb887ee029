# The compiled FP32 step against the frontend's FP64 evaluator (issue 3,
# point 3): the MLP (2 hidden layers of 32, SGD with momentum 0.9) and the
# CNN (Adam, lr 0.01), batch 16, 50 steps on consecutive digits batches,
# compiled with mpt-compile --precision=f32 and run with mpt-run, against
# mpt.reference.reference_run (FP64 numpy, one function per op, independent
# of the MLIR emitter and the lowering) from the same initial parameters.
#
# Bounds: every loss within rtol 1e-4, every final parameter and optimizer
# state tensor within 3e-5 * max|reference| (max abs error). FP32 rounds each
# op by at most 2^-24 = 6e-8 relative; the longest reduction here (the conv
# filter gradient, 16*8*8 = 1024 terms) accumulates about sqrt(1024) * 6e-8
# = 2e-6 typically (6e-5 in the worst case), and 50 steps carry these through
# the parameters: 3e-6 observed. One stray f16/bf16 rounding anywhere on the
# FP32 path (2^-12 = 2.4e-4 or more) or any wrong term breaks the bounds.
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

t = sys.argv[1]
check = e2e.Checks()
STEPS = 50

train = mpt.data.digits()["train"]
e2e.write_split(f"{t}/data", "train", **train)

models = {
    "mlp": (mpt.SGD(lr=0.1, momentum=0.9), dict(batch=16, blocks=2, width=32)),
    "cnn": (mpt.Adam(lr=0.01), dict(batch=16)),
}
for name, (opt, kw) in models.items():
    step = mpt.models.build(name, opt, **kw)
    with open(f"{t}/{name}.mlir", "w") as f:
        f.write(step.to_mlir(functions=("train_step",)))
    art = e2e.compile_step(f"{t}/{name}.mlir", f"{t}/{name}.mpt", "f32")

    # The same starting point: the runtime's initial state is the frontend's.
    e2e.train(art, f"{t}/data", 0, f"{t}/{name}-0.json",
              f"--dump-state={t}/{name}-init")
    got_init = e2e.read_state(f"{t}/{name}-init")
    ref_loss, ref_init, ref_final = mpt.reference.reference_run(step, train,
                                                                STEPS)
    check(set(got_init) == set(ref_init),
          f"{name}: state names {sorted(got_init)} vs {sorted(ref_init)}")
    for k, v in ref_init.items():
        check(k in got_init and e2e.bits(got_init[k]) ==
              e2e.bits(np.asarray(v, np.float32)),
              f"{name}: initial {k} differs from the frontend's")

    rep = e2e.train(art, f"{t}/data", STEPS, f"{t}/{name}.json",
                    f"--dump-state={t}/{name}-final")
    loss = np.array([s["loss"] for s in rep["steps"]], np.float64)
    rel = np.abs(loss - ref_loss) / np.abs(ref_loss)
    print(f"{name}: loss {ref_loss[0]:.4f} -> {ref_loss[-1]:.4f}, max relative "
          f"difference {rel.max():.2e} (step {int(rel.argmax()) + 1})")
    check(len(loss) == STEPS and np.all(rel <= 1e-4),
          f"{name}: losses differ from FP64 by up to {rel.max():.3g} "
          f"(step {int(rel.argmax()) + 1})")
    check(ref_loss[-1] < 0.8 * ref_loss[0],
          f"{name}: the reference did not train ({ref_loss[0]} -> "
          f"{ref_loss[-1]})")
    got = e2e.read_state(f"{t}/{name}-final")
    worst = 0.0
    for k, v in ref_final.items():
        if not check(k in got, f"{name}: no final {k} from mpt-run"):
            continue
        scale = float(np.max(np.abs(v)))
        err = float(np.max(np.abs(got[k].astype(np.float64) - v)))
        worst = max(worst, err / scale)
        check(err <= 3e-5 * scale,
              f"{name}: final {k} off by {err:.3g} (max |ref| {scale:.3g})")
        check(np.any(got[k] != ref_init[k]) or scale == 0,
              f"{name}: {k} never changed")
    print(f"{name}: final state within {worst:.2e} * max|ref| of FP64")

check.done()
