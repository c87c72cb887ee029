"""Runs kernels/cp_async.cu: a double-buffered cp.async pipeline with
src-size zero fill, and 4/8-byte and ignore-src copies."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from ptxemu_test import Runner, args, check_equal, finish

A = args()
R = Runner(A.emu, A.ptx, A.tmp)
rng = np.random.default_rng(9)
n, tiles = 1001, 3
src = rng.standard_normal(n).astype(np.float32)
(dst,) = R.run("pipelined_copy", (1, 1, 1), (128, 1, 1),
               [("in", src), ("out", "f32", (tiles * 512,)), ("i32", n),
                ("i32", tiles)])
ref = np.ones(tiles * 512, np.float32)
ref[:n] = 2 * src + 1
check_equal("cp.async.cg.pipeline+zero_fill", dst, ref)

src = (np.arange(64, dtype=np.uint32) * 3 + 1)
(out,) = R.run("small_copies", (1, 1, 1), (32, 1, 1),
               [("in", src), ("out", "u32", (128,))])
ref = np.concatenate([src[:32], src[:64],
                      np.where(np.arange(32) % 2 == 0, src[:32], 0)])
check_equal("cp.async.ca.4", out[:32], ref[:32])
check_equal("cp.async.ca.8", out[32:96], ref[32:96])
check_equal("cp.async.ignore-src", out[96:], ref[96:].astype(np.uint32))
finish()
