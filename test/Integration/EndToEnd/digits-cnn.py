# Real data: the frontend's CNN (2 conv3x3-bias-ReLU blocks with max pooling,
# dense head; SGD lr 0.1, batch 32) trained on the digits data set (1437
# training images, 360 test) for the same fixed budget of 1500 steps (about
# 33 epochs) in FP32, in FP16 with dynamic loss scaling and in BF16, through
# mpt-compile and mpt-run --eval.
#
# - each reaches at least 90% test accuracy, and the three are within 1
#   percentage point of each other;
# - the loss curves agree: the mean training loss of every epoch (44 batches,
#   the same batches in the same order for all three) of FP16 and BF16 stays
#   within 10% of FP32's. The curves fall from 1.8 to 0.01 over the run; FP16
#   and BF16 only add rounding (2^-11 and 2^-8 relative per value) to the same
#   trajectory, which moves the epoch means by about 3% at most (measured);
#   the errors this guards against (gradients left scaled, lost or skipped
#   updates, stale working copies, no FP32 accumulation) move them by far more
#   than 10% or stall training.
# - FP16 skips no step at the default scale 65536 (its gradients never
#   overflow); BF16 has no loss scale.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import numpy as np

import e2e
import mpt.models

t = sys.argv[1]
check = e2e.Checks()
STEPS, BATCH = 1500, 32

step = mpt.models.build("cnn", batch=BATCH)
with open(f"{t}/cnn.mlir", "w") as f:
    f.write(step.to_mlir())

runs = {}
for p in ("f32", "f16", "bf16"):
    art = e2e.compile_step(f"{t}/cnn.mlir", f"{t}/cnn_{p}.mpt", p)
    rep = e2e.train(art, "digits", STEPS, f"{t}/{p}.json", "--eval")
    runs[p] = rep
    acc = rep["eval"]["accuracy"]
    loss = np.array([s["loss"] for s in rep["steps"]], np.float64)
    print(f"{p}: test accuracy {100 * acc:.2f}% "
          f"({rep['eval']['correct']}/{rep['eval']['samples']}), "
          f"final loss {loss[-1]:.4f}, skipped {rep['summary']['skipped_steps']}")
    check(len(loss) == STEPS and np.all(np.isfinite(loss)),
          f"{p}: {len(loss)} steps, non-finite losses present")
    check(acc >= 0.90, f"{p}: test accuracy {acc:.4f} < 0.90")
    check(rep["eval"]["samples"] >= 320,
          f"{p}: evaluated only {rep['eval']['samples']} samples")

accs = {p: r["eval"]["accuracy"] for p, r in runs.items()}
spread = max(accs.values()) - min(accs.values())
check(spread <= 0.01, f"accuracies {accs} differ by {100 * spread:.2f} points")

per_epoch = runs["f32"]["data"]["train_batches_per_epoch"]
check(per_epoch == 1437 // BATCH, f"{per_epoch} batches per epoch")
epochs = STEPS // per_epoch


def epoch_means(rep):
    loss = np.array([s["loss"] for s in rep["steps"]], np.float64)
    return loss[:epochs * per_epoch].reshape(epochs, per_epoch).mean(axis=1)


ref = epoch_means(runs["f32"])
check(ref[-1] < 0.1 * ref[0], f"f32: epoch losses {ref[0]:.3f} -> {ref[-1]:.3f}")
for p in ("f16", "bf16"):
    m = epoch_means(runs[p])
    dev = np.abs(m - ref) / ref
    print(f"{p}: epoch-mean loss within {100 * dev.max():.2f}% of FP32 "
          f"(worst epoch {int(dev.argmax()) + 1} of {epochs})")
    check(np.all(dev <= 0.10),
          f"{p}: epoch-mean loss deviates from FP32 by {100 * dev.max():.1f}% "
          f"in epoch {int(dev.argmax()) + 1}")

check(runs["f16"]["summary"]["skipped_steps"] == 0 and
      all(s["scale"] == 65536 for s in runs["f16"]["steps"]),
      "f16: skipped steps or a scale other than 65536")
check(all(s["scale"] is None for s in runs["bf16"]["steps"]),
      "bf16: has a loss scale")

check.done()
