"""Replays sgd.c's updates in float32 numpy, independently of the runtime."""
import json
import sys

import numpy as np

from mpt.init import uniform

out = sys.argv[1]
x = np.load(f"{out}/data/train/x.npy")
w = uniform(7, 4, -0.5, 0.5)  # the init of "w" in sgd.json
losses = []
for step in range(5):
    b = (step % 2) * 2  # 2 full batches of 2; sample 4 is never used
    g = (x[b] + x[b + 1]) * np.float32(0.5)
    loss = np.float32(0)
    for i in range(4):
        loss = np.float32(loss + w[i] * g[i])
    losses.append(float(loss))
    w = (w - np.float32(0.1) * g).astype(np.float32)

got = np.load(f"{out}/state/w.npy")
assert got.dtype == np.float32 and got.shape == (4,), got
assert np.array_equal(got.view(np.uint32), w.view(np.uint32)), (got, w)
report = json.load(open(f"{out}/report.json"))
assert [s["loss"] for s in report["steps"]] == losses, (report["steps"], losses)
assert [s["step"] for s in report["steps"]] == [1, 2, 3, 4, 5]
assert report["data"]["train_batches_per_epoch"] == 2
print("ok")
