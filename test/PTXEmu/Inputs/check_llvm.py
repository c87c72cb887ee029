"""Runs the LLVM-generated PTX (kernels/llvm_kernels.ll through llc's NVPTX
backend) on the emulator: a grid-stride loop with divergent trip counts, a
shuffle + shared-memory block sum, and a cp.async -> ldmatrix -> mma.sync
tile."""

import os
import sys
from fractions import Fraction

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from ptxemu_test import (F32, Runner, args, check_bits, check_close, finish,
                         is_nan_bits, round_bits)

A = args()
R = Runner(A.emu, A.ptx, A.tmp)
rng = np.random.default_rng(13)

n = 3001
x = rng.standard_normal(n).astype(np.float32)
y = rng.standard_normal(n).astype(np.float32)
# 4 blocks x 96 threads: 384 threads run 7 or 8 iterations each.
(got,) = R.run("llvm_saxpy_loop", (4, 1, 1), (96, 1, 1),
               [("in", x), ("inout", y.copy()), ("f32", "1.25"), ("i32", n)])
check_bits("llvm.saxpy_loop", got.view(np.uint32),
           np.array([round_bits(Fraction(5, 4) * Fraction(float(p)) +
                                Fraction(float(q)), F32)
                     for p, q in zip(x, y)], dtype=np.uint64),
           is_nan_bits(F32))

n = 10000
x = rng.standard_normal(n).astype(np.float32)
blocks, threads = 6, 128
(out,) = R.run("llvm_block_sum", (blocks, 1, 1), (threads, 1, 1),
               [("in", x), ("out", "f32", (blocks,)), ("i32", n)])
ref = np.zeros(blocks)
for b in range(blocks):
    for t in range(threads):
        ref[b] += x[b * threads + t:: blocks * threads].astype(np.float64).sum()
check_close("llvm.block_sum", out, ref, 1e-5 * np.abs(x).sum() / blocks)

Ah = rng.standard_normal((16, 16)).astype(np.float16)
Bh = rng.standard_normal((16, 8)).astype(np.float16)
(D,) = R.run("llvm_mma_tile", (1, 1, 1), (32, 1, 1),
             [("in", Ah), ("in", Bh), ("out", "f32", (16, 8))])
Ae, Be = Ah.astype(np.float64), Bh.astype(np.float64)
check_close("llvm.mma_tile", D, Ae @ Be, 18 * 2.0 ** -24 * (np.abs(Ae) @
                                                             np.abs(Be)))
finish()
