"""Runs kernels/reduce.cu on the PTX emulator: reductions with shuffles and
shared memory, warp collectives, atomics, divergent loops, bar.red. The
references are FP64 / exact integer computations in Python."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from ptxemu_test import Runner, args, check_close, check_equal, finish

A = args()
R = Runner(A.emu, A.ptx, A.tmp)
rng = np.random.default_rng(11)

# block_reduce_f32 ------------------------------------------------------------
n = 50000
x = rng.standard_normal(n).astype(np.float32)
(out,) = R.run("block_reduce_f32", (20, 1, 1), (256, 1, 1),
               [("in", x), ("inout", np.zeros(1, np.float32)), ("i32", n)])
ref = x.astype(np.float64).sum()
# f32 accumulation: a few hundred roundings of partial sums bounded by sum|x|
check_close("block_reduce_f32", out[0], ref, 1e-5 * np.abs(x).sum())

# block_minmax_i32 --------------------------------------------------------------
n = 3000
x = rng.integers(-10 ** 9, 10 ** 9, n).astype(np.int32)
(out,) = R.run("block_minmax_i32", ((n + 127) // 128, 1, 1), (128, 1, 1),
               [("in", x), ("inout", np.array([-2 ** 31, 2 ** 31 - 1],
                                               np.int32)), ("i32", n)])
check_equal("block_minmax_i32", out, np.array([x.max(), x.min()], np.int32))

# warp_collectives --------------------------------------------------------------
n = 256
x = rng.integers(-100, 100, n).astype(np.int32)
x[32:64] = np.abs(x[32:64]) + 1  # one warp where all are positive
(out,) = R.run("warp_collectives", (2, 1, 1), (128, 1, 1),
               [("in", x), ("out", "u32", (12, n)), ("i32", n)])
ref = np.zeros((12, n), dtype=np.int64)
for w in range(n // 32):
    v = x[32 * w: 32 * w + 32].astype(np.int64)
    p = v > 0
    ballot = sum(1 << l for l in range(32) if p[l])
    scan = np.cumsum(v)
    for l in range(32):
        i = 32 * w + l
        ref[0, i] = ballot
        ref[1, i] = int(p.all())
        ref[2, i] = int((v > 90).any())
        ref[3, i] = scan[l] & 0xffffffff
        ref[4, i] = v[(l * 7 + 3) & 31] & 0xffffffff
        ref[5, i] = (v[l + 3] if (l % 8) + 3 < 8 else v[l]) & 0xffffffff
        ref[6, i] = v[l ^ 5] & 0xffffffff
        ref[7, i] = sum(1 << k for k in range(32) if (v[k] & 3) == (v[l] & 3))
        ref[8, i] = int(v.sum()) & 0xffffffff
        ref[9, i] = int(v.max()) & 0xffffffff
        ref[10, i] = sum(1 << k for k in range(32) if k % 3 == 0) \
            if l % 3 == 0 else 0
        ref[11, i] = (v[l - 2] if (l % 16) >= 2 else v[l]) & 0xffffffff
names = ["ballot", "all", "any", "scan_shfl_up", "shfl_idx",
         "shfl_down_width8", "shfl_bfly_width16", "match_any", "redux_add",
         "redux_max", "activemask_divergent", "shfl_up_width16"]
for k, nm in enumerate(names):
    check_equal("warp." + nm, out[k], ref[k].astype(np.uint32))

# histogram64 --------------------------------------------------------------------
n = 10000
x = rng.integers(0, 1000, n).astype(np.int32)
(out,) = R.run("histogram64", (8, 1, 1), (128, 1, 1),
               [("in", x), ("inout", np.zeros(64, np.uint32)), ("i32", n)])
check_equal("histogram64", out,
            np.bincount(x & 63, minlength=64).astype(np.uint32))

# atomics_misc ---------------------------------------------------------------------
n = 1234
x = rng.integers(-500, 500, n).astype(np.int32)
acc, dacc, fmax, cnt = R.run(
    "atomics_misc", ((n + 127) // 128, 1, 1), (128, 1, 1),
    [("in", x), ("inout", np.zeros(2, np.int64)), ("inout", np.zeros(1)),
     ("inout", np.array([-np.inf], np.float32)),
     ("inout", np.zeros(2, np.uint32)), ("i32", n)])
check_equal("atom.add.u64", acc[0], np.int64(x.astype(np.int64).sum()))
check_equal("atom.max.u64", acc[1], np.int64(x.max() + 1000))
check_equal("atom.add.f64", dacc[0], x.astype(np.float64).sum() * 0.5)
check_equal("atom.cas(f32 max)", fmax[0], np.float32(x.max() * 0.25))
check_equal("atom.inc.u32", cnt[0], np.uint32(n % 100))
check_equal("atom.exch", cnt[1], np.uint32(7))

# divergent_loops --------------------------------------------------------------------
n = 256
counts = rng.integers(0, 40, n).astype(np.int32)
(out,) = R.run("divergent_loops", (2, 1, 1), (128, 1, 1),
               [("in", counts), ("out", "i32", (2, n)), ("i32", n)])


def cdiv(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


accs = []
for i in range(n):
    c = int(counts[i])
    acc = 0
    for k in range(c):
        if k % 3 == 0:
            continue
        acc += k * (i + 1)
        if acc > 5000:
            break
    if c & 1:
        for k in range(c):
            acc ^= k << (k & 7)
    elif c % 4 == 2:
        acc = -acc
    else:
        while acc > 100:
            acc = cdiv(acc, 3)
    accs.append(acc)
second = []
for i in range(n):
    w = i // 32
    ones = sum(accs[32 * w + l] & 1 for l in range(32))
    second.append(accs[i ^ 1] + ones)
check_equal("divergent_loops", out[0], np.array(accs, np.int32))
check_equal("divergent_loops.reconverged_collectives", out[1],
            np.array(second, np.int32))

# sync_count (bar.red) ------------------------------------------------------------------
x = rng.integers(-100, 100, 512).astype(np.int32)
x[256:384] = np.abs(x[256:384]) + 1
(out,) = R.run("sync_count", (4, 1, 1), (128, 1, 1),
               [("in", x), ("out", "i32", (4, 3))])
ref = []
for b in range(4):
    v = x[128 * b: 128 * b + 128]
    ref.append([int((v > 0).sum()), int((v > 0).all()), int((v > 95).any())])
check_equal("bar.red.popc/and/or", out, np.array(ref, np.int32))
finish()
