# Data-parallel training equals one rank with the global batch: the MLP of
# the model zoo trained on the digits for 50 steps by N = 2 and 4 ranks
# (mpirun --oversubscribe on loopback, local batch 8, --data-parallel) and
# by one process with batch 8*N compiled without --data-parallel (the
# independent reference: no all-reduce in its code). FP32: every step's loss
# and every final parameter within 1e-6 relative. FP16 with dynamic loss
# scaling (a growth interval of 5 and a large initial scale, so the scale
# both backs off and grows): the same skipped steps and the same scale
# after every step (the seed is pre-divided by N, so every rank's scaled
# backward values are one process's, and FP16 overflows where they would).
# BF16: losses within 2e-2 relative (bf16 keeps 8 significant bits, a
# rounding is up to 2^-9 relative; each rank rounds its partial gradient
# sums, one process rounds the whole sums, and 50 steps of training carry
# the differences on: about five bf16 roundings of tolerance). Gradient
# accumulation (--accumulate=2, batch 8) equals batch 16 within 1e-6 in
# FP32, alone and on 2 ranks; in FP16 on 2 ranks with 16-bit communication
# it skips and scales as batch 16 does.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import os
import subprocess
import sys

import numpy as np

import e2e
import mpi

t = sys.argv[1]
check = e2e.Checks()
STEPS = 50
B = 8


def model(batch):
    path = f"{t}/mlp-b{batch}.mlir"
    if not os.path.exists(path):
        subprocess.run([sys.executable, "-m", "mpt.models", "mlp",
                        "--batch", str(batch), "-o", path], check=True,
                        capture_output=True)
    return path


def single(name, batch, precision, **options):
    art = e2e.compile_step(model(batch), f"{t}/{name}.mpt", precision,
                           **options)
    rep = e2e.train(art, "digits", STEPS, f"{t}/{name}.json",
                    f"--dump-state={t}/{name}-state")
    return rep, e2e.read_state(f"{t}/{name}-state")


def ranks(name, n, batch, precision, **options):
    art = e2e.compile_step(model(batch), f"{t}/{name}.mpt", precision,
                           data_parallel=True, **options)
    mpi.run_ranks(n, [art, "--data=digits", f"--steps={STEPS}",
                      f"--report={t}/{name}.json", "--progress=none",
                      f"--dump-state={t}/{name}-state"])
    import json
    with open(f"{t}/{name}.json") as f:
        rep = json.load(f)
    return rep, e2e.read_state(f"{t}/{name}-state")


def rel(a, b):
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-30))


def compare(name, got, want, tol, state_tol=None):
    rep, state = got
    ref, ref_state = want
    losses = [s["loss"] for s in rep["steps"]]
    ref_losses = [s["loss"] for s in ref["steps"]]
    check(len(losses) == STEPS == len(ref_losses),
          f"{name}: {len(losses)} and {len(ref_losses)} steps")
    worst = max(abs(a - b) / abs(b) for a, b in zip(losses, ref_losses))
    check(worst <= tol, f"{name}: losses differ by {worst:.3g} relative "
                        f"(tolerance {tol})")
    if state_tol is not None:
        check(sorted(state) == sorted(ref_state),
              f"{name}: state {sorted(state)} vs {sorted(ref_state)}")
        for k in ref_state:
            if k in state and ref_state[k].dtype.kind == "f":
                r = rel(state[k], ref_state[k])
                check(r <= state_tol, f"{name}: {k} differs by {r:.3g} "
                                      f"relative (tolerance {state_tol})")
    print(f"{name}: losses within {worst:.3g}")
    return rep, ref


for n in (2, 4):
    ref = single(f"f32-single-b{B * n}", B * n, "f32")
    got = ranks(f"f32-{n}ranks", n, B, "f32")
    rep, _ = compare(f"f32 {n} ranks", got, ref, 1e-6, 1e-6)
    dp = rep["data_parallel"]
    check(dp["ranks"] == n and dp["global_batch"] == B * n,
          f"f32 {n} ranks: report says {dp}")
    check(dp["all_reduces"] == STEPS,
          f"f32 {n} ranks: {dp['all_reduces']} all-reduces for {STEPS} steps "
          f"(one bucket per step expected)")

    # FP16 + dynamic loss scaling: identical skip and scale sequences.
    scaling = dict(init_scale=2.0 ** 24, growth_interval=5)
    ref = single(f"f16-single-b{B * n}", B * n, "f16", **scaling)
    got = ranks(f"f16-{n}ranks", n, B, "f16", **scaling)
    rep, ref_rep = compare(f"f16 {n} ranks", got, ref, 2e-2)
    skips = [s["skipped"] for s in rep["steps"]]
    scales = [s["scale"] for s in rep["steps"]]
    check(skips == [s["skipped"] for s in ref_rep["steps"]],
          f"f16 {n} ranks: skipped {skips} vs one rank "
          f"{[s['skipped'] for s in ref_rep['steps']]}")
    check(scales == [s["scale"] for s in ref_rep["steps"]],
          f"f16 {n} ranks: scales {scales} vs one rank "
          f"{[s['scale'] for s in ref_rep['steps']]}")
    check(any(skips) and len(set(scales)) > 2,
          f"f16 {n} ranks: the run must both skip and grow the scale to "
          f"test anything (skips {sum(skips)}, scales {sorted(set(scales))})")

    ref = single(f"bf16-single-b{B * n}", B * n, "bf16")
    got = ranks(f"bf16-{n}ranks", n, B, "bf16")
    compare(f"bf16 {n} ranks", got, ref, 2e-2)

# Gradient accumulation: 2 micro-batches of 8 = one batch of 16.
ref = single("f32-single-b16", 16, "f32")
got = single("f32-accumulate2", B, "f32", accumulate=2)
compare("f32 accumulate=2", got, ref, 1e-6, 1e-6)
# ... and on 2 ranks with 2 micro-batches of 4 each.
got = ranks("f32-2ranks-accumulate2", 2, 4, "f32", accumulate=2)
compare("f32 2 ranks, accumulate=2", got, ref, 1e-6, 1e-6)

# FP16 with dynamic scaling, 2 ranks x 2 micro-batches of 4 (gradients
# travel in f16, added in FP32): the same skips and scales as one process
# with batch 16.
scaling = dict(init_scale=2.0 ** 24, growth_interval=5)
ref = single("f16-single-b16", 16, "f16", **scaling)
got = ranks("f16-2ranks-accumulate2", 2, 4, "f16", accumulate=2,
            comm_precision="native", **scaling)
rep, ref_rep = compare("f16 2 ranks, accumulate=2, native", got, ref, 2e-2)
check([s["skipped"] for s in rep["steps"]] ==
      [s["skipped"] for s in ref_rep["steps"]] and
      [s["scale"] for s in rep["steps"]] ==
      [s["scale"] for s in ref_rep["steps"]],
      "f16 2 ranks, accumulate=2: skips/scales differ from one process: "
      f"{[(s['skipped'], s['scale']) for s in rep['steps']]} vs "
      f"{[(s['skipped'], s['scale']) for s in ref_rep['steps']]}")

check.done()
