"""Fixtures for bad-input.test: data directories and damaged files."""
import os
import sys

import numpy as np

t = sys.argv[1]


def save(path, array):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)


x = np.arange(24, dtype=np.float32).reshape(6, 4) / 16
save(f"{t}/good/train/x.npy", x)
save(f"{t}/good/test/x.npy", x)
os.makedirs(f"{t}/nox/train", exist_ok=True)
save(f"{t}/shape/train/x.npy", np.zeros((6, 5), np.float32))
save(f"{t}/rank/train/x.npy", np.zeros((6,), np.float32))
save(f"{t}/dtype/train/x.npy", x.astype(np.float64))
save(f"{t}/few/train/x.npy", x[:1])
save(f"{t}/notest/train/x.npy", x)
os.makedirs(f"{t}/garbage/train", exist_ok=True)
open(f"{t}/garbage/train/x.npy", "wb").write(b"not numpy at all")
save(f"{t}/fortran/train/x.npy", np.asfortranarray(x))
os.makedirs(f"{t}/short/train", exist_ok=True)
with open(f"{t}/short/train/x.npy", "wb") as f:
    f.write(open(f"{t}/good/train/x.npy", "rb").read()[:-5])
# Labels and samples of different lengths (linear.mpt: x [32, 8, 8, 1], y [32]).
save(f"{t}/counts/train/x.npy", np.zeros((40, 8, 8, 1), np.float32))
save(f"{t}/counts/train/y.npy", np.zeros((39,), np.int32))
save(f"{t}/int64/train/x.npy", np.zeros((40, 8, 8, 1), np.float32))
save(f"{t}/int64/train/y.npy", np.zeros((40,), np.int64))
save(f"{t}/bad/train/x.npy", np.array([[1, 2, 3, 4], [5, 6, 7, 8], [-12345, 0, 0, 0], [0, 0, 0, 0]], np.float32))

art = open(f"{t}/sgd.mpt", "rb").read()
newer = bytearray(art)
newer[8] = 2  # format version 2
open(f"{t}/newer.mpt", "wb").write(newer)
corrupt = bytearray(art)
corrupt[len(art) // 2] ^= 0x40
open(f"{t}/corrupt.mpt", "wb").write(corrupt)
open(f"{t}/truncated.mpt", "wb").write(art[: len(art) - 100])

ckpt = open(f"{t}/good.ckpt", "rb").read()
bad = bytearray(ckpt)
bad[60] ^= 0x01
open(f"{t}/corrupt.ckpt", "wb").write(bad)
open(f"{t}/truncated.ckpt", "wb").write(ckpt[:-9])


def reseal(c):
    """Fixes the size and the CRC-32 of an edited checkpoint."""
    import struct
    import zlib
    c = bytearray(c)
    c[16:24] = struct.pack("<Q", len(c))
    c[-8:-4] = struct.pack("<I", zlib.crc32(bytes(c[:-8])))
    return bytes(c)


import struct  # noqa: E402

open(f"{t}/extra.ckpt", "wb").write(reseal(ckpt[:-8] + b"GARBAGE!" + ckpt[-8:]))
at_max = bytearray(ckpt)
at_max[24:32] = struct.pack("<Q", 2**64 - 1)
open(f"{t}/maxstep.ckpt", "wb").write(reseal(at_max))
near_max = bytearray(ckpt)
near_max[24:32] = struct.pack("<Q", 2**64 - 2)
open(f"{t}/nearmax.ckpt", "wb").write(reseal(near_max))
