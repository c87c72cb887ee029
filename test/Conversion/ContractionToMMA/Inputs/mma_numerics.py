"""Numerics of the tensor-core kernels on the PTX emulator, by suite.

Each case is a memref-level function as host IR spells it (linalg.matmul,
batch_matmul, transposed-operand generics, conv_2d_nhwc_hwcf with zero
padding built as fill + copy into a subview, the frontend's data- and
weight-gradient generics, the fused epilogues of mpt.fused_matmul /
fused_conv2d), run through mpt-contractions-to-mma, the PTX lowering and
mpt-ptx-emu, and compared with a float64 numpy evaluation of the same
rounded inputs (see mma_harness.check for the tolerances).

  python mma_numerics.py --suite gemm --mpt-opt ... --emu ... --tmp DIR
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import mma_harness as H  # noqa: E402

BODY = """^bb0(%in_a: {a}, %in_b: {b}, %in_acc: f32):
{conv}      %p = arith.mulf %xa, %yb : f32
      %s = arith.addf %in_acc, %p : f32
      linalg.yield %s : f32"""


def mac_body(ta, tb, t):
    """out + ext(a) * ext(b); an f32 operand is rounded to `t` first (the
    frontend's f32 gradient fed to a low-precision contraction)."""
    conv = ""
    names = {}
    for name, src, ty in (("xa", "%in_a", ta), ("yb", "%in_b", tb)):
        if ty == "f32" and t == "f32":
            names[name] = src  # an f32 contraction: no casts
        elif ty == "f32":
            conv += "      %%%sr = arith.truncf %s : f32 to %s\n" % (name, src, t)
            conv += "      %%%s = arith.extf %%%sr : %s to f32\n" % (name, name, t)
        else:
            conv += "      %%%s = arith.extf %s : %s to f32\n" % (name, src, ty)
    body = BODY.format(a=ta, b=tb, conv=conv)
    for name, src in names.items():
        body = body.replace("%" + name + ",", src + ",").replace(
            "%" + name + " :", src + " :")
    return body


def affine(dims, results):
    return "affine_map<(%s) -> (%s)>" % (", ".join(dims), ", ".join(results))


def generic(case, maps, iters, ins, outs, body, attrs=""):
    """ins/outs: (value, type) pairs."""
    its = ", ".join('"%s"' % i for i in iters)
    case.line('linalg.generic {indexing_maps = [%s], iterator_types = [%s]%s}'
              % (", ".join(maps), its, attrs))
    case.line("    ins(%s : %s)" % (", ".join(v for v, _ in ins),
                                   ", ".join(t for _, t in ins)))
    case.line("    outs(%s : %s) {" % (", ".join(v for v, _ in outs),
                                      ", ".join(t for _, t in outs)))
    for line in body.splitlines():
        case.body.append("  " + line)
    case.line("}")


def tile_attrs(tile, splitk):
    a = ""
    if tile:
        a += ', mpt.mma_tile = "%s"' % tile
    if splitk:
        a += ", mpt.mma_split_k = %d : i64" % splitk
    return a


# ---------------------------------------------------------------------------
# Epilogues (the consumer generic of the accumulator)
# ---------------------------------------------------------------------------


def add_epilogue(case, rng, t, kind, acc, acc_type, out_shape, nmap_bias,
                 ref, scale):
    """Appends the consumer of `acc` and the expected outputs. `ref`,
    `scale` are the FP64 accumulator and its error scale (out_shape)."""
    rank = len(out_shape)
    dims = ["d%d" % i for i in range(rank)]
    ident = affine(dims, dims)
    last = affine(dims, [dims[-1]])
    par = ["parallel"] * rank
    T = H.memref(out_shape, t)
    case.line("%zf = arith.constant 0.000000e+00 : f32")
    if kind == "bias_relu_mask":
        bias = H.rounded(rng, out_shape[-1:], "f32") if rng else None
        b = case.arg("bias", out_shape[-1:], "f32", bias)
        y = case.arg("y", out_shape, t)
        m = case.arg("mask", out_shape, "i1")
        generic(case, [ident, last, ident, ident], par,
                [(acc, acc_type), (b, H.memref(out_shape[-1:], "f32"))],
                [(y, T), (m, H.memref(out_shape, "i1"))],
                """^bb0(%in: f32, %bv: f32, %o: {t}, %mk: i1):
      %e0 = arith.addf %in, %bv : f32
      %e1 = arith.maximumf %e0, %zf : f32
      %e2 = arith.truncf %e1 : f32 to {t}
      %e3 = arith.cmpf ogt, %e0, %zf : f32
      linalg.yield %e2, %e3 : {t}, i1""".replace("{t}", t)
                .replace("%e2 = arith.truncf %e1 : f32 to f32",
                         "%e2 = arith.addf %e1, %zf : f32"))
        if rng is None:
            return
        pre = ref + bias.astype(np.float64)
        sc = scale + np.abs(bias.astype(np.float64))
        case.outputs["y"] = H.Output(np.maximum(pre, 0), sc)
        case.outputs["mask"] = H.Output(pre, sc, kind="mask")
    elif kind == "mask_select":
        mask = rng.random(out_shape) < 0.5 if rng else None
        m = case.arg("mask", out_shape, "i1", mask)
        y = case.arg("y", out_shape, t)
        case.line("%zt = arith.constant 0.000000e+00 : " + t)
        generic(case, [ident, ident, ident], par,
                [(m, H.memref(out_shape, "i1")), (acc, acc_type)], [(y, T)],
                """^bb0(%mk: i1, %in: f32, %o: {t}):
      %e0 = arith.truncf %in : f32 to {t}
      %e1 = arith.select %mk, %e0, %zt : {t}
      linalg.yield %e1 : {t}""".replace("{t}", t)
                .replace("%e0 = arith.truncf %in : f32 to f32",
                         "%e0 = arith.addf %in, %zt : f32"))
        if rng is not None:
            case.outputs["y"] = H.Output(np.where(mask, ref, 0.0), scale)
    elif kind == "scale_const":
        y = case.arg("y", out_shape, "f32")
        case.line("%half = arith.constant 5.000000e-01 : f32")
        generic(case, [ident, ident], par, [(acc, acc_type)],
                [(y, H.memref(out_shape, "f32"))],
                """^bb0(%in: f32, %o: f32):
      %e0 = arith.mulf %in, %half : f32
      linalg.yield %e0 : f32""")
        if rng is not None:
            case.outputs["y"] = H.Output(0.5 * ref, 0.5 * scale)
    else:
        raise ValueError(kind)


# ---------------------------------------------------------------------------
# Matmuls
# ---------------------------------------------------------------------------


def matmul_case(name, rng, t, M, N, K, layout="nn", batch=0, init="zero",
                epilogue=None, tile=None, splitk=None, transpose_a=False,
                b_f32=False):
    """C[b, m, n] (+)= A[b, m, k] * B[b, k, n] with A stored (M, K) for
    layout[0] == 'n' and (K, M) for 't'; B (K, N) for 'n' and (N, K) for
    't'. init: zero (fill), copy (copy of a zero-filled buffer), acc (C +=
    A * B). epilogue: a consumer of C (C is then a temporary)."""
    case = H.Case(name)
    bs = (batch,) if batch else ()
    a_shape = bs + ((M, K) if layout[0] == "n" else (K, M))
    tb = "f32" if b_f32 else t
    b_shape = bs + ((K, N) if layout[1] == "n" else (N, K))
    A = H.rounded(rng, a_shape, t)
    B = H.rounded(rng, b_shape, tb)
    c_shape = bs + (M, N)
    if transpose_a:
        # The frontend's backward form: A^T materialized by linalg.transpose
        # into a temporary the matmul reads (folded into strides).
        perm = list(range(len(bs))) + [len(bs) + 1, len(bs)]
        at_shape = tuple(a_shape[i] for i in perm)
        At = None if A is None else np.transpose(A, perm).copy()
        src = case.arg("at", at_shape, t, At)
        a = "%a_t"
        case.line("%%a_t = memref.alloc() : %s" % H.memref(a_shape, t))
        case.line("linalg.transpose ins(%s : %s) outs(%s : %s) permutation = "
                  "[%s]" % (src, H.memref(at_shape, t), a,
                            H.memref(a_shape, t), ", ".join(map(str, perm))))
    else:
        a = case.arg("a", a_shape, t, A)
    b = case.arg("b", b_shape, tb, B)
    Ct = H.memref(c_shape, "f32")
    C0 = None
    if epilogue:
        c = "%acc"
        case.line("%%acc = memref.alloc() : %s" % Ct)
    elif init == "acc":
        C0 = H.rounded(rng, c_shape, "f32") if rng is not None else None
        c = case.arg("c", c_shape, "f32", C0)
    else:
        c = case.arg("c", c_shape, "f32")
    case.line("%zero = arith.constant 0.000000e+00 : f32")
    if init == "zero":
        case.line("linalg.fill ins(%%zero : f32) outs(%s : %s)" % (c, Ct))
    elif init == "copy":
        case.line("%%zbuf = memref.alloc() : %s" % Ct)
        case.line("linalg.fill ins(%%zero : f32) outs(%%zbuf : %s)" % Ct)
        case.line("memref.copy %%zbuf, %s : %s to %s" % (c, Ct, Ct))
    attrs = tile_attrs(tile, splitk)
    ta, tbt = H.memref(a_shape, t), H.memref(b_shape, tb)
    if layout == "nn" and not attrs and not b_f32:
        op = "linalg.batch_matmul" if batch else "linalg.matmul"
        case.line("%s ins(%s, %s : %s, %s) outs(%s : %s)" %
                  (op, a, b, ta, tbt, c, Ct))
    else:
        if batch:
            dims = ["b", "m", "n", "k"]
            pre = ["b"]
        else:
            dims = ["m", "n", "k"]
            pre = []
        am = pre + (["m", "k"] if layout[0] == "n" else ["k", "m"])
        bm = pre + (["k", "n"] if layout[1] == "n" else ["n", "k"])
        cm = pre + ["m", "n"]
        iters = ["parallel"] * (len(dims) - 1) + ["reduction"]
        generic(case, [affine(dims, am), affine(dims, bm), affine(dims, cm)],
                iters, [(a, ta), (b, tbt)], [(c, Ct)], mac_body(t, tb, t),
                attrs)
    if rng is None:  # IR only (ptxas checks at benchmark sizes)
        if epilogue:
            add_epilogue(case, None, t, epilogue, c, Ct, c_shape, None, None,
                         None)
        return case
    # Reference.
    A64, B64 = H.f64(A), H.f64(B)
    if b_f32:
        B64 = H.f64(H.round_to(B, t))
    if layout[0] == "t":
        A64 = np.swapaxes(A64, -1, -2)
    if layout[1] == "t":
        B64 = np.swapaxes(B64, -1, -2)
    ref = A64 @ B64
    scale = np.abs(A64) @ np.abs(B64)
    if C0 is not None:
        ref = ref + C0.astype(np.float64)
        scale = scale + np.abs(C0.astype(np.float64))
    if epilogue:
        add_epilogue(case, rng, t, epilogue, c, Ct, c_shape, None, ref, scale)
    else:
        case.outputs["c"] = H.Output(ref, scale)
    return case


# ---------------------------------------------------------------------------
# Convolutions
# ---------------------------------------------------------------------------


def pad_into(case, src, src_type_shape, t, pad, name, zero_style="fill",
             stride=1, low=None, padded_shape=None):
    """A zero padding as bufferized host IR spells it: a zero-filled
    temporary and a copy of `src` into a (strided) subview of it."""
    shape = src_type_shape
    n = len(shape)
    lo = low if low is not None else [0, pad, pad, 0]
    if padded_shape is None:
        padded_shape = (shape[0], shape[1] + 2 * pad, shape[2] + 2 * pad,
                        shape[3])
    P = H.memref(padded_shape, t)
    case.line("%%%s = memref.alloc() : %s" % (name, P))
    if zero_style == "fill":
        case.line("%%z_%s = arith.constant 0.000000e+00 : %s" % (name, t))
        case.line("linalg.fill ins(%%z_%s : %s) outs(%%%s : %s)" %
                  (name, t, name, P))
    else:  # the linalg.map a tensor.pad bufferizes to
        case.line("%%z_%s = arith.constant 0.000000e+00 : %s" % (name, t))
        case.line("linalg.map outs(%%%s : %s)" % (name, P))
        case.line("  (%%init_%s: %s) {" % (name, t))
        case.line("    linalg.yield %%z_%s : %s" % (name, t))
        case.line("  }")
    strides_p = [int(np.prod(padded_shape[i + 1:])) for i in range(n)]
    st = [1, stride, stride, 1]
    sub_strides = [strides_p[i] * st[i] for i in range(n)]
    offset = sum(lo[i] * strides_p[i] for i in range(n))
    sv_type = H.memref(shape, t, "strided<[%s], offset: %d>" %
                       (", ".join(map(str, sub_strides)), offset))
    case.line("%%sv_%s = memref.subview %%%s[%s] [%s] [%s] : %s to %s" %
              (name, name, ", ".join(map(str, lo)),
               ", ".join(map(str, shape)), ", ".join(map(str, st)), P,
               sv_type))
    case.line("memref.copy %s, %%sv_%s : %s to %s" %
              (src, name, H.memref(shape, t), sv_type))
    return "%" + name, padded_shape


def conv_fprop_case(name, rng, t, N, Hh, W, C, KH, KW, F, stride=1, dil=1,
                    pad=0, zero_style="fill", epilogue=None, tile=None,
                    splitk=None):
    case = H.Case(name)
    X = H.rounded(rng, (N, Hh, W, C), t)
    Wf = H.rounded(rng, (KH, KW, C, F), t)
    x = case.arg("x", (N, Hh, W, C), t, X)
    w = case.arg("w", (KH, KW, C, F), t, Wf)
    if pad:
        xp, xp_shape = pad_into(case, x, (N, Hh, W, C), t, pad, "xp",
                                zero_style)
    else:
        xp, xp_shape = x, (N, Hh, W, C)
    P = (Hh + 2 * pad - dil * (KH - 1) - 1) // stride + 1
    Q = (W + 2 * pad - dil * (KW - 1) - 1) // stride + 1
    o_shape = (N, P, Q, F)
    Ot = H.memref(o_shape, "f32")
    if epilogue:
        o = "%acc"
        case.line("%%acc = memref.alloc() : %s" % Ot)
    else:
        o = case.arg("out", o_shape, "f32")
    case.line("%zero = arith.constant 0.000000e+00 : f32")
    case.line("linalg.fill ins(%%zero : f32) outs(%s : %s)" % (o, Ot))
    attrs = tile_attrs(tile, splitk)
    case.line("linalg.conv_2d_nhwc_hwcf {dilations = dense<%d> : "
              "tensor<2xi64>, strides = dense<%d> : tensor<2xi64>%s} "
              "ins(%s, %s : %s, %s) outs(%s : %s)" %
              (dil, stride, attrs, xp, w, H.memref(xp_shape, t),
               H.memref((KH, KW, C, F), t), o, Ot))
    if rng is None:
        if epilogue:
            add_epilogue(case, None, t, epilogue, o, Ot, o_shape, None, None,
                         None)
        return case
    Xp = np.zeros(xp_shape)
    Xp[:, pad:pad + Hh, pad:pad + W, :] = H.f64(X)
    W64 = H.f64(Wf)
    ref = np.zeros(o_shape)
    scale = np.zeros(o_shape)
    for r in range(KH):
        for s in range(KW):
            patch = Xp[:, r * dil:r * dil + (P - 1) * stride + 1:stride,
                       s * dil:s * dil + (Q - 1) * stride + 1:stride, :]
            ref += patch @ W64[r, s]
            scale += np.abs(patch) @ np.abs(W64[r, s])
    if epilogue:
        add_epilogue(case, rng, t, epilogue, o, Ot, o_shape, None, ref, scale)
    else:
        case.outputs["out"] = H.Output(ref, scale)
    return case


def conv_dgrad_case(name, rng, t, N, Hh, W, C, KH, KW, F, stride=1, dil=1,
                    pad=0, tile=None, splitk=None):
    """dx of a conv(x: N,Hh,W,C; w: KH,KW,C,F) as the frontend spells it:
    dy dilated by the stride and zero padded into z, then
    dx[n,h,w,c] += z[n, h - dil*r + (KH-1)*dil, w - dil*s + (KW-1)*dil, f]
                   * w[r, s, c, f]."""
    case = H.Case(name)
    P = (Hh + 2 * pad - dil * (KH - 1) - 1) // stride + 1
    Q = (W + 2 * pad - dil * (KW - 1) - 1) // stride + 1
    DY = H.rounded(rng, (N, P, Q, F), t)
    Wf = H.rounded(rng, (KH, KW, C, F), t)
    dy = case.arg("dy", (N, P, Q, F), t, DY)
    w = case.arg("w", (KH, KW, C, F), t, Wf)
    loh, low_ = (KH - 1) * dil - pad, (KW - 1) * dil - pad
    assert loh >= 0 and low_ >= 0
    z_shape = (N, Hh + (KH - 1) * dil, W + (KW - 1) * dil, F)
    z, _ = pad_into(case, dy, (N, P, Q, F), t, 0, "z", "map", stride=stride,
                    low=[0, loh, low_, 0], padded_shape=z_shape)
    dx = case.arg("dx", (N, Hh, W, C), "f32")
    Dt = H.memref((N, Hh, W, C), "f32")
    case.line("%zero = arith.constant 0.000000e+00 : f32")
    case.line("linalg.fill ins(%%zero : f32) outs(%s : %s)" % (dx, Dt))
    d = ["d%d" % i for i in range(7)]
    zmap = affine(d, ["d0", "d1 - d4 * %d + %d" % (dil, (KH - 1) * dil),
                      "d2 - d5 * %d + %d" % (dil, (KW - 1) * dil), "d6"])
    kmap = affine(d, ["d4", "d5", "d3", "d6"])
    omap = affine(d, ["d0", "d1", "d2", "d3"])
    generic(case, [zmap, kmap, omap], ["parallel"] * 4 + ["reduction"] * 3,
            [(z, H.memref(z_shape, t)), (w, H.memref((KH, KW, C, F), t))],
            [(dx, Dt)], mac_body(t, t, t), tile_attrs(tile, splitk))
    if rng is None:
        return case
    dy64, w64 = H.f64(DY), H.f64(Wf)
    ref = np.zeros((N, Hh, W, C))
    scale = np.zeros((N, Hh, W, C))
    for r in range(KH):
        for s in range(KW):
            for p in range(P):
                h = p * stride + r * dil - pad
                if not 0 <= h < Hh:
                    continue
                for q in range(Q):
                    ww = q * stride + s * dil - pad
                    if not 0 <= ww < W:
                        continue
                    ref[:, h, ww, :] += dy64[:, p, q, :] @ w64[r, s].T
                    scale[:, h, ww, :] += np.abs(dy64[:, p, q, :]) @ \
                        np.abs(w64[r, s]).T
    case.outputs["dx"] = H.Output(ref, scale)
    return case


def conv_wgrad_case(name, rng, t, N, Hh, W, C, KH, KW, F, stride=1, dil=1,
                    pad=0, dy_f32=False, tile=None, splitk=None):
    """dw[r,s,c,f] += xp[n, p*stride + r*dil, q*stride + s*dil, c] *
    dy[n,p,q,f] (the frontend's weight gradient), xp the zero-padded x."""
    case = H.Case(name)
    P = (Hh + 2 * pad - dil * (KH - 1) - 1) // stride + 1
    Q = (W + 2 * pad - dil * (KW - 1) - 1) // stride + 1
    X = H.rounded(rng, (N, Hh, W, C), t)
    tdy = "f32" if dy_f32 else t
    DY = H.rounded(rng, (N, P, Q, F), tdy)
    x = case.arg("x", (N, Hh, W, C), t, X)
    dy = case.arg("dy", (N, P, Q, F), tdy, DY)
    if pad:
        xp, xp_shape = pad_into(case, x, (N, Hh, W, C), t, pad, "xp")
    else:
        xp, xp_shape = x, (N, Hh, W, C)
    dw = case.arg("dw", (KH, KW, C, F), "f32")
    Dt = H.memref((KH, KW, C, F), "f32")
    case.line("%zero = arith.constant 0.000000e+00 : f32")
    case.line("linalg.fill ins(%%zero : f32) outs(%s : %s)" % (dw, Dt))
    d = ["d%d" % i for i in range(7)]
    xmap = affine(d, ["d4", "d5 * %d + d0 * %d" % (stride, dil),
                      "d6 * %d + d1 * %d" % (stride, dil), "d2"])
    dymap = affine(d, ["d4", "d5", "d6", "d3"])
    omap = affine(d, ["d0", "d1", "d2", "d3"])
    generic(case, [xmap, dymap, omap], ["parallel"] * 4 + ["reduction"] * 3,
            [(xp, H.memref(xp_shape, t)), (dy, H.memref((N, P, Q, F), tdy))],
            [(dw, Dt)], mac_body(t, tdy, t), tile_attrs(tile, splitk))
    if rng is None:
        return case
    Xp = np.zeros(xp_shape)
    Xp[:, pad:pad + Hh, pad:pad + W, :] = H.f64(X)
    dy64 = H.f64(H.round_to(DY, t)) if dy_f32 else H.f64(DY)
    ref = np.zeros((KH, KW, C, F))
    scale = np.zeros((KH, KW, C, F))
    for r in range(KH):
        for s in range(KW):
            patch = Xp[:, r * dil:r * dil + (P - 1) * stride + 1:stride,
                       s * dil:s * dil + (Q - 1) * stride + 1:stride, :]
            pm = patch.reshape(-1, C)
            dm = dy64.reshape(-1, F)
            ref[r, s] = pm.T @ dm
            scale[r, s] = np.abs(pm).T @ np.abs(dm)
    case.outputs["dw"] = H.Output(ref, scale)
    return case


# ---------------------------------------------------------------------------
# Suites
# ---------------------------------------------------------------------------

GEMM_SHAPES = [(1, 1, 1), (7, 10, 3), (16, 8, 16), (33, 17, 5), (64, 64, 64),
               (127, 129, 65), (257, 40, 31), (100, 72, 200)]


def suite_gemm(rng, t):
    cases = []
    for layout in ("nn", "nt", "tn", "tt"):
        # Both operands transposed (not a backward-pass form): fewer shapes.
        shapes = GEMM_SHAPES if layout != "tt" else GEMM_SHAPES[1::2]
        for (M, N, K) in shapes:
            cases.append(matmul_case("%s_%s_%dx%dx%d" % (layout, t, M, N, K),
                                     rng, t, M, N, K, layout))
    for i, (Bt, M, N, K) in enumerate([(2, 7, 10, 3), (3, 33, 17, 40),
                                       (4, 64, 64, 32), (2, 65, 31, 9),
                                       (5, 16, 24, 64), (2, 3, 9, 7),
                                       (3, 40, 48, 56), (2, 100, 8, 17)]):
        layout = ("nn", "tn", "nt")[i % 3]
        cases.append(matmul_case("batched_%s_%s_%dx%dx%dx%d" %
                                 (layout, t, Bt, M, N, K), rng, t, M, N, K,
                                 layout, batch=Bt))
    cases.append(matmul_case("acc_%s_33x40x24" % t, rng, t, 33, 40, 24,
                             init="acc"))
    cases.append(matmul_case("acc_nt_%s_64x17x100" % t, rng, t, 64, 17, 100,
                             "nt", init="acc"))
    cases.append(matmul_case("copyinit_%s_48x32x40" % t, rng, t, 48, 32, 40,
                             init="copy"))
    cases.append(matmul_case("transposed_a_%s_40x24x56" % t, rng, t, 40, 24,
                             56, transpose_a=True))
    cases.append(matmul_case("transposed_a_%s_9x33x8" % t, rng, t, 9, 33, 8,
                             transpose_a=True))
    cases.append(matmul_case("b_f32_%s_24x40x48" % t, rng, t, 24, 40, 48,
                             b_f32=True))
    cases.append(matmul_case("b_f32_nt_%s_17x9x30" % t, rng, t, 17, 9, 30,
                             "nt", b_f32=True))
    return cases


def suite_epilogue(rng, t):
    cases = []
    shapes = [(8, 64, 64), (33, 40, 17), (1, 16, 8), (64, 10, 64),
              (130, 72, 40), (17, 24, 7), (96, 128, 32), (5, 8, 100)]
    for kind in ("bias_relu_mask", "mask_select", "scale_const"):
        for (M, N, K) in shapes:
            cases.append(matmul_case("%s_%s_%dx%dx%d" % (kind, t, M, N, K),
                                     rng, t, M, N, K, epilogue=kind))
    # The epilogue in the split-K reduce kernel, and C += A * B there.
    cases.append(matmul_case("splitk_bias_relu_mask_%s_40x24x300" % t, rng, t,
                             40, 24, 300, epilogue="bias_relu_mask",
                             splitk=4))
    cases.append(matmul_case("splitk_acc_%s_17x33x200" % t, rng, t, 17, 33,
                             200, "nt", init="acc", splitk=3))
    for (n, h, w, c, kh, f) in [(2, 8, 8, 16, 3, 32), (1, 7, 9, 3, 3, 8),
                                (2, 6, 6, 8, 1, 16)]:
        cases.append(conv_fprop_case(
            "conv_bias_relu_%s_%dx%dx%dx%d_k%d_f%d" % (t, n, h, w, c, kh, f),
            rng, t, n, h, w, c, kh, kh, f, pad=kh // 2,
            epilogue="bias_relu_mask"))
    return cases


def suite_conv(rng, t):
    specs = [
        # N, H, W, C, KH, KW, F, stride, dil, pad
        (2, 8, 8, 16, 3, 3, 32, 1, 1, 1),
        (1, 9, 7, 3, 3, 3, 8, 1, 1, 1),     # 3 channels: narrow copies
        (2, 6, 6, 8, 1, 1, 16, 1, 1, 0),    # 1x1
        (1, 9, 9, 8, 1, 1, 24, 2, 1, 0),    # 1x1, stride 2
        (1, 14, 14, 3, 7, 7, 16, 2, 1, 3),  # 7x7 stem, stride 2
        (1, 10, 10, 16, 3, 3, 16, 1, 2, 2), # dilation 2
        (2, 7, 7, 24, 3, 3, 40, 2, 1, 1),   # stride 2, odd sizes
        (1, 5, 5, 40, 3, 3, 33, 1, 1, 0),   # no padding, odd F
        (3, 4, 4, 10, 3, 3, 7, 1, 1, 1),    # odd C and F
    ]
    cases = []
    for i, (n, h, w, c, kh, kw, f, st, dl, pd) in enumerate(specs):
        cases.append(conv_fprop_case(
            "fprop%d_%s_%dx%dx%dx%d_k%dx%d_f%d_s%d_d%d_p%d" %
            (i, t, n, h, w, c, kh, kw, f, st, dl, pd), rng, t, n, h, w, c,
            kh, kw, f, st, dl, pd, zero_style="map" if i % 2 else "fill"))
    return cases


def suite_dgrad(rng, t):
    specs = [
        (2, 8, 8, 16, 3, 3, 32, 1, 1, 1),
        (1, 9, 7, 3, 3, 3, 8, 1, 1, 1),
        (2, 8, 8, 16, 3, 3, 16, 2, 1, 1),   # stride 2: dilated dy
        (1, 14, 14, 8, 7, 7, 16, 2, 1, 3),  # 7x7, stride 2
        (2, 6, 6, 8, 1, 1, 16, 1, 1, 0),    # 1x1
        (1, 10, 10, 16, 3, 3, 8, 1, 2, 2),  # dilation 2
        (1, 9, 9, 8, 1, 1, 24, 2, 1, 0),    # 1x1, stride 2
        (3, 5, 5, 10, 3, 3, 7, 1, 1, 1),    # odd C and F
    ]
    cases = []
    for i, (n, h, w, c, kh, kw, f, st, dl, pd) in enumerate(specs):
        cases.append(conv_dgrad_case(
            "dgrad%d_%s_%dx%dx%dx%d_k%dx%d_f%d_s%d_d%d_p%d" %
            (i, t, n, h, w, c, kh, kw, f, st, dl, pd), rng, t, n, h, w, c,
            kh, kw, f, st, dl, pd))
    return cases


def suite_wgrad(rng, t):
    specs = [
        (2, 8, 8, 16, 3, 3, 32, 1, 1, 1, None),
        (1, 9, 7, 3, 3, 3, 8, 1, 1, 1, None),
        (2, 8, 8, 16, 3, 3, 16, 2, 1, 1, None),
        (1, 14, 14, 3, 7, 7, 16, 2, 1, 3, None),
        (2, 6, 6, 8, 1, 1, 16, 1, 1, 0, None),
        (1, 10, 10, 16, 3, 3, 8, 1, 2, 2, None),
        (4, 8, 8, 8, 3, 3, 8, 1, 1, 1, 4),   # split-K forced: 4 splits
        (2, 12, 12, 16, 3, 3, 24, 1, 1, 1, 3),  # 3 splits, uneven
        (3, 5, 5, 10, 3, 3, 7, 1, 1, 1, 2),     # odd, split
    ]
    cases = []
    for i, (n, h, w, c, kh, kw, f, st, dl, pd, sk) in enumerate(specs):
        cases.append(conv_wgrad_case(
            "wgrad%d_%s_%dx%dx%dx%d_k%dx%d_f%d_s%d_d%d_p%d" %
            (i, t, n, h, w, c, kh, kw, f, st, dl, pd), rng, t, n, h, w, c,
            kh, kw, f, st, dl, pd, splitk=sk))
    cases.append(conv_wgrad_case("wgrad_dyf32_%s" % t, rng, t, 2, 6, 6, 8,
                                 3, 3, 16, 1, 1, 1, dy_f32=True))
    # The heuristic splits long reductions with a small output by itself.
    cases.append(conv_wgrad_case("wgrad_auto_split_%s" % t, rng, t, 8, 16,
                                 16, 8, 3, 3, 8, 1, 1, 1))
    return cases


def suite_tiles(rng, t):
    """Every tile of the table once, with partial tiles in M, N and K."""
    tiles = ["128x256x32_w2x4_s3", "256x128x32_w4x2_s3", "128x128x64_w2x4_s3",
             "128x128x32_w2x2_s4", "128x64x32_w2x2_s4", "64x128x32_w2x2_s4",
             "64x64x32_w2x2_s4", "32x128x32_w1x4_s4", "128x32x32_w4x1_s4",
             "32x64x32_w1x2_s3"]
    cases = []
    for i, tile in enumerate(tiles):
        bm, bn = (int(x) for x in tile.split("_")[0].split("x")[:2])
        M, N = bm + 3, bn + 5
        K = 72 if i % 2 else 104
        layout = ["nn", "nt", "tn", "tt"][i % 4]
        cases.append(matmul_case("tile_%s_%s_%s" % (tile, layout, t), rng, t,
                                 M, N, K, layout, tile=tile))
    return cases


def suite_simt(rng, t):
    """f32 contractions: the tiled SIMT family (t is ignored: f32)."""
    t = "f32"
    cases = []
    for layout in ("nn", "nt", "tn", "tt"):
        for (M, N, K) in GEMM_SHAPES:
            cases.append(matmul_case("simt_%s_%dx%dx%d" % (layout, M, N, K),
                                     rng, t, M, N, K, layout))
    for (Bt, M, N, K) in [(2, 7, 10, 3), (3, 33, 17, 40), (2, 130, 70, 24)]:
        cases.append(matmul_case("simt_batched_%dx%dx%dx%d" % (Bt, M, N, K),
                                 rng, t, M, N, K, batch=Bt))
    cases.append(matmul_case("simt_acc_33x40x24", rng, t, 33, 40, 24,
                             init="acc"))
    # The 128x128 tile (8x8 per thread, split micro-tiles), partial tiles.
    for layout in ("nn", "nt", "tn", "tt"):
        cases.append(matmul_case("simt128_%s_130x261x37" % layout, rng, t,
                                 130, 261, 37, layout,
                                 tile="simt128x128x8_t8x8_s2"))
    cases.append(matmul_case("simt128_bias_relu_mask_129x136x20", rng, t,
                             129, 136, 20, epilogue="bias_relu_mask",
                             tile="simt128x128x8_t8x8_s2"))
    cases.append(matmul_case("simt_transposed_a_40x24x56", rng, t, 40, 24,
                             56, transpose_a=True))
    for kind in ("bias_relu_mask", "mask_select", "scale_const"):
        for (M, N, K) in [(33, 40, 17), (130, 136, 40)]:
            cases.append(matmul_case("simt_%s_%dx%dx%d" % (kind, M, N, K),
                                     rng, t, M, N, K, epilogue=kind))
    cases.append(conv_fprop_case("simt_fprop_2x8x8x16_k3", rng, t, 2, 8, 8,
                                 16, 3, 3, 32, 1, 1, 1))
    cases.append(conv_fprop_case("simt_fprop_1x9x9x3_k3_s2", rng, t, 1, 9,
                                 9, 3, 3, 3, 8, 2, 1, 1))
    cases.append(conv_dgrad_case("simt_dgrad_2x8x8x16_k3_s2", rng, t, 2, 8,
                                 8, 16, 3, 3, 16, 2, 1, 1))
    cases.append(conv_wgrad_case("simt_wgrad_2x8x8x16_k3", rng, t, 2, 8, 8,
                                 16, 3, 3, 32, 1, 1, 1))
    # Split-K (forced, and chosen: a small output, a long reduction).
    cases.append(conv_wgrad_case("simt_wgrad_split3", rng, t, 2, 9, 9, 10, 3,
                                 3, 7, 1, 1, 1, splitk=3))
    cases.append(conv_wgrad_case("simt_wgrad_auto_split", rng, t, 8, 16, 16,
                                 8, 3, 3, 8, 1, 1, 1))
    cases.append(matmul_case("simt_split_bias_relu_mask", rng, t, 40, 24, 300,
                             epilogue="bias_relu_mask", splitk=4))
    return cases


SUITES = {"simt": suite_simt, "gemm": suite_gemm, "epilogue": suite_epilogue, "conv": suite_conv,
          "dgrad": suite_dgrad, "wgrad": suite_wgrad, "tiles": suite_tiles}


def main():
    args = H.parse_args()
    rng = np.random.default_rng(20261210)
    dtypes = ["f16", "bf16"] if args.dtype == "all" else [args.dtype]
    if args.suite == "simt":
        dtypes = ["f32"]
    cases = []
    for t in dtypes:
        cases += SUITES[args.suite](rng, t)
    H.run_suite(args, cases)
    H.finish()


if __name__ == "__main__":
    main()
