"""Runs kernels/mma.cu on the PTX emulator: single mma.sync operations fed
from the ISA fragment layouts, and the tiled ldmatrix + cp.async + mma.sync
GEMM, compared with FP64 numpy products. Tolerances follow the input
precision: the f16/bf16 products are exact, so the error bound is that of
f32 (or f16) accumulation."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from ptxemu_test import (BF16, F16, Runner, args, bits_value, check_close,
                         finish, round_bits)

A = args()
R = Runner(A.emu, A.ptx, A.tmp)
rng = np.random.default_rng(3)


def quantize(vals, fmt):
    """Random values rounded to fmt: (bits as uint16, exact f64 values)."""
    bits = np.array([round_bits(float(v), fmt) for v in vals.ravel()],
                    dtype=np.uint16).reshape(vals.shape)
    exact = np.array([float(bits_value(int(b), fmt)) for b in bits.ravel()]
                     ).reshape(vals.shape)
    return bits, exact


def accum_tol(Ae, Be, Ce, unit):
    """Bound for a sum of K exact products plus C rounded with relative unit
    `unit` per accumulation step (generous: K + 2 roundings)."""
    K = Ae.shape[1]
    mag = np.abs(Ae) @ np.abs(Be) + np.abs(Ce)
    return (K + 2) * unit * mag + 1e-30


for kernel, fmt, K, name in [("mma_m16n8k16_f16", F16, 16, "f16.k16"),
                             ("mma_m16n8k16_bf16", BF16, 16, "bf16.k16"),
                             ("mma_m16n8k8_f16", F16, 8, "f16.k8"),
                             ("mma_m16n8k8_bf16", BF16, 8, "bf16.k8")]:
    Ab, Ae = quantize(rng.standard_normal((16, K)) * 2, fmt)
    Bb, Be = quantize(rng.standard_normal((K, 8)) * 2, fmt)
    C = (rng.standard_normal((16, 8)) * 4).astype(np.float32)
    (D,) = R.run(kernel, (1, 1, 1), (32, 1, 1),
                 [("in", Ab), ("in", Bb), ("in", C), ("out", "f32", (16, 8))])
    Ce = C.astype(np.float64)
    ref = Ae @ Be + Ce
    check_close("mma.%s" % name, D, ref, accum_tol(Ae, Be, Ce, 2.0 ** -24))

# f16 accumulators
Ab, Ae = quantize(rng.standard_normal((16, 16)), F16)
Bb, Be = quantize(rng.standard_normal((16, 8)), F16)
Cb, Ce = quantize(rng.standard_normal((16, 8)), F16)
(D,) = R.run("mma_m16n8k16_f16_f16acc", (1, 1, 1), (32, 1, 1),
             [("in", Ab), ("in", Bb), ("in", Cb), ("out", "u16", (16, 8))])
ref = Ae @ Be + Ce
check_close("mma.f16.k16.f16acc", D.view(np.float16).astype(np.float64), ref,
            accum_tol(Ae, Be, Ce, 2.0 ** -11))

# Tiled GEMM ---------------------------------------------------------------------
for kernel, fmt, (M, N, K) in [("gemm_f16", F16, (256, 128, 96)),
                               ("gemm_bf16", BF16, (128, 256, 64)),
                               ("gemm_f16", F16, (256, 256, 256))]:
    if fmt == F16:
        Ae = rng.standard_normal((M, K)).astype(np.float16)
        Be = rng.standard_normal((K, N)).astype(np.float16)
        Ab, Bb = Ae.view(np.uint16), Be.view(np.uint16)
        Ae, Be = Ae.astype(np.float64), Be.astype(np.float64)
    else:
        Ab, Ae = quantize(rng.standard_normal((M, K)), fmt)
        Bb, Be = quantize(rng.standard_normal((K, N)), fmt)
    (Cm,) = R.run(kernel, (N // 128, M // 128, 1), (256, 1, 1),
                  [("in", Ab), ("in", Bb), ("out", "f32", (M, N)),
                   ("i32", M), ("i32", N), ("i32", K)])
    ref = Ae @ Be
    check_close("%s.%dx%dx%d" % (kernel, M, N, K), Cm, ref,
                accum_tol(Ae, Be, np.zeros_like(ref), 2.0 ** -24))
    print("STATS", R.last_stdout.strip())
finish()
