#!/usr/bin/env python3
"""GPU kernel benchmark: mpt's contraction kernels against cuBLAS and cuDNN.

Every kernel family a mixed-precision training step contains, at the sizes
that matter (GEMM 4096^3; the forward and backward matmuls of a 4096-wide
MLP; attention-shaped batched matmuls; ResNet-50's convolutions at batch 64:
forward with bias and ReLU fused, data gradient, weight gradient), written
as plain MLIR functions of bf16 tensors in the forms the frontend and the
mixed-precision passes produce (f32 accumulation, one rounding of the
result), compiled with `mpt-compile --target=cuda`, run with `mpt-run --call
--repeat --warmup` (the device's CUDA-event timer), checked against an
independent float64 reference on the same inputs, and timed side by side
with PyTorch's cuBLAS/cuDNN call for the same product on the same GPU, in
the same dtypes, warmed up and timed per call with CUDA events the same way.

Two halves, because the GPU machine has no LLVM/MLIR:

  # here, after building: MLIR, artifacts, the small cases' inputs and
  # float64 references (numpy), a manifest
  python3 bench/gpu_kernels.py prepare --out DIR [--sizes bench|dry] [--sm 90]

  # on the GPU machine (python3 with numpy and PyTorch, the carried
  # mpt-run): inputs from seeds, references in float64 with PyTorch on the
  # GPU, mpt and PyTorch timed in one process, results as JSON
  python3 bench/gpu_kernels.py run --from DIR --out RESULTS.json [--device cuda]

`scripts/device-check.sh` runs both (docs/gpu.md, "Running the device
check"). `--sizes dry` makes tiny versions of the same cases that
`--device=cuda-emu` runs in CI (references with numpy, no baseline).

The ratio reported is baseline time / mpt time (1.0: as fast as cuBLAS or
cuDNN; the targets are 0.65 for the 4096^3 GEMM and 0.80 for the fused
convolutions).
"""

import argparse
import json
import os
import subprocess
import sys
import time
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

GEMM_TARGET = 0.65  # GEMM 4096^3 bf16: at least 65% of cuBLAS's speed
CONV_TARGET = 0.80  # fused conv-bias-ReLU: at least 80% of cuDNN's

# ResNet-50 (v1.5) convolutions at 224x224: (name, H=W of the input, C, F,
# kernel, stride). Padding is kernel // 2.
RESNET50_FPROP = [
    ("conv1_7x7s2", 224, 3, 64, 7, 2),
    ("conv2_1x1_64_64", 56, 64, 64, 1, 1),
    ("conv2_3x3_64", 56, 64, 64, 3, 1),
    ("conv2_1x1_64_256", 56, 64, 256, 1, 1),
    ("conv3_3x3s2_128", 56, 128, 128, 3, 2),
    ("conv3_3x3_128", 28, 128, 128, 3, 1),
    ("conv4_3x3_256", 14, 256, 256, 3, 1),
    ("conv4_1x1_256_1024", 14, 256, 1024, 1, 1),
    ("conv5_3x3_512", 7, 512, 512, 3, 1),
    ("conv5_1x1_512_2048", 7, 512, 2048, 1, 1),
]
RESNET50_BACKWARD = [
    ("conv2_3x3_64", 56, 64, 64, 3, 1),
    ("conv3_3x3_128", 28, 128, 128, 3, 1),
    ("conv4_3x3_256", 14, 256, 256, 3, 1),
    ("conv4_1x1_1024_256", 14, 1024, 256, 1, 1),
    ("conv5_3x3_512", 7, 512, 512, 3, 1),
]


def gemm(name, layout, M, N, K, dtype="bf16", epilogue=None, target=None,
         batch=0):
    return {"name": name, "kind": "bmm" if batch else "gemm",
            "layout": layout, "M": M, "N": N, "K": K, "batch": batch,
            "dtype": dtype, "epilogue": epilogue, "target": target}


def conv(name, kind, N, H, C, F, k, s, dtype="bf16", target=None, pad=None,
         dil=1, W=None):
    return {"name": name, "kind": kind, "N": N, "H": H, "W": W or H, "C": C,
            "F": F, "kh": k, "kw": k, "stride": s, "dil": dil,
            "pad": k // 2 if pad is None else pad, "dtype": dtype,
            "target": target}


def bench_cases():
    """The benchmark sizes (timed on the GPU), the cases with targets first:
    when the device check's time runs short, what it leaves out is last."""
    cases = [gemm("gemm_4096_nn", "nn", 4096, 4096, 4096, target=GEMM_TARGET)]
    for name, hw, c, f, k, s in RESNET50_FPROP:
        cases.append(conv(f"rn50_{name}_fprop", "conv_fprop", 64, hw, c, f, k,
                          s, target=CONV_TARGET))
    cases += [
        # A 4096-wide MLP layer with 4096 rows: forward with its fused bias
        # and ReLU, then the backward products dX = dY W^T and dW = X^T dY.
        gemm("mlp4096_fwd_bias_relu", "nn", 4096, 4096, 4096,
             epilogue="bias_relu"),
        gemm("mlp4096_dgrad_nt", "nt", 4096, 4096, 4096),
        gemm("mlp4096_wgrad_tn", "tn", 4096, 4096, 4096),
        # Attention-shaped batched products (64 heads x 1024 tokens, d=64).
        gemm("bmm_qk_nt", "nt", 1024, 1024, 64, batch=64),
        gemm("bmm_pv_nn", "nn", 1024, 64, 1024, batch=64),
    ]
    for name, hw, c, f, k, s in RESNET50_BACKWARD:
        cases.append(conv(f"rn50_{name}_dgrad", "conv_dgrad", 64, hw, c, f, k,
                          s))
        cases.append(conv(f"rn50_{name}_wgrad", "conv_wgrad", 64, hw, c, f, k,
                          s))
    for c in cases:
        c["group"] = "bench"
    return cases


def dry_cases():
    """The same families at tiny sizes: what cuda-emu runs in CI."""
    cases = [
        gemm("gemm_nn", "nn", 48, 40, 64, target=GEMM_TARGET),
        gemm("mlp_fwd_bias_relu", "nn", 32, 24, 40, epilogue="bias_relu"),
        gemm("mlp_dgrad_nt", "nt", 32, 24, 40),
        gemm("mlp_wgrad_tn", "tn", 32, 24, 40),
        gemm("bmm_qk_nt", "nt", 16, 16, 8, batch=2),
        gemm("bmm_pv_nn", "nn", 16, 8, 16, batch=2),
        conv("conv_7x7s2_fprop", "conv_fprop", 2, 12, 3, 8, 7, 2,
             target=CONV_TARGET),
        conv("conv_3x3_fprop", "conv_fprop", 2, 6, 8, 8, 3, 1,
             target=CONV_TARGET),
        conv("conv_3x3_dgrad", "conv_dgrad", 2, 6, 8, 8, 3, 1),
        conv("conv_3x3s2_dgrad", "conv_dgrad", 2, 7, 8, 4, 3, 2),
        conv("conv_3x3_wgrad", "conv_wgrad", 2, 6, 8, 8, 3, 1),
        conv("conv_1x1s2_wgrad", "conv_wgrad", 2, 6, 8, 4, 1, 2),
    ]
    for c in cases:
        c["group"] = "bench"
    return cases


def check_cases(dtypes=("bf16", "f16")):
    """Small, odd sizes of every family for correctness only: no dimension
    a multiple of a tile, so predication and zero-fill are exercised. Their
    inputs and float64 references are made here and carried."""
    cases = []
    for dt in dtypes:
        cases += [
            gemm(f"odd_gemm_nn_{dt}", "nn", 33, 257, 7, dt),
            gemm(f"odd_gemm_nt_{dt}", "nt", 10, 3, 129, dt),
            gemm(f"odd_gemm_tn_{dt}", "tn", 65, 17, 33, dt),
            gemm(f"odd_gemm_bias_relu_{dt}", "nn", 1, 130, 47, dt,
                 epilogue="bias_relu"),
            gemm(f"odd_bmm_nt_{dt}", "nt", 17, 9, 31, dt, batch=3),
            conv(f"odd_conv_fprop_{dt}", "conv_fprop", 3, 9, 5, 7, 3, 2, dt,
                 W=11),
            conv(f"odd_conv_fprop_dil_{dt}", "conv_fprop", 2, 10, 3, 9, 3, 1,
                 dt, pad=2, dil=2),
            conv(f"odd_conv_dgrad_{dt}", "conv_dgrad", 2, 7, 3, 5, 3, 2, dt),
            conv(f"odd_conv_wgrad_{dt}", "conv_wgrad", 3, 9, 5, 3, 3, 2, dt,
                 W=6),
        ]
    for c in cases:
        c["group"] = "check"
    return cases


def conv_out(c):
    """(OH, OW, padded H, padded W) of a convolution case."""
    hp, wp = c["H"] + 2 * c["pad"], c["W"] + 2 * c["pad"]
    oh = (hp - c["dil"] * (c["kh"] - 1) - 1) // c["stride"] + 1
    ow = (wp - c["dil"] * (c["kw"] - 1) - 1) // c["stride"] + 1
    return oh, ow, hp, wp


def signature(c):
    """[(arg name, shape, dtype)] of the arguments and (shape, dtype) of the
    result, in the function's order."""
    dt = c["dtype"]
    if c["kind"] in ("gemm", "bmm"):
        M, N, K = c["M"], c["N"], c["K"]
        bs = (c["batch"],) if c["batch"] else ()
        a = bs + ((M, K) if c["layout"][0] == "n" else (K, M))
        b = bs + ((K, N) if c["layout"][1] == "n" else (N, K))
        args = [("a", a, dt), ("b", b, dt)]
        if c["epilogue"] == "bias_relu":
            args.append(("bias", (N,), "f32"))
        return args, (bs + (M, N), dt)
    oh, ow, hp, wp = conv_out(c)
    n, C, F = c["N"], c["C"], c["F"]
    x = (n, c["H"], c["W"], C)
    w = (c["kh"], c["kw"], C, F)
    dy = (n, oh, ow, F)
    if c["kind"] == "conv_fprop":
        return [("x", x, dt), ("w", w, dt), ("bias", (F,), "f32")], (dy, dt)
    if c["kind"] == "conv_dgrad":
        return [("dy", dy, dt), ("w", w, dt)], (x, dt)
    # The weight gradient reads the forward's padded input, as the step does.
    return [("x_padded", (n, hp, wp, C), dt), ("dy", dy, dt)], (w, dt)


def flops(c):
    if c["kind"] in ("gemm", "bmm"):
        return 2 * max(c["batch"], 1) * c["M"] * c["N"] * c["K"]
    oh, ow, _, _ = conv_out(c)
    return 2 * c["N"] * oh * ow * c["F"] * c["C"] * c["kh"] * c["kw"]


def shape_text(c):
    if c["kind"] in ("gemm", "bmm"):
        b = f"{c['batch']}x" if c["batch"] else ""
        return f"{b}{c['M']}x{c['N']}x{c['K']} {c['layout'].upper()}"
    oh, ow, _, _ = conv_out(c)
    return (f"N{c['N']} {c['H']}x{c['W']}x{c['C']}->{oh}x{ow}x{c['F']} "
            f"k{c['kh']} s{c['stride']}" +
            (f" d{c['dil']}" if c["dil"] != 1 else ""))


# ---------------------------------------------------------------------------
# MLIR (plain functions of tensors; arguments arg0, arg1, ... in order)
# ---------------------------------------------------------------------------


def ttype(shape, dt):
    return "tensor<" + "".join(f"{d}x" for d in shape) + dt + ">"


def amap(n, results):
    dims = ", ".join(f"d{i}" for i in range(n))
    return f"affine_map<({dims}) -> ({', '.join(results)})>"


class Body:
    def __init__(self):
        self.lines = []
        self.n = 0

    def __call__(self, text):
        self.lines.append("  " + text)

    def fresh(self, stem="v"):
        self.n += 1
        return f"%{stem}{self.n}"


def mlir_zero_acc(b, shape):
    e, f = b.fresh("e"), b.fresh("acc")
    b(f"{e} = tensor.empty() : {ttype(shape, 'f32')}")
    b(f"{f} = linalg.fill ins(%zf : f32) outs({e} : {ttype(shape, 'f32')}) "
      f"-> {ttype(shape, 'f32')}")
    return f


def mlir_transpose(b, v, shape, dt, perm):
    out_shape = tuple(shape[p] for p in perm)
    e, r = b.fresh("e"), b.fresh("t")
    b(f"{e} = tensor.empty() : {ttype(out_shape, dt)}")
    b(f"{r} = linalg.transpose ins({v} : {ttype(shape, dt)}) outs({e} : "
      f"{ttype(out_shape, dt)}) permutation = [{', '.join(map(str, perm))}]")
    return r, out_shape


def mlir_epilogue(b, acc, shape, dt, bias=None):
    """The consumer of the f32 accumulator: (+ bias, ReLU,) one rounding."""
    rank = len(shape)
    ident = amap(rank, [f"d{i}" for i in range(rank)])
    e, r = b.fresh("e"), b.fresh("y")
    b(f"{e} = tensor.empty() : {ttype(shape, dt)}")
    par = ", ".join(['"parallel"'] * rank)
    if bias is None:
        b(f"{r} = linalg.generic {{indexing_maps = [{ident}, {ident}], "
          f"iterator_types = [{par}]}} ins({acc} : {ttype(shape, 'f32')}) "
          f"outs({e} : {ttype(shape, dt)}) {{")
        b(f"^bb0(%in: f32, %o: {dt}):")
        b(f"  %r = arith.truncf %in : f32 to {dt}")
        b(f"  linalg.yield %r : {dt}")
    else:
        last = amap(rank, [f"d{rank - 1}"])
        b(f"{r} = linalg.generic {{indexing_maps = [{ident}, {last}, {ident}],"
          f" iterator_types = [{par}]}} ins({acc}, {bias} : "
          f"{ttype(shape, 'f32')}, {ttype(shape[-1:], 'f32')}) outs({e} : "
          f"{ttype(shape, dt)}) {{")
        b(f"^bb0(%in: f32, %bv: f32, %o: {dt}):")
        b("  %s = arith.addf %in, %bv : f32")
        b("  %m = arith.maximumf %s, %zf : f32")
        b(f"  %r = arith.truncf %m : f32 to {dt}")
        b(f"  linalg.yield %r : {dt}")
    b(f"}} -> {ttype(shape, dt)}")
    return r


def mac_generic(b, maps, iters, ins, out, out_shape):
    """A contraction as linalg.generic with the frontend's body (operands
    extended to f32, multiply, add to the accumulator)."""
    (x, xt), (y, yt) = ins
    r = b.fresh("c")
    its = ", ".join(f'"{i}"' for i in iters)
    ft = ttype(out_shape, "f32")
    b(f"{r} = linalg.generic {{indexing_maps = [{', '.join(maps)}], "
      f"iterator_types = [{its}]}} ins({x}, {y} : {xt}, {yt}) outs({out} : "
      f"{ft}) {{")
    et = xt.split("x")[-1].rstrip(">")
    b(f"^bb0(%a: {et}, %b: {et}, %acc: f32):")
    b(f"  %xa = arith.extf %a : {et} to f32")
    b(f"  %xb = arith.extf %b : {et} to f32")
    b("  %p = arith.mulf %xa, %xb : f32")
    b("  %s = arith.addf %acc, %p : f32")
    b("  linalg.yield %s : f32")
    b(f"}} -> {ft}")
    return r


def pad_nhwc(b, v, shape, dt, low, high, stride=(1, 1)):
    """Zero padding of H and W (strided: the data gradient's dilation)."""
    n, h, w, c = shape
    oh = low[0] + (h - 1) * stride[0] + 1 + high[0]
    ow = low[1] + (w - 1) * stride[1] + 1 + high[1]
    out = (n, oh, ow, c)
    r = b.fresh("pad")
    if stride == (1, 1):
        b(f"{r} = tensor.pad {v} low[0, {low[0]}, {low[1]}, 0] high[0, "
          f"{high[0]}, {high[1]}, 0] {{")
        b("^bb0(%i0: index, %i1: index, %i2: index, %i3: index):")
        b(f"  tensor.yield %z{dt} : {dt}")
        b(f"}} : {ttype(shape, dt)} to {ttype(out, dt)}")
        return r, out
    e, f = b.fresh("e"), b.fresh("zeros")
    b(f"{e} = tensor.empty() : {ttype(out, dt)}")
    b(f"{f} = linalg.fill ins(%z{dt} : {dt}) outs({e} : {ttype(out, dt)}) -> "
      f"{ttype(out, dt)}")
    b(f"{r} = tensor.insert_slice {v} into {f}[0, {low[0]}, {low[1]}, 0] "
      f"[{n}, {h}, {w}, {c}] [1, {stride[0]}, {stride[1]}, 1] : "
      f"{ttype(shape, dt)} into {ttype(out, dt)}")
    return r, out


def function_mlir(c):
    """The case as `func.func @<name>` on tensors."""
    args, (rshape, rdt) = signature(c)
    dt = c["dtype"]
    b = Body()
    b("%zf = arith.constant 0.000000e+00 : f32")
    b(f"%z{dt} = arith.constant 0.000000e+00 : {dt}")
    names = {a[0]: f"%arg{i}" for i, a in enumerate(args)}
    shapes = {a[0]: a[1] for a in args}
    if c["kind"] in ("gemm", "bmm"):
        batched = bool(c["batch"])
        a, ash = names["a"], shapes["a"]
        bb, bsh = names["b"], shapes["b"]
        perm = (0, 2, 1) if batched else (1, 0)
        # The backward forms as the frontend spells them: a transpose, then
        # the product (the lowering may fold the transpose into its loads).
        if c["layout"][0] == "t":
            a, ash = mlir_transpose(b, a, ash, dt, perm)
        if c["layout"][1] == "t":
            bb, bsh = mlir_transpose(b, bb, bsh, dt, perm)
        acc = mlir_zero_acc(b, rshape)
        op = "linalg.batch_matmul" if batched else "linalg.matmul"
        p = b.fresh("c")
        b(f"{p} = {op} ins({a}, {bb} : {ttype(ash, dt)}, {ttype(bsh, dt)}) "
          f"outs({acc} : {ttype(rshape, 'f32')}) -> {ttype(rshape, 'f32')}")
        y = mlir_epilogue(b, p, rshape, dt, names.get("bias"))
    elif c["kind"] == "conv_fprop":
        p, d, s = c["pad"], c["dil"], c["stride"]
        x, xs = names["x"], shapes["x"]
        if p:
            x, xs = pad_nhwc(b, x, xs, dt, (p, p), (p, p))
        acc = mlir_zero_acc(b, rshape)
        r = b.fresh("c")
        b(f"{r} = linalg.conv_2d_nhwc_hwcf {{dilations = dense<{d}> : "
          f"tensor<2xi64>, strides = dense<{s}> : tensor<2xi64>}} ins({x}, "
          f"{names['w']} : {ttype(xs, dt)}, {ttype(shapes['w'], dt)}) "
          f"outs({acc} : {ttype(rshape, 'f32')}) -> {ttype(rshape, 'f32')}")
        y = mlir_epilogue(b, r, rshape, dt, names["bias"])
    elif c["kind"] == "conv_dgrad":
        # The frontend's data gradient: dy dilated by the stride and padded
        # by (k-1)*d, a stride-1 correlation with the flipped filter over
        # the padded input's extent, then the padding sliced off.
        oh, ow, hp, wp = conv_out(c)
        kh, kw, d, s = c["kh"], c["kw"], c["dil"], c["stride"]
        lo = ((kh - 1) * d, (kw - 1) * d)
        hi = (hp + (kh - 1) * d - lo[0] - ((oh - 1) * s + 1),
              wp + (kw - 1) * d - lo[1] - ((ow - 1) * s + 1))
        z, zs = pad_nhwc(b, names["dy"], shapes["dy"], dt, lo, hi, (s, s))
        full = (c["N"], hp, wp, c["C"])
        acc = mlir_zero_acc(b, full)
        # loops (n, h, w, c | kh, kw, f) = d0..d6
        zmap = amap(7, ["d0", f"d1 - d4 * {d} + {(kh - 1) * d}",
                        f"d2 - d5 * {d} + {(kw - 1) * d}", "d6"])
        kmap = amap(7, ["d4", "d5", "d3", "d6"])
        omap = amap(7, ["d0", "d1", "d2", "d3"])
        g = mac_generic(b, [zmap, kmap, omap], ["parallel"] * 4 +
                        ["reduction"] * 3, [(z, ttype(zs, dt)),
                                            (names["w"],
                                             ttype(shapes["w"], dt))],
                        acc, full)
        if c["pad"]:
            sl = b.fresh("s")
            p = c["pad"]
            b(f"{sl} = tensor.extract_slice {g}[0, {p}, {p}, 0] "
              f"[{', '.join(map(str, rshape))}] [1, 1, 1, 1] : "
              f"{ttype(full, 'f32')} to {ttype(rshape, 'f32')}")
            g = sl
        y = mlir_epilogue(b, g, rshape, dt)
    else:  # conv_wgrad
        d, s = c["dil"], c["stride"]
        acc = mlir_zero_acc(b, rshape)
        # loops (kh, kw, c, f | n, oh, ow) = d0..d6
        xmap = amap(7, ["d4", f"d5 * {s} + d0 * {d}", f"d6 * {s} + d1 * {d}",
                        "d2"])
        dymap = amap(7, ["d4", "d5", "d6", "d3"])
        omap = amap(7, ["d0", "d1", "d2", "d3"])
        g = mac_generic(b, [xmap, dymap, omap], ["parallel"] * 4 +
                        ["reduction"] * 3,
                        [(names["x_padded"], ttype(shapes["x_padded"], dt)),
                         (names["dy"], ttype(shapes["dy"], dt))], acc, rshape)
        y = mlir_epilogue(b, g, rshape, dt)
    params = ", ".join(f"%arg{i}: {ttype(s, t)}"
                       for i, (_, s, t) in enumerate(args))
    lines = [f"func.func @{c['name']}({params}) -> {ttype(rshape, rdt)} {{"]
    lines += b.lines
    lines += [f"  return {y} : {ttype(rshape, rdt)}", "}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Data: inputs from seeds, bf16/f16 as the runtime's .npy files hold them
# ---------------------------------------------------------------------------


def to_bf16_bits(x32):
    """float32 -> bf16 bits (uint16), round to nearest even (finite x)."""
    u = np.ascontiguousarray(x32, dtype=np.float32).view(np.uint32)
    u = u.astype(np.uint64)
    r = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return r.astype(np.uint16)


def from_bits(a, dt):
    """An array as read from the runtime's .npy (bf16 as uint16 bits) ->
    float64."""
    if dt == "bf16":
        return (a.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return a.astype(np.float64)


def make_input(case, arg, shape, dt):
    """Standard normal values from a seed of the case and argument, rounded
    to `dt`, in the runtime's .npy form (bf16 as uint16 bits)."""
    seed = zlib.crc32(f"{case}/{arg}".encode())
    x = np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)
    if dt == "bf16":
        return to_bf16_bits(x)
    if dt == "f16":
        return x.astype(np.float16)
    return x


# ---------------------------------------------------------------------------
# References: float64 on the same (rounded) inputs, written independently
# of both mpt's kernels and the baseline libraries (products summed tap by
# tap). `xp` is numpy or torch.
# ---------------------------------------------------------------------------


def _t(xp, a, perm):
    return a.transpose(perm) if xp is np else a.permute(*perm)


def reference(xp, c, ins):
    """(ref, scale) in float64: the exact result before its rounding, and
    the error scale (sum of |products|, plus |bias|)."""
    kind = c["kind"]
    if kind in ("gemm", "bmm"):
        a, b = ins["a"], ins["b"]
        perm = (0, 2, 1) if c["batch"] else (1, 0)
        if c["layout"][0] == "t":
            a = _t(xp, a, perm)
        if c["layout"][1] == "t":
            b = _t(xp, b, perm)
        ref, scale = a @ b, abs(a) @ abs(b)
        if c["epilogue"] == "bias_relu":
            ref = ref + ins["bias"]
            scale = scale + abs(ins["bias"])
            ref = ref * (ref > 0)
        return ref, scale
    oh, ow, hp, wp = conv_out(c)
    n, C, F, s, d, p = c["N"], c["C"], c["F"], c["stride"], c["dil"], c["pad"]
    zeros = (lambda sh: np.zeros(sh)) if xp is np else (
        lambda sh: xp.zeros(sh, dtype=xp.float64, device=ins_device(ins)))

    def window(xpad, i, j):
        return xpad[:, i * d:i * d + (oh - 1) * s + 1:s,
                    j * d:j * d + (ow - 1) * s + 1:s, :]

    if kind == "conv_fprop":
        x, w = ins["x"], ins["w"]
        xpad = zeros((n, hp, wp, C))
        xpad[:, p:p + c["H"], p:p + c["W"], :] = x
        ref, scale = zeros((n, oh, ow, F)), zeros((n, oh, ow, F))
        for i in range(c["kh"]):
            for j in range(c["kw"]):
                win = window(xpad, i, j)
                ref += win @ w[i, j]
                scale += abs(win) @ abs(w[i, j])
        ref = ref + ins["bias"]
        scale = scale + abs(ins["bias"])
        return ref * (ref > 0), scale
    if kind == "conv_dgrad":
        dy, w = ins["dy"], ins["w"]
        ref, scale = zeros((n, hp, wp, C)), zeros((n, hp, wp, C))
        for i in range(c["kh"]):
            for j in range(c["kw"]):
                wt = _t(xp, w[i, j], (1, 0))
                window(ref, i, j)[...] += dy @ wt
                window(scale, i, j)[...] += abs(dy) @ abs(wt)
        return (ref[:, p:p + c["H"], p:p + c["W"], :],
                scale[:, p:p + c["H"], p:p + c["W"], :])
    x, dy = ins["x_padded"], ins["dy"]
    rows = n * oh * ow
    dyf = dy.reshape(rows, F)
    ref, scale = zeros(signature(c)[1][0]), zeros(signature(c)[1][0])
    for i in range(c["kh"]):
        for j in range(c["kw"]):
            win = window(x, i, j).reshape(rows, C)
            wt = _t(xp, win, (1, 0))
            ref[i, j] = wt @ dyf
            scale[i, j] = abs(wt) @ abs(dyf)
    return ref, scale


def ins_device(ins):
    return next(iter(ins.values())).device


def _clamp_min(xp, x, low):
    return np.maximum(x, low) if xp is np else x.clamp(min=low)


def ulp(xp, x, dt):
    """Spacing of `dt` at |x| (at least its smallest subnormal); x float64
    (numpy or torch)."""
    mant, emin = {"f16": (10, -14), "bf16": (7, -126),
                  "f32": (23, -126)}[dt]
    e = xp.floor(xp.log2(_clamp_min(xp, abs(x), 2.0 ** emin)))
    return 2.0 ** (_clamp_min(xp, e, float(emin)) - mant)


def compare(xp, got, ref, scale, dt, tol):
    """|got - ref| <= tol * scale + half an ulp of the output type (the
    reference is exact; the kernel rounds its f32 sum once), on float64
    arrays of numpy or torch (on the GPU). Returns (ok, max |err| / scale,
    a message naming the first bad element)."""
    if tuple(got.shape) != tuple(ref.shape):
        return False, float("inf"), (f"shape {tuple(got.shape)}, expected "
                                     f"{tuple(ref.shape)}")
    finite = xp.isfinite(got)
    if not bool(finite.all()):
        first = tuple(int(k) for k in xp.argwhere(~finite)[0])
        return False, float("inf"), (
            f"{int((~finite).sum())} non-finite element(s) (never "
            f"written?); first at {first}")
    err = abs(got - ref)
    bound = tol * scale
    if dt in ("f16", "bf16"):
        bound = bound + 0.5 * (1 + 1e-9) * ulp(xp, ref, dt)
    size = err.size if xp is np else err.numel()
    rel = float((err / _clamp_min(xp, scale, 1e-300)).max()) if size else 0.0
    bad = err > bound
    if bool(bad.any()):
        i = tuple(int(k) for k in xp.argwhere(bad)[0])
        return False, rel, (f"{int(bad.sum())} element(s) out of tolerance; "
                            f"first at {i}: got {float(got[i])!r}, reference "
                            f"{float(ref[i])!r}, bound {float(bound[i])!r}")
    return True, rel, ""


# ---------------------------------------------------------------------------
# prepare (here)
# ---------------------------------------------------------------------------


def run_tool(cmd, timeout=None):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}):\n"
                           f"{p.stdout}{p.stderr}")
    return p


def prepare(out, sizes="bench", sm="90", build_dir=None, log=print):
    """Writes OUT/<case>.mlir and .mpt (cuda, `sm`), the check cases'
    inputs and references, and OUT/manifest.json. Returns the manifest."""
    build_dir = build_dir or os.path.join(ROOT, "build")
    compile_tool = os.path.join(build_dir, "bin", "mpt-compile")
    os.makedirs(out, exist_ok=True)
    cases = (bench_cases() if sizes == "bench" else dry_cases())
    cases += check_cases()
    manifest = {"format": "mpt-gpu-kernels", "version": 1, "sizes": sizes,
                "sm": sm, "cases": []}
    for c in cases:
        name = c["name"]
        src = os.path.join(out, name + ".mlir")
        with open(src, "w") as f:
            f.write(function_mlir(c))
        art = os.path.join(out, name + ".mpt")
        t0 = time.time()
        run_tool([compile_tool, src, "--target=cuda", f"--sm={sm}", "-o",
                  art, "--quiet=true"])
        plan = json.loads(run_tool([os.path.join(build_dir, "bin",
                                                 "mpt-artifact"), "plan",
                                    art]).stdout)
        kernels = [{"name": k["name"], "family": k["family"],
                    "tile": k["tile"]} for k in plan["kernels"]]
        entry = dict(c)
        entry["artifact"] = name + ".mpt"
        entry["kernels"] = kernels
        entry["flops"] = flops(c)
        entry["shape"] = shape_text(c)
        if c["group"] == "check":
            args, (rshape, rdt) = signature(c)
            ins = {}
            for arg, shape, dt in args:
                a = make_input(name, arg, shape, dt)
                np.save(os.path.join(out, f"{name}.{arg}.npy"), a)
                ins[arg] = from_bits(a, dt)
            ref, scale = reference(np, c, ins)
            np.save(os.path.join(out, f"{name}.ref.npy"), ref)
            np.save(os.path.join(out, f"{name}.scale.npy"), scale)
            entry["carried"] = True
        manifest["cases"].append(entry)
        log(f"  {name}: {len(kernels)} kernels "
            f"({', '.join(sorted({k['family'] for k in kernels}))}), "
            f"{time.time() - t0:.1f} s")
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


# ---------------------------------------------------------------------------
# run (on the GPU machine; cuda-emu in the dry run)
# ---------------------------------------------------------------------------


def load_torch(device):
    """PyTorch when it can run on the GPU (the baseline and the large
    references), else None."""
    if not device.startswith("cuda") or device == "cuda-emu":
        return None
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    torch.backends.cudnn.benchmark = True  # cuDNN's fastest algorithm
    return torch


def torch_time(torch, fn, warmup, repeat):
    """ms per call: `warmup` calls, then `repeat` calls each between two
    CUDA events on the current stream (as mpt-run --repeat times mpt)."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return times


def torch_baseline(torch, c, ins):
    """A function calling cuBLAS/cuDNN through PyTorch for the case on the
    same inputs (in the layouts those libraries prefer, made outside the
    timing), and what the baseline is."""
    F = torch.nn.functional
    kind = c["kind"]
    if kind in ("gemm", "bmm"):
        a, b = ins["a"], ins["b"]
        perm = (0, 2, 1) if c["batch"] else (1, 0)
        at = a.permute(*perm) if c["layout"][0] == "t" else a
        bt = b.permute(*perm) if c["layout"][1] == "t" else b
        if c["epilogue"] == "bias_relu":
            bias = ins["bias"].to(a.dtype)
            fused = getattr(torch, "_addmm_activation", None)
            if fused is not None:
                return (lambda: fused(bias, at, bt),
                        "cuBLASLt addmm+ReLU epilogue (torch._addmm_activation)")
            return (lambda: torch.relu(torch.addmm(bias, at, bt)),
                    "cuBLAS addmm, then ReLU")
        op = torch.bmm if c["batch"] else torch.mm
        return (lambda: op(at, bt)), ("cuBLAS bmm" if c["batch"] else
                                      "cuBLAS mm")
    cl = torch.channels_last
    s, p, d = c["stride"], c["pad"], c["dil"]
    # NHWC data is NCHW in channels_last; the filter HWCF becomes FCHW in
    # channels_last (FHWC in memory), cuDNN's preferred layout.
    if kind == "conv_fprop":
        x = ins["x"].permute(0, 3, 1, 2)
        w = ins["w"].permute(3, 2, 0, 1).contiguous(memory_format=cl)
        bias = ins["bias"].to(x.dtype)
        return (lambda: torch.relu_(F.conv2d(x, w, bias, s, p, d)),
                "cuDNN conv2d + bias, then ReLU (channels_last)")
    bwd = torch.ops.aten.convolution_backward
    if kind == "conv_dgrad":
        dy = ins["dy"].permute(0, 3, 1, 2)
        w = ins["w"].permute(3, 2, 0, 1).contiguous(memory_format=cl)
        x_shape = (c["N"], c["C"], c["H"], c["W"])
        xdummy = torch.empty(x_shape, dtype=dy.dtype, device=dy.device,
                             memory_format=cl)
        return (lambda: bwd(dy, xdummy, w, None, [s, s], [p, p], [d, d],
                            False, [0, 0], 1, [True, False, False])[0],
                "cuDNN backward data (channels_last)")
    x = ins["x_padded"][:, p:p + c["H"], p:p + c["W"], :].permute(0, 3, 1, 2)
    x = x.contiguous(memory_format=cl)
    dy = ins["dy"].permute(0, 3, 1, 2)
    w_shape = (c["F"], c["C"], c["kh"], c["kw"])
    wdummy = torch.empty(w_shape, dtype=dy.dtype, device=dy.device,
                         memory_format=cl)
    return (lambda: bwd(dy, x, wdummy, None, [s, s], [p, p], [d, d], False,
                        [0, 0], 1, [False, True, False])[1],
            "cuDNN backward filter (channels_last)")


def baseline_result(torch, c, out):
    """The baseline's result in the case's result layout, float64."""
    if c["kind"] in ("conv_fprop", "conv_dgrad"):
        out = out.permute(0, 2, 3, 1)
    elif c["kind"] == "conv_wgrad":
        out = out.permute(2, 3, 1, 0)
    return out.double()


def to_torch(torch, a, dt):
    """A .npy array in the runtime's form -> a CUDA tensor of `dt` (bf16
    bits travel as int16, which every PyTorch version has)."""
    if dt == "bf16":
        t = torch.from_numpy(np.ascontiguousarray(a).view(np.int16))
        return t.cuda().view(torch.bfloat16)
    return torch.from_numpy(np.ascontiguousarray(a)).cuda()


def run_case(c, src, work, mpt_run, device, torch, warmup, repeat, timeout):
    """One case: inputs, mpt-run --call (timed), the check, the baseline.
    Returns the result row."""
    name = c["name"]
    row = {"name": name, "group": c["group"], "kind": c["kind"],
           "shape": c["shape"], "dtype": c["dtype"], "flops": c["flops"],
           "target": c.get("target"), "kernels": c["kernels"],
           "tol": 1e-5}
    args, (rshape, rdt) = signature(c)
    files, arrays = [], {}
    for i, (arg, shape, dt) in enumerate(args):
        if c.get("carried"):
            path = os.path.join(src, f"{name}.{arg}.npy")
            a = np.load(path)
        else:
            a = make_input(name, arg, shape, dt)
            path = os.path.join(work, f"{name}.{arg}.npy")
            np.save(path, a)
        arrays[arg] = (a, dt)
        files.append(f"--input=arg{i}={path}")
    out_dir = os.path.join(work, name + ".out")
    timing = os.path.join(work, name + ".timing.json")
    cmd = [mpt_run, os.path.join(src, c["artifact"]), f"--call={name}",
           f"--device={device}", *files, f"--output-dir={out_dir}", "-q"]
    timed = c["group"] == "bench"
    if timed:
        cmd += [f"--warmup={warmup}", f"--repeat={repeat}",
                f"--timing={timing}"]
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        row.update(status="FAIL", error=f"mpt-run did not finish in "
                   f"{timeout:.0f} s")
        return row
    row["wall_s"] = round(time.time() - t0, 2)
    if p.returncode != 0:
        row.update(status="FAIL", error=(p.stderr or p.stdout).strip()[-2000:])
        return row
    if timed:
        tj = json.load(open(timing))
        row["mpt_ms"] = tj["median_ms"]
        row["mpt_min_ms"] = tj["min_ms"]
        row["mpt_ms_all"] = tj["ms"]
        row["launches_per_call"] = tj["launches_per_call"]
    got = from_bits(np.load(os.path.join(out_dir, "0.npy")), rdt)

    # The reference, and the check: on the GPU in float64 when PyTorch can
    # (large cases), else with numpy.
    xp = np
    if c.get("carried"):
        ref = np.load(os.path.join(src, f"{name}.ref.npy"))
        scale = np.load(os.path.join(src, f"{name}.scale.npy"))
        row["reference"] = "float64 numpy, carried"
    elif torch is not None:
        xp = torch
        tins = {k: torch.from_numpy(from_bits(a, dt)).cuda()
                for k, (a, dt) in arrays.items()}
        ref, scale = reference(torch, c, tins)
        del tins
        got = torch.from_numpy(got).cuda()
        row["reference"] = "float64 PyTorch on the GPU"
    else:
        ins = {k: from_bits(a, dt) for k, (a, dt) in arrays.items()}
        ref, scale = reference(np, c, ins)
        row["reference"] = "float64 numpy"
    ok, rel, msg = compare(xp, got, ref, scale, rdt, row["tol"])
    del got
    row["max_err"] = rel
    row["status"] = "PASS" if ok else "FAIL"
    if not ok:
        row["error"] = msg

    # The baseline, on the same GPU in the same process.
    if timed and torch is not None:
        tins = {k: to_torch(torch, a, dt) for k, (a, dt) in arrays.items()}
        fn, what = torch_baseline(torch, c, tins)
        try:
            bout = baseline_result(torch, c, fn())
            if xp is np:
                bout = bout.cpu().numpy()
            # How far the baseline is from the same reference (its own
            # reduction order and split-K may round differently; reported,
            # not a check of mpt).
            row["baseline_err"] = compare(xp, bout, ref, scale, rdt, 1e-2)[1]
            del bout
            times = torch_time(torch, fn, warmup, repeat)
            row["baseline_ms"] = float(np.median(times))
            row["baseline_min_ms"] = float(min(times))
            row["baseline"] = what
        except Exception as e:  # a baseline that cannot run is reported
            row["baseline"] = f"{what}: failed: {e}"[:300]
        del tins
    if torch is not None:
        del ref, scale
        torch.cuda.empty_cache()
    elif timed:
        row["baseline"] = "none (no PyTorch with a GPU here)"
    return row


def run(src, out_json=None, device="cuda", mpt_run=None, work=None,
        warmup=5, repeat=20, deadline=None, timeout=120, groups=None,
        log=print, torch=None):
    """Runs every case of the manifest in SRC; returns the rows. Cases not
    started by `deadline` (time.time()) are rows with status SKIP."""
    manifest = json.load(open(os.path.join(src, "manifest.json")))
    mpt_run = mpt_run or os.path.join(ROOT, "build", "bin", "mpt-run")
    work = work or os.path.join(src, "work")
    os.makedirs(work, exist_ok=True)
    if torch is None:
        torch = load_torch(device)
    rows = []
    for c in manifest["cases"]:
        if groups and c["group"] not in groups:
            continue
        if deadline is not None and time.time() > deadline:
            rows.append({"name": c["name"], "group": c["group"],
                         "kind": c["kind"], "shape": c["shape"],
                         "target": c.get("target"), "status": "SKIP",
                         "error": "not run: the device check's time budget "
                         "was spent"})
            continue
        left = timeout if deadline is None else max(
            5.0, min(timeout, deadline - time.time() + 30))
        try:
            row = run_case(c, src, work, mpt_run, device, torch, warmup,
                           repeat, left)
        except Exception as e:  # one broken case must not end the run
            row = {"name": c["name"], "group": c["group"], "kind": c["kind"],
                   "shape": c["shape"], "target": c.get("target"),
                   "kernels": c.get("kernels"), "status": "FAIL",
                   "error": f"{type(e).__name__}: {e}"[:2000]}
            if torch is not None:
                torch.cuda.empty_cache()
        rows.append(row)
        ms = (f" mpt {row['mpt_ms']:.4f} ms" if "mpt_ms" in row else "")
        bl = (f" baseline {row['baseline_ms']:.4f} ms"
              if "baseline_ms" in row else "")
        err = (f" err {row['max_err']:.2e}" if "max_err" in row else "")
        log(f"  {row['status']} {c['name']} [{c['shape']}]{ms}{bl}{err}"
            + (f": {row['error']}" if row.get("error") else ""))
    if out_json:
        with open(out_json, "w") as f:
            json.dump({"format": "mpt-gpu-kernels-results", "version": 1,
                       "device": device, "rows": rows}, f, indent=1)
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("prepare", help="MLIR, artifacts, small references")
    pp.add_argument("--out", required=True)
    pp.add_argument("--sizes", choices=("bench", "dry"), default="bench")
    pp.add_argument("--sm", default="90")
    pp.add_argument("--build-dir", default=os.environ.get(
        "MPT_BUILD_DIR", os.path.join(ROOT, "build")))
    pr = sub.add_parser("run", help="run, check and time the cases")
    pr.add_argument("--from", dest="src", required=True)
    pr.add_argument("--out", help="results JSON")
    pr.add_argument("--device", default="cuda")
    pr.add_argument("--mpt-run", help="the mpt-run to use")
    pr.add_argument("--work", help="scratch directory (inputs, outputs)")
    pr.add_argument("--warmup", type=int, default=5)
    pr.add_argument("--repeat", type=int, default=20)
    args = p.parse_args(argv)
    if args.cmd == "prepare":
        prepare(args.out, args.sizes, args.sm, args.build_dir)
        return 0
    rows = run(args.src, args.out, args.device, args.mpt_run, args.work,
               args.warmup, args.repeat)
    return 1 if any(r["status"] == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
