# Master weights matter, through mpt-compile and mpt-run: the one-weight step
# of Inputs/one_weight_sgd.mlir (w = 1.0, lr = 1e-4) fed x = -1, so its
# gradient is exactly -1 and every step adds 1e-4 to w, compiled in f16 with
# no loss scaling (to isolate the effect of the parameter's precision):
#
# - FP32 master (default): after 1000 steps w is near 1.1 and equal, within
#   1e-6, to a numpy FP32 replay of the same 1000 updates
#   (w = f32(w - f32(1e-4) * -1)); the f16 working copy is f16(w).
# - --fp32-masters=false (the parameter itself is f16): 1 + 1e-4 rounds back
#   to 1 in f16 (half an ulp at 1 is 4.9e-4), so w stays exactly 1.0.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import numpy as np

import e2e

t = sys.argv[1]
check = e2e.Checks()
src = e2e.input_path("one_weight_sgd.mlir")
STEPS = 1000

data = f"{t}/data"
e2e.write_split(data, "train", x=np.array([[-1.0]], np.float32))

# The FP32 replay: the update mpt.sgd computes, p - lr * g, in float32.
lr, g = np.float32(1e-4), np.float32(-1.0)
w_ref = np.float32(1.0)
for _ in range(STEPS):
    w_ref = np.float32(w_ref - lr * g)
print(f"numpy FP32 replay: w = {w_ref!r} ({w_ref.view(np.uint32):#010x})")

for masters in (True, False):
    tag = "fp32" if masters else "f16"
    art = e2e.compile_step(src, f"{t}/{tag}.mpt", "f16", loss_scale="none",
                           fp32_masters=masters)
    rep = e2e.train(art, data, STEPS, f"{t}/{tag}.json",
                    f"--dump-state={t}/{tag}-state")
    state = e2e.read_state(f"{t}/{tag}-state")
    w = state["w"].reshape(())
    print(f"{tag} masters: w = {w!r} (dtype {w.dtype})")
    check(len(rep["steps"]) == STEPS and rep["summary"]["skipped_steps"] == 0,
          f"{tag}: {len(rep['steps'])} steps, "
          f"{rep['summary']['skipped_steps']} skipped")
    check(rep["summary"]["final_scale"] is None,
          f"{tag}: a loss scale {rep['summary']['final_scale']} with "
          f"--loss-scale=none")
    if masters:
        check(w.dtype == np.float32, f"fp32: master dtype {w.dtype}")
        check(abs(float(w) - 1.1) < 1e-3, f"fp32: w = {w!r}, not near 1.1")
        check(abs(float(w) - float(w_ref)) <= 1e-6,
              f"fp32: w = {w!r}, numpy FP32 replay {w_ref!r}")
        check(e2e.bits(state["w.working_copy"]) ==
              e2e.bits(state["w"].astype(np.float16)),
              f"fp32: working copy {state['w.working_copy']} is not f16(w)")
    else:
        check(w.dtype == np.float16, f"f16: parameter dtype {w.dtype}")
        check(float(w) == 1.0, f"f16: w = {w!r}, expected exactly 1.0")
        check(not any(n.endswith(".working_copy") for n in state),
              f"f16: unexpected working copy in {sorted(state)}")

check.done()
