# A skipped step leaves the whole training state bit for bit unchanged,
# through mpt-compile and mpt-run: the frontend's MLP with Adam compiled in
# f16 (FP32 masters, f16 working copies, FP32 Adam m, v and step count,
# dynamic or static loss scaling), trained on digits batches with one
# poisoned batch (x = 1e6, inf in f16, so the loss and every gradient are
# non-finite) inserted at step 3.
#
# - dynamic scaling: the runs of 2 and 3 steps differ by exactly the
#   overflowing step; every param, working copy, m, v and adam.step of the
#   3-step run equals the 2-step run's bit for bit, while the scale halves.
#   Steps 1 and 2 do change every one of them (so the check can fail).
# - static scaling (the scale is the same every step): the run of 5 steps
#   with the poisoned batch equals the run of 4 steps without it, bit for
#   bit (the skipped step is invisible to the steps after it).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import numpy as np

import e2e
import mpt
import mpt.data
import mpt.models

t = sys.argv[1]
check = e2e.Checks()
B = 4

step = mpt.models.build("mlp", mpt.Adam(lr=0.01), batch=B, blocks=1, width=16)
with open(f"{t}/mlp_adam.mlir", "w") as f:
    f.write(step.to_mlir(functions=("train_step",)))

train = mpt.data.digits()["train"]
clean = [{k: v[i * B:(i + 1) * B] for k, v in train.items()} for i in range(4)]
poison = {k: v.copy() for k, v in clean[2].items()}
poison["x"][0] = 1e6  # inf once cast to f16
with np.errstate(over="ignore"):
    assert np.isinf(np.float16(poison["x"][0, 0, 0, 0]))


def dataset(name, batches):
    d = f"{t}/{name}"
    e2e.write_split(d, "train", **{k: np.concatenate([b[k] for b in batches])
                                   for k in ("x", "y")})
    return d


data_a = dataset("data-a", clean)                                    # b0 b1 b2 b3
data_b = dataset("data-b", clean[:2] + [poison] + clean[2:])         # b0 b1 P b2 b3


def run(art, data, steps, tag):
    rep = e2e.train(art, data, steps, f"{t}/{tag}.json",
                    f"--dump-state={t}/{tag}")
    return rep, e2e.read_state(f"{t}/{tag}")


def training_state(state):
    return {k: v for k, v in state.items() if not k.startswith("loss_scale.")}


def expect_names(state):
    names = set(state)
    params = {n for n in step.init_params()}
    want = (params | {p + ".adam_m" for p in params}
            | {p + ".adam_v" for p in params} | {"adam.step"})
    check(want <= names, f"state lacks {sorted(want - names)}")
    # A working copy for every parameter read in f16: the weights and the
    # hidden bias (autocast adds it to the f16 activations; the fused
    # matmul's epilogue reads that f16 bias). The head bias is only read in
    # f32, before the loss, and has none.
    copies = {n[:-len(".working_copy")] for n in names
              if n.endswith(".working_copy")}
    check(copies == {"dense0.weight", "dense0.bias", "head.weight"},
          f"working copies of {sorted(copies)}")


# --- dynamic scaling: the overflowing step itself ---------------------------
dyn = e2e.compile_step(f"{t}/mlp_adam.mlir", f"{t}/dyn.mpt", "f16",
                       loss_scale="dynamic", init_scale=1024,
                       growth_interval=1000)
r1, s1 = run(dyn, data_b, 1, "dyn1")
r2, s2 = run(dyn, data_b, 2, "dyn2")
r3, s3 = run(dyn, data_b, 3, "dyn3")
expect_names(s3)
check([s["skipped"] for s in r3["steps"]] == [False, False, True],
      f"dynamic: skipped flags {[s['skipped'] for s in r3['steps']]}")
# Non-finite numbers are strings in the report ("NaN", "Infinity").
check(not np.isfinite(float(r3["steps"][2]["loss"])),
      f"dynamic: the poisoned step's loss {r3['steps'][2]['loss']} is finite")
for name, v in training_state(s2).items():
    check(e2e.bits(s3[name]) == e2e.bits(v),
          f"dynamic: {name} changed on the skipped step 3")
    check(e2e.bits(s1[name]) != e2e.bits(v),
          f"dynamic: {name} did not change on the clean step 2")
check(float(s2["adam.step"]) == 2 and float(s3["adam.step"]) == 2,
      f"dynamic: adam.step {s2['adam.step']} after 2 steps, "
      f"{s3['adam.step']} after 3 (one skipped)")
check(float(s2["loss_scale.scale"]) == 1024 and
      float(s3["loss_scale.scale"]) == 512,
      f"dynamic: scale {s2['loss_scale.scale']} -> {s3['loss_scale.scale']}, "
      f"expected 1024 -> 512")
check(int(s3["loss_scale.growth_tracker"]) == 0,
      f"dynamic: growth tracker {s3['loss_scale.growth_tracker']} after the "
      f"overflow")

# --- static scaling: a run with one extra overflowing step -------------------
sta = e2e.compile_step(f"{t}/mlp_adam.mlir", f"{t}/static.mpt", "f16",
                       loss_scale="static", init_scale=1024)
ra, sa = run(sta, data_a, 4, "static-a4")
rb, sb = run(sta, data_b, 5, "static-b5")
expect_names(sb)
check([s["skipped"] for s in rb["steps"]] == [False, False, True, False, False],
      f"static: skipped flags {[s['skipped'] for s in rb['steps']]}")
check(not any(s["skipped"] for s in ra["steps"]),
      "static: the clean run skipped a step")
check(set(sa) == set(sb), f"static: state names differ: {set(sa) ^ set(sb)}")
for name, v in sa.items():
    check(name in sb and e2e.bits(sb[name]) == e2e.bits(v),
          f"static: {name} after 5 steps with the poisoned one differs from "
          f"4 clean steps")
losses_a = [s["loss"] for s in ra["steps"]]
losses_b = [s["loss"] for i, s in enumerate(rb["steps"]) if i != 2]
check(losses_a == losses_b,
      f"static: clean-step losses {losses_b} differ from {losses_a}")

check.done()
