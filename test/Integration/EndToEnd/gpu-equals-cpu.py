# The GPU path computes what the CPU path computes. The frontend's MLP, CNN
# and a 2-block ResNet (batch 8) are compiled twice from the same FP32 step,
# with --target=cpu and with --target=cuda, at f32, f16 (dynamic loss
# scaling) and bf16, and trained for 1, 2 and 3 steps on the same synthetic
# batches: on the CPU and on cuda-emu (every kernel executed by the PTX
# emulator). After every step the loss and every state tensor (parameters,
# working copies, optimizer and loss-scale state) must agree.
#
# Tolerances, relative to the largest magnitude of each tensor (so a sum that
# cancels to ~0 is not held to a relative error it cannot have):
# - f32: 1e-5. Both sides round every op to f32; only the order of the
#   reductions differs (the GPU's warp-shuffle trees, tensor-core or tiled
#   sums versus the CPU's sequential loops), a few f32 ulps per sum.
# - f16: 1e-3. The f32 values entering a rounding to f16 differ by those
#   few ulps, which can move a result to the neighbouring f16 value: one
#   f16 ulp is 2^-10 of the value at most (9.8e-4).
# - bf16: 1e-2, the same argument with bf16's ulp of 2^-7 (7.8e-3).
# The losses are f32 values computed from those tensors: 1e-5 / 1e-3 / 1e-2.
# These per-op bounds hold for the first step, where both devices start from
# the same state. From the second step on, at f16/bf16, the parameters
# already differ by those roundings, and a pre-activation near zero can
# round to the other side of a ReLU on one device: its mask flips and that
# gradient element changes by a whole term, not by an ulp. From then on the
# two devices must agree better than either agrees with f32: the difference
# may reach half of how far the CPU's f16/bf16 run is from the CPU's f32 run
# of the same model (the precision's own error, measured on the same
# batches), or the per-op bound where that is larger. A working copy is
# held to its master weight's f32 counterpart; tensors f32 has no
# counterpart of (loss-scale state) keep the per-op bound.
#
# A step built to overflow: f16 with an initial scale of 2^40 makes every
# scaled gradient non-finite, so steps are skipped and the scale backs off by
# half until the gradients fit. The CPU and GPU must skip exactly the same
# steps and walk through exactly the same scales (bit for bit: these are
# decisions, not roundings).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import numpy as np

import e2e
import mpt.models

t = sys.argv[1]
check = e2e.Checks()
TOL = {"f32": 1e-5, "f16": 1e-3, "bf16": 1e-2}
MODELS = {"mlp": {}, "cnn": {}, "resnet": {"blocks": 2}}


def build(model, kw):
    step = mpt.models.build(model, batch=8, **kw)
    path = f"{t}/{model}.mlir"
    with open(path, "w") as f:
        f.write(step.to_mlir())
    return path


def run_steps(art, device, tag):
    """The report of a 3-step run and the state after 1, 2 and 3 steps."""
    states = []
    report = None
    for k in (1, 2, 3):
        d = f"{t}/{tag}_{k}"
        report = e2e.train(art, "synthetic", k, f"{d}.json", f"--device={device}",
                           f"--dump-state={d}")
        states.append(e2e.read_state(d))
    return report, states


def relative(cpu, gpu):
    c = cpu.astype(np.float64)
    g = gpu.astype(np.float64)
    scale = max(np.abs(c).max(initial=0.0), np.finfo(np.float32).tiny)
    if not (np.isfinite(c).all() and np.isfinite(g).all()):
        return 0.0 if e2e.bits(cpu) == e2e.bits(gpu) else np.inf
    return float(np.abs(c - g).max(initial=0.0) / scale)


def bound(p, k, name, cpu, f32_cpu):
    """The largest difference allowed for `name` after step k (see above)."""
    master = name.removesuffix(".working_copy")
    if p == "f32" or k == 1 or master not in f32_cpu:
        return TOL[p]
    return max(TOL[p], 0.5 * relative(cpu, f32_cpu[master]))


for model, kw in MODELS.items():
    src = build(model, kw)
    f32_states = None
    for p in ("f32", "f16", "bf16"):
        tag = f"{model}_{p}"
        cpu = e2e.compile_step(src, f"{t}/{tag}_cpu.mpt", p, target="cpu")
        gpu = e2e.compile_step(src, f"{t}/{tag}_cuda.mpt", p, target="cuda",
                               quiet=True)
        cpu_report, cpu_states = run_steps(cpu, "cpu", f"{tag}_cpu")
        gpu_report, gpu_states = run_steps(gpu, "cuda-emu", f"{tag}_gpu")
        if p == "f32":
            f32_states = cpu_states
        for k, (cs, gs) in enumerate(zip(cpu_states, gpu_states), start=1):
            check(set(cs) == set(gs), f"{tag} step {k}: state names differ")
            for name in sorted(set(cs) & set(gs)):
                check(cs[name].dtype == gs[name].dtype and
                      cs[name].shape == gs[name].shape,
                      f"{tag} step {k}: {name} has another type on the GPU")
                err = relative(cs[name], gs[name])
                tol = bound(p, k, name, cs[name], f32_states[k - 1])
                check(err <= tol, f"{tag} step {k}: {name} differs by "
                      f"{err:.3g} (relative to its largest value) > {tol:.3g}")
        for cs, gs in zip(cpu_report["steps"], gpu_report["steps"]):
            err = abs(cs["loss"] - gs["loss"]) / abs(cs["loss"])
            check(err <= TOL[p], f"{tag} step {cs['step']}: loss "
                  f"{gs['loss']} on the GPU, {cs['loss']} on the CPU")
            check(cs.get("skipped") == gs.get("skipped"),
                  f"{tag} step {cs['step']}: skip decision differs")
        print(f"{tag}: state and losses agree over 3 steps")

# Skips and scales on a step built to overflow.
src = build("mlp", {})
runs = {}
for target, device in (("cpu", "cpu"), ("cuda", "cuda-emu")):
    art = e2e.compile_step(src, f"{t}/overflow_{target}.mpt", "f16",
                           target=target, init_scale=2.0**40,
                           **({"quiet": True} if target == "cuda" else {}))
    runs[target] = e2e.train(art, "synthetic", 30, f"{t}/overflow_{target}.json",
                             f"--device={device}")["steps"]
skips = [s["skipped"] for s in runs["cpu"]]
check(skips[:10] == [True] * 10 and not all(skips),
      f"the overflow case must skip its first steps and then train: {skips}")
check(skips == [s["skipped"] for s in runs["cuda"]],
      "GPU and CPU skip different steps")
check([s["scale"] for s in runs["cpu"]] == [s["scale"] for s in runs["cuda"]],
      "GPU and CPU walk through different loss scales")
check(all(np.isfinite(s["loss"]) for s in runs["cuda"]),
      "the GPU's losses must stay finite while it skips")
check.done()
