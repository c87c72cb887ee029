"""Runs the PTX of kernels/mlir_kernels.mlir (MLIR gpu/nvgpu -> stock NVVM
pipeline): a cp.async -> ldmatrix -> mma.sync tile with memref-descriptor
parameters, compared with an FP64 product; and the same kernel with MLIR's
default 2-byte-aligned workgroup buffers, which must be reported."""

import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from ptxemu_test import Runner, args, check_close, fail, finish, ok

A = args()
R = Runner(A.emu, A.ptx, A.tmp)
rng = np.random.default_rng(17)


def memref(kind, arr_or_spec, shape):
    """The 3 + 2 * rank descriptor arguments of a memref: allocated pointer
    (unused by the kernel: null), aligned pointer, offset, sizes, strides."""
    strides = [int(np.prod(shape[i + 1:])) for i in range(len(shape))]
    return ([("null",), (kind,) + arr_or_spec, ("i64", 0)] +
            [("i64", s) for s in shape] + [("i64", s) for s in strides])


Ah = rng.standard_normal((16, 16)).astype(np.float16)
Bh = rng.standard_normal((16, 8)).astype(np.float16)
argv = (memref("in", (Ah,), (16, 16)) + memref("in", (Bh,), (16, 8)) +
        memref("out", ("f32", (16, 8)), (16, 8)))
argv = [a if len(a) > 1 else ("null", "") for a in argv]
(D,) = R.run("mma_tile", (1, 1, 1), (32, 1, 1), argv)
Ae, Be = Ah.astype(np.float64), Bh.astype(np.float64)
check_close("mlir.mma_tile", D, Ae @ Be,
            18 * 2.0 ** -24 * (np.abs(Ae) @ np.abs(Be)))

# The default-aligned variant: the emulator must stop at the first 16-byte
# access of a buffer declared with .align 2.
cmd = [A.emu, A.ptx, "--kernel", "mma_tile_default_align", "--grid", "1",
       "--block", "32"]
for i in range(21):
    cmd += ["--arg", "null"]
p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                   text=True)
if p.returncode != 0 and "misaligned shared address" in p.stderr and \
        "this access needs 16-byte alignment" in p.stderr:
    ok("mlir.default_alignment_reported")
else:
    fail("mlir.default_alignment_reported", p.stderr or p.stdout)
finish()
