"""Calls the compiled entries of Inputs/class-labels.mlir directly with good
and out-of-range labels and checks the results against numpy."""
import ctypes
import sys

import numpy as np

lib = ctypes.CDLL(sys.argv[1])


def call(entry, *arrays):
    ptrs = (ctypes.c_void_p * len(arrays))(*[a.ctypes.data for a in arrays])
    f = getattr(lib, entry)
    f.restype = ctypes.c_int32
    return f(ptrs)


logits = np.arange(6, dtype=np.float32).reshape(2, 3)
for labels in ([1, 2], [1, 3], [-5, 0], [2147483647, 0]):
    y = np.array(labels, np.int32)
    out = np.full(2, np.nan, np.float32)
    rc = call("mpt_pick", logits, y, out)
    if rc == 0:
        want = logits[np.arange(2), y]
        assert (out == want).all(), (out, want)
        print(f"pick {labels}: 0, gathered ok")
    else:
        assert np.isnan(out).all(), out
        print(f"pick {labels}: {rc}, output untouched")

for labels in ([4, 0], [5, 0], [-1, 0]):
    y = np.array(labels, np.int64)
    out = np.full((2, 5), np.nan, np.float32)
    rc = call("mpt_onehot", y, out)
    if rc == 0:
        want = (np.arange(5)[None, :] == y[:, None]).astype(np.float32)
        assert (out == want).all(), (out, want)
        print(f"onehot {labels}: 0, one-hot ok")
    else:
        assert np.isnan(out).all(), out
        print(f"onehot {labels}: {rc}, output untouched")
