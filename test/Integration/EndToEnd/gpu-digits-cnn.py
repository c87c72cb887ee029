# Real data on the GPU path: the frontend's CNN (batch 32, SGD lr 0.1),
# mixed precision (f16 working copies, FP32 masters, dynamic loss scaling),
# compiled with --target=cuda and trained for 300 steps on the digits data set
# on cuda-emu (every kernel of every step executed by the PTX emulator), then
# evaluated on the test split. The same step compiled for the CPU and trained
# on the same batches is the reference: the test accuracies must agree within
# 1 percentage point (the two differ only in the order of f32 sums, see
# gpu-equals-cpu.py), and training must have worked (above 80%, from 10% for
# an untrained network; 300 steps are about 7 epochs).
#
# REQUIRES: digits
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import e2e
import mpt.models

t = sys.argv[1]
check = e2e.Checks()
STEPS, BATCH = 300, 32

step = mpt.models.build("cnn", batch=BATCH)
with open(f"{t}/cnn.mlir", "w") as f:
    f.write(step.to_mlir())

accuracy = {}
for target, device in (("cpu", "cpu"), ("cuda", "cuda-emu")):
    art = e2e.compile_step(f"{t}/cnn.mlir", f"{t}/cnn_{target}.mpt", "f16",
                           target=target,
                           **({"quiet": True} if target == "cuda" else {}))
    report = e2e.train(art, "digits", STEPS, f"{t}/{target}.json",
                       f"--device={device}", "--eval")
    accuracy[target] = report["eval"]["accuracy"]
    check(report["device"]["name"] == device, f"ran on {report['device']}")
    print(f"{target}: test accuracy {accuracy[target]:.4f}, "
          f"final loss {report['steps'][-1]['loss']:.4f}")

check(accuracy["cpu"] > 0.80, f"the CPU run did not train: {accuracy}")
check(abs(accuracy["cpu"] - accuracy["cuda"]) <= 0.01,
      f"GPU and CPU accuracies differ by more than 1 point: {accuracy}")
check.done()
