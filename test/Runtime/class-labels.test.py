"""Data directories for class-labels.test (linear: x [32, 8, 8, 1], y [32]
labels of 10 classes): one good, the others with one label out of range."""
import os
import sys

import numpy as np

t = sys.argv[1]
rng = np.random.default_rng(0)


def split(d, name, y):
    os.makedirs(f"{t}/{d}/{name}", exist_ok=True)
    x = rng.random((len(y), 8, 8, 1), dtype=np.float32)
    np.save(f"{t}/{d}/{name}/x.npy", x)
    np.save(f"{t}/{d}/{name}/y.npy", np.asarray(y, np.int32))


good = rng.integers(0, 10, 64)
for d, at, value in [("big", 17, 1000), ("negative", 3, -5),
                     ("intmax", 39, 2**31 - 1)]:
    y = good.copy()
    y[at] = value
    split(d, "train", y)
split("good", "train", good)
split("good", "test", good[:32])
split("badtest", "train", good)
split("badtest", "test", np.concatenate([[10], good[1:32]]))
# One batch for calls that take x and y directly (label 1000 at index 17).
np.save(f"{t}/xs.npy", rng.random((32, 8, 8, 1), dtype=np.float32))
ys = good[:32].astype(np.int32)
ys[17] = 1000
np.save(f"{t}/ys.npy", ys)
