# Loss scaling matters, through mpt-compile and mpt-run: the regression of
# Inputs/tiny_grad_regression.mlir has its loss multiplied by 1e-9, so the
# gradient reaching the f16 backward contraction (|dr| ~ 1e-9) is below half
# the smallest f16 subnormal (2^-25 = 2.98e-8) and rounds to 0.
#
# - f16, --loss-scale=none: dW is exactly 0, so w stays bit for bit at its
#   initial 0.25 and the loss (same batch every step) never changes.
# - f16, dynamic scaling (init 65536): dr * 65536 ~ 1e-4 is representable,
#   the model learns, and the loss curve follows an FP64 numpy run of the
#   same gradient descent: within 10% at every step of the first 200 (the
#   loss falls by about 10^4 over them). Why 10%: the f16 rounding of x and
#   w (relative 2^-11) perturbs the residual by about 1e-3 absolute, which
#   puts a floor near 1e-14 under the loss; over the first 200 steps the loss
#   stays above 1e-13, so the relative deviation stays a few percent at most
#   (0.1% observed).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import numpy as np

import e2e

t = sys.argv[1]
check = e2e.Checks()
src = e2e.input_path("tiny_grad_regression.mlir")
STEPS = 200
LR, FACTOR, W0 = 2.5e7, 1e-9, 0.25

rng = np.random.default_rng(0)
x = rng.random((8, 4)).astype(np.float32)
w_true = np.array([1.0, -1.0, 0.5, -0.5], np.float32)
target = (x @ w_true).reshape(8, 1).astype(np.float32)
data = f"{t}/data"
e2e.write_split(data, "train", x=x, t=target)  # one batch, every step

# FP64 reference: the same step, gradients exact.
xd, td = x.astype(np.float64), target[:, 0].astype(np.float64)
w = np.full(4, W0)
ref = []
for _ in range(STEPS):
    r = xd @ w - td
    ref.append(FACTOR * np.sum(r * r))
    w = w - LR * (2 * FACTOR * (xd.T @ r))
ref = np.array(ref)
# The premise: every gradient of the first step is far below 2^-24.
r0 = xd @ np.full(4, W0) - td
check(np.max(np.abs(2 * FACTOR * r0)) < 2.0 ** -25,
      "premise: dr is not below half the smallest f16 subnormal")

runs = {}
for mode in ("none", "dynamic"):
    art = e2e.compile_step(src, f"{t}/{mode}.mpt", "f16", loss_scale=mode)
    rep = e2e.train(art, data, STEPS, f"{t}/{mode}.json",
                    f"--dump-state={t}/{mode}-state")
    runs[mode] = (np.array([s["loss"] for s in rep["steps"]]),
                  e2e.read_state(f"{t}/{mode}-state"), rep)

loss, state, rep = runs["none"]
check(e2e.bits(state["w"]) == e2e.bits(np.full((4, 1), W0, np.float32)),
      f"none: w moved to {state['w'].ravel()} (gradients should be 0 in f16)")
check(np.all(loss == loss[0]), f"none: the loss changed: {loss[[0, -1]]}")
check(abs(loss[0] - ref[0]) <= 1e-3 * ref[0],
      f"none: first loss {loss[0]} vs FP64 {ref[0]}")

loss, state, rep = runs["dynamic"]
print(f"dynamic: loss {loss[0]:.4g} -> {loss[-1]:.4g} "
      f"(FP64 {ref[0]:.4g} -> {ref[-1]:.4g}), w = {state['w'].ravel()}")
check(rep["summary"]["skipped_steps"] == 0,
      f"dynamic: {rep['summary']['skipped_steps']} skipped steps")
check(loss[-1] < 1e-3 * loss[0],
      f"dynamic: loss {loss[0]} -> {loss[-1]} did not fall by 1000x")
dev = np.abs(loss - ref) / ref
check(np.all(dev <= 0.1),
      f"dynamic: loss deviates from FP64 by up to {dev.max():.3g} "
      f"(step {int(dev.argmax()) + 1})")
check(np.max(np.abs(state["w"].ravel() - w_true)) < 0.1,
      f"dynamic: w = {state['w'].ravel()}, w_true = {w_true}")

check.done()
