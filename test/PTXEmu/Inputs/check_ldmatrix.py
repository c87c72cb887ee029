"""Runs kernels/ldmatrix.cu: every .m8n8 ldmatrix form from scattered rows,
checked against the register layout the PTX ISA describes: for matrix j,
lane l receives elements (l/4, 2(l%4)) and (l/4, 2(l%4)+1) (low half first),
and with .trans elements (2(l%4), l/4) and (2(l%4)+1, l/4)."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from ptxemu_test import Runner, args, check_equal, finish

A = args()
R = Runner(A.emu, A.ptx, A.tmp)
rng = np.random.default_rng(5)
M = rng.permutation(65536)[:256].astype(np.uint16)
(out,) = R.run("ldmatrix_all", (1, 1, 1), (32, 1, 1),
               [("in", M), ("out", "u32", (6, 32, 4))])
mats = M.astype(np.uint32).reshape(4, 8, 8)
ref = np.full((6, 32, 4), 0xffffffff, dtype=np.uint32)  # unwritten: 0xff fill
for v, (num, trans) in enumerate([(1, False), (2, False), (4, False),
                                  (1, True), (2, True), (4, True)]):
    for lane in range(32):
        row, col = lane // 4, 2 * (lane % 4)
        for j in range(num):
            m = mats[j]
            lo, hi = (m[col, row], m[col + 1, row]) if trans else \
                (m[row, col], m[row, col + 1])
            ref[v, lane, j] = lo | (hi << 16)
names = ["x1", "x2", "x4", "x1.trans", "x2.trans", "x4.trans(generic)"]
for v in range(6):
    check_equal("ldmatrix." + names[v], out[v], ref[v])
finish()
