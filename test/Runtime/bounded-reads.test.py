"""Fixtures of bounded-reads.test: an artifact, a checkpoint and a .npy file
whose headers are valid but which are sparse 4 GiB files."""
import os
import sys

import numpy as np

t = sys.argv[1]
size = 4 << 30


def sparse(src, dst):
    with open(dst, "wb") as f:
        f.write(open(src, "rb").read())
        f.truncate(size)


sparse(f"{t}/sgd.mpt", f"{t}/long.mpt")
sparse(f"{t}/good.ckpt", f"{t}/long.ckpt")
np.save(f"{t}/x.npy", np.ones((6, 4), np.float32))  # 128 + 96 bytes
sparse(f"{t}/x.npy", f"{t}/long/train/x.npy")
