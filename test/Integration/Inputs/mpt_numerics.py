#!/usr/bin/env python3
"""Inputs and references for the numerical tests of convert-mpt-to-linalg.

    mpt_numerics.py gen CASE             print an MLIR module whose @main runs CASE
    mpt_numerics.py check CASE OUTPUT    compare mlir-runner's output with the reference

@main applies mpt ops to constant inputs and prints every result as its bit
pattern, one unsigned integer per line. `check` rebuilds the same inputs (fixed
seeds), computes the references independently of mpt with numpy (FP64, or
numpy/ml_dtypes float16/bfloat16 conversions, which round to nearest even) and
compares:

* exactly, bit for bit, where the semantics are exact: casts, skipped steps,
  unscaling by a power of two, contractions of 16-bit inputs summed in f32 in
  the loop order of the lowering, the one rounding of the epilogue;
* within FP32 rounding where they are not: optimizer updates against FP64.

A NaN reference accepts any NaN (the payload of a converted NaN is not part
of the contract); everything else compares bits.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

try:
    import ml_dtypes

    BF16 = ml_dtypes.bfloat16
except ImportError:  # pragma: no cover - the tests need it
    sys.exit("mpt_numerics.py needs ml_dtypes (pip install ml_dtypes)")

F32_EPS = 2.0 ** -24  # unit roundoff of f32

# Overflow to inf and NaN conversions are the point of these tests.
np.seterr(all="ignore")
warnings.filterwarnings("ignore", category=RuntimeWarning)

# --------------------------------------------------------------------------
# dtypes: numpy type, MLIR element type, unsigned integer view
# --------------------------------------------------------------------------

DTYPES = {
    "f32": (np.float32, "f32", np.uint32),
    "f16": (np.float16, "f16", np.uint16),
    "bf16": (BF16, "bf16", np.uint16),
    "i1": (np.bool_, "i1", np.uint8),
    "i32": (np.int32, "i32", np.uint32),
}


def bits(values: np.ndarray, dtype: str) -> np.ndarray:
    """The bit patterns of `values` (stored as `dtype`) as uint64."""
    np_type, _, uint = DTYPES[dtype]
    arr = np.ascontiguousarray(np.asarray(values, dtype=np_type))
    if dtype == "i1":
        return arr.astype(np.uint64)
    return arr.view(uint).astype(np.uint64)


def from_bits(b: np.ndarray, dtype: str) -> np.ndarray:
    np_type, _, uint = DTYPES[dtype]
    return np.asarray(b, dtype=np.uint64).astype(uint).view(np_type)


def tensor_type(shape: tuple[int, ...], dtype: str) -> str:
    element = DTYPES[dtype][1]
    if not shape:
        return f"tensor<{element}>"
    return "tensor<" + "x".join(str(d) for d in shape) + f"x{element}>"


# --------------------------------------------------------------------------
# Program builder
# --------------------------------------------------------------------------


@dataclass
class Output:
    name: str
    dtype: str
    count: int
    check: Callable[[np.ndarray], list[str]]  # bit patterns -> error messages


@dataclass
class Program:
    body: list[str] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    counter: int = 0

    def fresh(self, stem: str = "v") -> str:
        self.counter += 1
        return f"%{stem}{self.counter}"

    def const(self, values, dtype: str, shape: tuple[int, ...] | None = None) -> str:
        arr = np.asarray(values, dtype=DTYPES[dtype][0])
        if shape is not None:
            arr = arr.reshape(shape)
        name = self.fresh("c")
        ty = tensor_type(arr.shape, dtype)
        if dtype == "i1":
            flat = ["true" if v else "false" for v in arr.reshape(-1)]
        elif dtype == "i32":
            flat = [str(int(v)) for v in arr.reshape(-1)]
        else:
            width = 8 if dtype == "f32" else 4
            flat = [f"0x{int(b):0{width}X}" for b in bits(arr.reshape(-1), dtype)]
        if arr.ndim == 0:
            text = flat[0]
        else:
            text = nested(np.array(flat, dtype=object).reshape(arr.shape))
        self.body.append(f"{name} = arith.constant dense<{text}> : {ty}")
        return name

    def op(self, text: str, results: int = 1) -> list[str]:
        """Emits `text` (an op without its results) and returns result names."""
        names = [self.fresh() for _ in range(results)]
        self.body.append(f"{', '.join(names)} = {text}")
        return names

    def emit_print(self, value: str, shape: tuple[int, ...], dtype: str,
                   name: str, check: Callable[[np.ndarray], list[str]]) -> None:
        count = int(np.prod(shape)) if shape else 1
        ty = tensor_type(shape, dtype)
        flat_ty = tensor_type((count,), dtype)
        flat = value
        if len(shape) == 0:
            flat = self.fresh()
            self.body.append(f"{flat} = tensor.expand_shape {value} [] output_shape [1] : {ty} into {flat_ty}")
        elif len(shape) > 1:
            flat = self.fresh()
            dims = ", ".join(str(i) for i in range(len(shape)))
            self.body.append(f"{flat} = tensor.collapse_shape {value} [[{dims}]] : {ty} into {flat_ty}")
        dyn = self.fresh()
        element = DTYPES[dtype][1]
        self.body.append(f"{dyn} = tensor.cast {flat} : {flat_ty} to tensor<?x{element}>")
        self.body.append(f"func.call @print_{element}({dyn}) : (tensor<?x{element}>) -> ()")
        self.outputs.append(Output(name, dtype, count, check))

    def module(self) -> str:
        helpers = []
        for element, int_type in (("f32", "i32"), ("f16", "i16"), ("bf16", "i16"),
                                  ("i1", None), ("i32", None)):
            conv = (f"%b = arith.bitcast %v : {element} to {int_type}\n"
                    f"    %w = arith.extui %b : {int_type} to i64") if int_type else (
                    f"%w = arith.extui %v : {element} to i64")
            helpers.append(f"""
func.func @print_{element}(%t: tensor<?x{element}>) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %t, %c0 : tensor<?x{element}>
  scf.for %i = %c0 to %n step %c1 {{
    %v = tensor.extract %t[%i] : tensor<?x{element}>
    {conv}
    func.call @printI64(%w) : (i64) -> ()
    func.call @printNewline() : () -> ()
  }}
  return
}}""")
        body = "\n  ".join(self.body)
        return ("// Generated by mpt_numerics.py; do not edit.\n"
                "func.func private @printI64(i64)\n"
                "func.func private @printNewline()\n"
                + "\n".join(helpers)
                + f"\n\nfunc.func @main() {{\n  {body}\n  return\n}}\n")


def nested(arr: np.ndarray) -> str:
    if arr.ndim == 1:
        return "[" + ", ".join(arr.tolist()) + "]"
    return "[" + ", ".join(nested(a) for a in arr) + "]"


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def exact(reference: np.ndarray, dtype: str, strict: bool = False
          ) -> Callable[[np.ndarray], list[str]]:
    """Bit-exact; unless `strict`, a NaN reference accepts any NaN."""
    ref = np.asarray(reference, dtype=DTYPES[dtype][0]).reshape(-1)
    ref_bits = bits(ref, dtype)
    ref_nan = (np.isnan(ref.astype(np.float64)) if dtype not in ("i1", "i32") and not strict
               else np.zeros(ref.shape, bool))

    def check(out_bits: np.ndarray) -> list[str]:
        out = from_bits(out_bits, dtype)
        errors = []
        if dtype in ("i1", "i32"):
            bad = out_bits != ref_bits
        else:
            out_nan = np.isnan(out.astype(np.float64))
            bad = np.where(ref_nan, ~out_nan, out_bits != ref_bits)
        for i in np.flatnonzero(bad)[:10]:
            errors.append(f"[{i}] got 0x{int(out_bits[i]):X} ({out[i]!r}), "
                          f"expected 0x{int(ref_bits[i]):X} ({ref[i]!r})")
        if bad.any():
            errors.append(f"{int(bad.sum())} of {bad.size} elements differ")
        return errors

    return check


def close(reference: np.ndarray, magnitude: np.ndarray, ulps: float = 16.0
          ) -> Callable[[np.ndarray], list[str]]:
    """|out - ref| <= ulps * 2^-24 * magnitude (f32 rounding of a few ops)."""
    ref = np.asarray(reference, dtype=np.float64).reshape(-1)
    tol = ulps * F32_EPS * np.asarray(magnitude, dtype=np.float64).reshape(-1)

    def check(out_bits: np.ndarray) -> list[str]:
        out = from_bits(out_bits, "f32").astype(np.float64)
        err = np.abs(out - ref)
        bad = ~(err <= tol)
        errors = [f"[{i}] got {out[i]!r}, FP64 reference {ref[i]!r}, "
                  f"error {err[i]:.3g} > tolerance {tol[i]:.3g}"
                  for i in np.flatnonzero(bad)[:10]]
        if bad.any():
            errors.append(f"{int(bad.sum())} of {bad.size} elements outside FP32 tolerance")
        return errors

    return check


def f32(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float32)


# --------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------


def edge_f32() -> np.ndarray:
    """f32 values at the edges of f16 and bf16 rounding."""
    b = lambda *xs: np.array(xs, dtype=np.uint32).view(np.float32)  # noqa: E731
    values = [
        0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0,
        65504.0,                       # largest finite f16
        65519.99609375,                # just below the f16 overflow threshold
        65520.0,                       # rounds to inf in f16 (halfway to 2^16, even)
        -65520.0, 65536.0, 1e9,
        2.0 ** -14, 2.0 ** -14 - 2.0 ** -25,   # smallest normal f16, and just below
        2.0 ** -24,                    # smallest f16 subnormal
        2.0 ** -25,                    # tie between 0 and 2^-24: to even, 0
        3 * 2.0 ** -26,                # rounds up to 2^-24
        5 * 2.0 ** -25,                # tie between 2^-23 and 3*2^-24: to even 2^-23
        1e-8, 1e-8 * 65536.0,
        1.0 + 2.0 ** -11,              # f16 tie: to even, 1.0
        1.0 + 3 * 2.0 ** -11,          # f16 tie: to even, 1 + 2^-9
        1.0 + 2.0 ** -11 + 2.0 ** -20, # just above the f16 tie
        1.0 + 2.0 ** -8,               # bf16 tie: to even, 1.0
        1.0 + 3 * 2.0 ** -8,           # bf16 tie: to even, 1 + 2^-6
        1.0 + 2.0 ** -8 + 2.0 ** -20,  # just above the bf16 tie
        np.inf, -np.inf,
    ]
    specials = b(
        0x7F7FFFFF,  # FLT_MAX: bf16 inf, f16 inf
        0x7F7F7FFF,  # largest value that rounds down to a finite bf16
        0x7F7F8000,  # bf16 tie at the top: rounds to inf
        0x00000001,  # smallest f32 subnormal
        0x00400000,  # f32 subnormal exact in bf16
        0x80400000,
        0x7FC00000, 0xFFC00000,  # quiet NaNs
        0x7F800001, 0x7FA00000,  # signalling NaNs
        0x7FC12345, 0xFFFFFFFF,  # NaNs with payloads
    )
    return np.concatenate([np.array(values, dtype=np.float32), specials])


def case_casts(p: Program) -> None:
    rng = np.random.default_rng(7)
    edges = edge_f32()
    random_bits = rng.integers(0, 2 ** 32, size=4096, dtype=np.uint64).astype(np.uint32).view(np.float32)
    near_f16 = (rng.standard_normal(4096) * np.exp2(rng.integers(-26, 17, 4096))).astype(np.float32)
    x = np.concatenate([edges, random_bits, near_f16])
    n = x.size
    c = p.const(x, "f32")
    t32 = tensor_type((n,), "f32")
    (h,) = p.op(f"mpt.cast {c} : {t32} to {tensor_type((n,), 'f16')}")
    p.emit_print(h, (n,), "f16", "f32 -> f16", exact(x.astype(np.float16), "f16"))
    (bh,) = p.op(f"mpt.cast {c} : {t32} to {tensor_type((n,), 'bf16')}")
    p.emit_print(bh, (n,), "bf16", "f32 -> bf16", exact(x.astype(BF16), "bf16"))

    # Every f16 and every bf16 bit pattern.
    all16 = np.arange(2 ** 16, dtype=np.uint16)
    hs = all16.view(np.float16)
    ch = p.const(hs, "f16")
    th = tensor_type((2 ** 16,), "f16")
    (w,) = p.op(f"mpt.cast {ch} : {th} to {tensor_type((2 ** 16,), 'f32')}")
    p.emit_print(w, (2 ** 16,), "f32", "f16 -> f32", exact(hs.astype(np.float32), "f32"))
    (hb,) = p.op(f"mpt.cast {ch} : {th} to {tensor_type((2 ** 16,), 'bf16')}")
    p.emit_print(hb, (2 ** 16,), "bf16", "f16 -> bf16",
                 exact(hs.astype(np.float32).astype(BF16), "bf16"))
    bs = all16.view(BF16)
    cb = p.const(bs, "bf16")
    tb = tensor_type((2 ** 16,), "bf16")
    (wb,) = p.op(f"mpt.cast {cb} : {tb} to {tensor_type((2 ** 16,), 'f32')}")
    p.emit_print(wb, (2 ** 16,), "f32", "bf16 -> f32", exact(bs.astype(np.float32), "f32"))
    (bhh,) = p.op(f"mpt.cast {cb} : {tb} to {tensor_type((2 ** 16,), 'f16')}")
    p.emit_print(bhh, (2 ** 16,), "f16", "bf16 -> f16",
                 exact(bs.astype(np.float32).astype(np.float16), "f16"))


def sgd_reference(p, g, buf, inv, lr, momentum, dampening, wd, nesterov):
    """torch.optim.SGD with a zero-started buffer, in FP64."""
    p = np.asarray(p, np.float64)
    g = np.asarray(g, np.float64)
    if inv is not None:
        g = g * np.float64(inv)
    if wd:
        g = g + wd * p
    new_buf = None
    if momentum:
        new_buf = momentum * np.asarray(buf, np.float64) + (1 - dampening) * g
        g = g + momentum * new_buf if nesterov else new_buf
    return p - lr * g, new_buf


def adam_reference(p, g, m, v, t, inv, lr, beta1, beta2, eps, wd):
    p = np.asarray(p, np.float64)
    g = np.asarray(g, np.float64)
    if inv is not None:
        g = g * np.float64(inv)
    t = float(t) + 1.0
    p = p * (1 - lr * wd)
    m = beta1 * np.asarray(m, np.float64) + (1 - beta1) * g
    v = beta2 * np.asarray(v, np.float64) + (1 - beta2) * g * g
    mhat = m / (1 - beta1 ** t)
    vhat = v / (1 - beta2 ** t)
    return p - lr * mhat / (np.sqrt(vhat) + eps), m, v, t


def attr(x: float) -> str:
    """An f32 attribute spelled exactly (hex bit pattern)."""
    return f"0x{int(np.float32(x).view(np.uint32)):08X} : f32"


def case_sgd(p: Program) -> None:
    rng = np.random.default_rng(11)
    n = 64
    configs = [
        # name, grad dtype, lr, momentum, dampening, wd, nesterov, scale, wc dtype
        ("plain", "f32", 0.1, 0.0, 0.0, 0.0, False, None, None),
        ("momentum-f16-grad", "f16", 0.05, 0.9, 0.1, 1e-4, False, 1024.0, "f16"),
        ("nesterov-bf16-grad", "bf16", 0.01, 0.9, 0.0, 1e-2, True, None, "bf16"),
    ]
    for name, gdt, lr, mom, damp, wd, nest, scale, wc in configs:
        lr, mom, damp, wd = (float(np.float32(v)) for v in (lr, mom, damp, wd))
        param = f32(rng.standard_normal(n))
        buf = f32(np.zeros(n)) if mom else None
        ref_p = param.astype(np.float64)
        ref_buf = np.zeros(n) if mom else None
        cur_p = p.const(param, "f32")
        cur_buf = p.const(buf, "f32") if mom else None
        inv = float(np.float32(1.0 / scale)) if scale else None
        cinv = p.const(np.float32(inv), "f32") if scale else None
        for step in range(3):
            grad = rng.standard_normal(n) * (scale or 1.0)
            grad = np.asarray(grad, dtype=DTYPES[gdt][0])
            cg = p.const(grad, gdt)
            operands = f"{cur_p}, {cg}"
            if mom:
                operands += f" momentum_buffer({cur_buf})"
            if scale:
                operands += f" inv_scale({cinv})"
            attrs = [f"lr = {attr(lr)}"]
            if mom:
                attrs.append(f"momentum = {attr(mom)}")
            if damp:
                attrs.append(f"dampening = {attr(damp)}")
            if wd:
                attrs.append(f"weight_decay = {attr(wd)}")
            if nest:
                attrs.append("nesterov")
            types = tensor_type((n,), "f32")
            if gdt != "f32":
                types += ", " + tensor_type((n,), gdt)
            if wc:
                types += " -> " + tensor_type((n,), wc)
            results = 1 + (1 if mom else 0) + (1 if wc else 0)
            names = p.op(f"mpt.sgd {operands} {{{', '.join(attrs)}}} : {types}", results)
            new_ref_p, new_ref_buf = sgd_reference(ref_p, grad.astype(np.float64), ref_buf, inv,
                                                  lr, mom, damp, wd, nest)
            delta = np.abs(new_ref_p - ref_p)
            first = len(p.outputs)
            p.emit_print(names[0], (n,), "f32", f"sgd {name} step {step + 1} param",
                         close(new_ref_p, np.abs(new_ref_p) + delta, ulps=8))
            if mom:
                p.emit_print(names[1], (n,), "f32", f"sgd {name} step {step + 1} momentum",
                             close(new_ref_buf, np.abs(new_ref_buf) + np.abs(ref_buf) + 1e-30))
            if wc:
                # The working copy is the rounding of the stored parameter:
                # checked against the f32 value the op itself returned.
                p.emit_print(names[-1], (n,), wc, f"sgd {name} step {step + 1} working copy",
                             working_copy_check(first, wc))
            ref_p, ref_buf = new_ref_p, new_ref_buf
            cur_p = names[0]
            if mom:
                cur_buf = names[1]


def working_copy_check(param_output_index: int, dtype: str):
    """Marker: the working copy must equal the RNE cast of output #index."""
    return ("working-copy-of", param_output_index, dtype)


def case_sgd_pure_f16(p: Program) -> None:
    """An f16 parameter updated in f32 and rounded once: 1.0 + 1e-4 stays 1.0."""
    w = np.array([1.0, 1.0, 2048.0, 0.5, -3.0, 1e-3], dtype=np.float16)
    g = np.array([-1.0, -10.0, -1.0, 1.0, 100.0, -1.0], dtype=np.float32)
    lr = float(np.float32(1e-4))
    cw = p.const(w, "f16")
    cg = p.const(g, "f32")
    (out,) = p.op(f"mpt.sgd {cw}, {cg} {{lr = {attr(lr)}}} : {tensor_type((6,), 'f16')}, {tensor_type((6,), 'f32')}")
    # Reference: the f32 arithmetic of the op, rounded once to f16.
    ref = (w.astype(np.float32) - np.float32(lr) * g).astype(np.float16)
    p.emit_print(out, (6,), "f16", "pure f16 sgd", exact(ref, "f16"))


def case_adam(p: Program) -> None:
    rng = np.random.default_rng(13)
    n = 64
    configs = [
        ("adam", "f32", 1e-3, 0.9, 0.999, 1e-8, 0.0, None, None),
        ("adamw-f16-grad", "f16", 1e-2, 0.8, 0.99, 1e-6, 0.01, 4096.0, "f16"),
    ]
    for name, gdt, lr, b1, b2, eps, wd, scale, wc in configs:
        lr, b1, b2, eps, wd = (float(np.float32(v)) for v in (lr, b1, b2, eps, wd))
        param = f32(rng.standard_normal(n))
        ref = (param.astype(np.float64), np.zeros(n), np.zeros(n), 0.0)
        cur = [p.const(param, "f32"), p.const(np.zeros(n, np.float32), "f32"),
               p.const(np.zeros(n, np.float32), "f32"), p.const(np.float32(0), "f32")]
        inv = float(np.float32(1.0 / scale)) if scale else None
        cinv = p.const(np.float32(inv), "f32") if scale else None
        for step in range(3):
            grad = np.asarray(rng.standard_normal(n) * (scale or 1.0), dtype=DTYPES[gdt][0])
            cg = p.const(grad, gdt)
            operands = f"{cur[0]}, {cg}, {cur[1]}, {cur[2]}, {cur[3]}"
            if scale:
                operands += f" inv_scale({cinv})"
            attrs = (f"lr = {attr(lr)}, beta1 = {attr(b1)}, beta2 = {attr(b2)}, "
                     f"eps = {attr(eps)}, weight_decay = {attr(wd)}")
            types = tensor_type((n,), "f32")
            if gdt != "f32":
                types += ", " + tensor_type((n,), gdt)
            if wc:
                types += " -> " + tensor_type((n,), wc)
            names = p.op(f"mpt.adam {operands} {{{attrs}}} : {types}", 5 if wc else 4)
            new = adam_reference(ref[0], grad.astype(np.float64), ref[1], ref[2], ref[3], inv,
                                 lr, b1, b2, eps, wd)
            delta = np.abs(new[0] - ref[0])
            first = len(p.outputs)
            p.emit_print(names[0], (n,), "f32", f"{name} step {step + 1} param",
                         close(new[0], np.abs(new[0]) + delta * 64, ulps=8))
            p.emit_print(names[1], (n,), "f32", f"{name} step {step + 1} m",
                         close(new[1], np.abs(new[1]) + np.abs(ref[1]) + 1e-30))
            p.emit_print(names[2], (n,), "f32", f"{name} step {step + 1} v",
                         close(new[2], np.abs(new[2]) + np.abs(ref[2]) + 1e-30))
            p.emit_print(names[3], (), "f32", f"{name} step {step + 1} step count",
                         exact(np.float32(new[3]), "f32"))
            if wc:
                p.emit_print(names[4], (n,), wc, f"{name} step {step + 1} working copy",
                             working_copy_check(first, wc))
            ref = new
            cur = names[:4]


def special_f32(n: int, rng) -> np.ndarray:
    """Random values with NaN payloads, signed zeros, infinities, subnormals."""
    x = rng.standard_normal(n).astype(np.float32)
    specials = np.array([0x7FC12345, 0xFF800001, 0x80000000, 0x7F800000, 0xFF800000,
                         0x00000003, 0x807FFFFF, 0x3F800001], dtype=np.uint32).view(np.float32)
    x[: specials.size] = specials
    return x


def case_skip(p: Program) -> None:
    """found_inf = true: every state result is its input, bit for bit."""
    rng = np.random.default_rng(17)
    n = 32
    param = special_f32(n, rng)
    buf = special_f32(n, rng)[::-1].copy()
    grad = np.asarray(rng.standard_normal(n), np.float16)
    grad[3] = np.inf
    grad[4] = np.nan
    t = p.const(np.bool_(True), "i1")
    f = p.const(np.bool_(False), "i1")
    cp, cb, cg = p.const(param, "f32"), p.const(buf, "f32"), p.const(grad, "f16")
    inv = p.const(np.float32(0.5), "f32")
    ty, gty, hty = tensor_type((n,), "f32"), tensor_type((n,), "f16"), tensor_type((n,), "f16")
    names = p.op(f"mpt.sgd {cp}, {cg} momentum_buffer({cb}) inv_scale({inv}) found_inf({t}) "
                 f"{{lr = {attr(0.1)}, momentum = {attr(0.9)}, weight_decay = {attr(0.01)}, nesterov}} "
                 f": {ty}, {gty} -> {hty}", 3)
    p.emit_print(names[0], (n,), "f32", "skipped sgd param", exact(param, "f32", strict=True))
    p.emit_print(names[1], (n,), "f32", "skipped sgd momentum", exact(buf, "f32", strict=True))
    p.emit_print(names[2], (n,), "f16", "skipped sgd working copy",
                 exact(param.astype(np.float16), "f16"))

    # The same update with found_inf = false changes every finite parameter
    # whose gradient is finite (so the test above can fail).
    names = p.op(f"mpt.sgd {cp}, {cg} momentum_buffer({cb}) inv_scale({inv}) found_inf({f}) "
                 f"{{lr = {attr(0.1)}, momentum = {attr(0.9)}, weight_decay = {attr(0.01)}, nesterov}} "
                 f": {ty}, {gty} -> {hty}", 3)
    finite = np.isfinite(param) & np.isfinite(buf) & np.isfinite(grad.astype(np.float32))
    p.emit_print(names[0], (n,), "f32", "applied sgd param", differs(param, finite))

    m = np.abs(special_f32(n, rng))
    v = np.abs(special_f32(n, rng))
    step = p.const(np.float32(7.0), "f32")
    cm, cv = p.const(m, "f32"), p.const(v, "f32")
    names = p.op(f"mpt.adam {cp}, {cg}, {cm}, {cv}, {step} inv_scale({inv}) found_inf({t}) "
                 f"{{lr = {attr(1e-3)}, weight_decay = {attr(0.01)}}} : {ty}, {gty} -> {tensor_type((n,), 'bf16')}", 5)
    p.emit_print(names[0], (n,), "f32", "skipped adam param", exact(param, "f32", strict=True))
    p.emit_print(names[1], (n,), "f32", "skipped adam m", exact(m, "f32", strict=True))
    p.emit_print(names[2], (n,), "f32", "skipped adam v", exact(v, "f32", strict=True))
    p.emit_print(names[3], (), "f32", "skipped adam step", exact(np.float32(7.0), "f32", strict=True))
    p.emit_print(names[4], (n,), "bf16", "skipped adam working copy", exact(param.astype(BF16), "bf16"))
    names = p.op(f"mpt.adam {cp}, {cg}, {cm}, {cv}, {step} inv_scale({inv}) found_inf({f}) "
                 f"{{lr = {attr(1e-3)}, weight_decay = {attr(0.01)}}} : {ty}, {gty}", 4)
    p.emit_print(names[3], (), "f32", "applied adam step", exact(np.float32(8.0), "f32"))

    # Pure low precision: an f16 parameter is kept as stored.
    ph = np.array([0x7E01, 0xFC00, 0x8000, 0x0001, 0x3C00, 0x7BFF], dtype=np.uint16).view(np.float16)
    cph = p.const(ph, "f16")
    cgh = p.const(np.array([np.inf, 1, 1, 1, 1, 1], np.float32), "f32")
    (out,) = p.op(f"mpt.sgd {cph}, {cgh} found_inf({t}) {{lr = {attr(0.1)}}} : "
                  f"{tensor_type((6,), 'f16')}, {tensor_type((6,), 'f32')}")
    p.emit_print(out, (6,), "f16", "skipped pure f16 sgd", exact(ph, "f16", strict=True))


def differs(before: np.ndarray, where: np.ndarray):
    ref_bits = bits(before, "f32")

    def check(out_bits: np.ndarray) -> list[str]:
        same = (out_bits == ref_bits) & where
        return [f"{int(same.sum())} finite elements unchanged by a step that was not skipped"] if same.any() else []

    return check


def case_unscale(p: Program) -> None:
    """Unscale by 1/scale in f32 and found_inf over all gradients."""
    rng = np.random.default_rng(19)
    a = np.asarray(rng.standard_normal(24) * 1000, np.float16)
    a[:6] = np.array([1e-8 * 65536, 65504, -0.0, 2.0 ** -24, -65504, 0.0], np.float16)
    b = np.asarray(rng.standard_normal(10), BF16)
    c = f32(rng.standard_normal(5) * 1e30)
    for scale in (65536.0, 3.0, 2.0 ** -10):
        inv = np.float32(1.0) / np.float32(scale)
        cs = p.const(np.float32(scale), "f32")
        for label, (ga, gb, gc), found in (
                ("finite", (a, b, c), False),
                ("inf in the first", (with_value(a, 9, np.inf), b, c), True),
                ("NaN in the second", (a, with_value(b, 2, np.nan), c), True),
                ("-inf in the last", (a, b, with_value(c, 4, -np.inf)), True)):
            if scale != 65536.0 and label != "finite":
                continue
            names = p.op(
                f"mpt.unscale_and_check {p.const(ga, 'f16')}, {p.const(gb, 'bf16')}, {p.const(gc, 'f32')} "
                f"scale({cs}) : {tensor_type((24,), 'f16')}, {tensor_type((10,), 'bf16')}, "
                f"{tensor_type((5,), 'f32')} -> {tensor_type((24,), 'f32')}, "
                f"{tensor_type((10,), 'f32')}, {tensor_type((5,), 'f32')}", 4)
            for name, g, dtype, count in ((names[0], ga, "f16", 24), (names[1], gb, "bf16", 10),
                                          (names[2], gc, "f32", 5)):
                ref = g.astype(np.float32) * inv  # f32 multiply, like the op
                p.emit_print(name, (count,), "f32", f"unscaled ({label}, scale {scale})", exact(ref, "f32"))
            # Scaling by 1e30 * (1/2^-10) overflows f32: found_inf sees the
            # unscaled values.
            overflow = not np.all(np.isfinite(gc.astype(np.float32) * inv))
            p.emit_print(names[3], (), "i1", f"found_inf ({label}, scale {scale})",
                         exact(np.bool_(found or overflow), "i1"))

    # overflow_type = f16: also found when a scaled gradient rounds to an
    # infinity in f16 (numpy's f32 -> f16 conversion is the reference), here
    # at the edge: the largest f32 below 65520 fits, 65520 does not.
    edge = np.nextafter(np.float32(65520.0), np.float32(0.0))
    for label, gc in (("fits f16", f32([edge, -edge, 1.0, -3.0, 0.0])),
                      ("65520 does not fit f16", f32([1.0, -65520.0, 2.0, 0.0, 5.0])),
                      ("1e30 does not fit f16", f32([1.0, 2.0, 1e30, 0.0, 5.0]))):
        names = p.op(f"mpt.unscale_and_check {p.const(a, 'f16')}, {p.const(gc, 'f32')} "
                     f"scale({p.const(np.float32(65536.0), 'f32')}) {{overflow_type = f16}} : "
                     f"{tensor_type((24,), 'f16')}, {tensor_type((5,), 'f32')} -> "
                     f"{tensor_type((24,), 'f32')}, {tensor_type((5,), 'f32')}", 3)
        with np.errstate(over="ignore"):
            found = bool(np.isinf(gc.astype(np.float16)).any() or np.isinf(a).any())
        p.emit_print(names[2], (), "i1", f"found_inf (f16 range, {label})", exact(np.bool_(found), "i1"))

    # The gradient seed: 1.0, the scale, or the scale rounded to the loss type.
    loss = p.const(np.float32(2.5), "f32")
    lossh = p.const(np.float16(2.5), "f16")
    scale = p.const(np.float32(65520.0), "f32")
    (l32,) = p.op(f"mpt.loss {loss} : tensor<f32>")
    (lh,) = p.op(f"mpt.loss {lossh} : tensor<f16>")
    (s1,) = p.op(f"mpt.grad_seed {l32} : tensor<f32>")
    (s2,) = p.op(f"mpt.grad_seed {l32} scale({scale}) : tensor<f32>")
    (s3,) = p.op(f"mpt.grad_seed {lh} scale({scale}) : tensor<f16>")
    p.emit_print(l32, (), "f32", "loss", exact(np.float32(2.5), "f32"))
    p.emit_print(s1, (), "f32", "seed", exact(np.float32(1.0), "f32"))
    p.emit_print(s2, (), "f32", "scaled seed", exact(np.float32(65520.0), "f32"))
    p.emit_print(s3, (), "f16", "scaled f16 seed", exact(np.float16(np.inf), "f16"))


def with_value(g: np.ndarray, index: int, value) -> np.ndarray:
    g = g.copy()
    g[index] = value
    return g


def matmul_f32_sequential(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """C[m, n] = sum_k a[m, k] * b[k, n] in f32, k ascending, from 0."""
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    acc = np.zeros((a.shape[0], b.shape[1]), np.float32)
    for k in range(a.shape[1]):
        acc = acc + np.outer(a32[:, k], b32[k, :]).astype(np.float32)
    return acc


def conv_nhwc_f32_sequential(x, w, strides, dilations, padding):
    """linalg.conv_2d_nhwc_hwcf after a zero pad, summed kh, kw, c ascending."""
    top, left, bottom, right = padding
    x = np.pad(x.astype(np.float32), ((0, 0), (top, bottom), (left, right), (0, 0)))
    w = w.astype(np.float32)
    n, h, wd, c = x.shape
    kh, kw, _, f = w.shape
    oh = (h - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    acc = np.zeros((n, oh, ow, f), np.float32)
    for i in range(kh):
        for j in range(kw):
            for ch in range(c):
                patch = x[:, i * dilations[0]: i * dilations[0] + strides[0] * (oh - 1) + 1: strides[0],
                          j * dilations[1]: j * dilations[1] + strides[1] * (ow - 1) + 1: strides[1], ch]
                acc = acc + (patch[..., None] * w[i, j, ch][None, None, None, :]).astype(np.float32)
    return acc


def epilogue(acc, bias, relu):
    pre = acc if bias is None else (acc + bias.astype(np.float32)).astype(np.float32)
    out = np.maximum(pre, np.float32(0)) if relu else pre
    return pre, out


def case_fused(p: Program) -> None:
    rng = np.random.default_rng(23)
    # Matmul, f16 operands, f32 bias, ReLU, mask.
    a = np.asarray(rng.standard_normal((3, 7)) * 4, np.float16)
    b = np.asarray(rng.standard_normal((7, 5)) * 4, np.float16)
    bias = f32(rng.standard_normal(5))
    pre, out = epilogue(matmul_f32_sequential(a, b), bias, True)
    names = p.op(f"mpt.fused_matmul {p.const(a, 'f16')}, {p.const(b, 'f16')} "
                 f"bias({p.const(bias, 'f32')} : tensor<5xf32>) epilogue<bias_relu> aux<relu_mask> "
                 f": tensor<3x7xf16>, tensor<7x5xf16> -> tensor<3x5xf16>, tensor<3x5xi1>", 2)
    p.emit_print(names[0], (3, 5), "f16", "fused matmul f16", exact(out.astype(np.float16), "f16"))
    p.emit_print(names[1], (3, 5), "i1", "fused matmul relu mask", exact(pre > 0, "i1"))

    # Matmul, bf16, ReLU, pre-activation in bf16; large K so summation order
    # and the single rounding matter.
    a = np.asarray(rng.standard_normal((4, 64)), BF16)
    b = np.asarray(rng.standard_normal((64, 3)), BF16)
    pre, out = epilogue(matmul_f32_sequential(a, b), None, True)
    names = p.op(f"mpt.fused_matmul {p.const(a, 'bf16')}, {p.const(b, 'bf16')} epilogue<relu> "
                 f"aux<pre_activation> : tensor<4x64xbf16>, tensor<64x3xbf16> -> tensor<4x3xbf16>, tensor<4x3xbf16>", 2)
    p.emit_print(names[0], (4, 3), "bf16", "fused matmul bf16", exact(out.astype(BF16), "bf16"))
    p.emit_print(names[1], (4, 3), "bf16", "fused matmul pre-activation", exact(pre.astype(BF16), "bf16"))

    # Conv NHWC, f16, padding, strides, dilations, bias, ReLU.
    x = np.asarray(rng.standard_normal((2, 5, 6, 3)), np.float16)
    w = np.asarray(rng.standard_normal((3, 2, 3, 4)), np.float16)
    cb = f32(rng.standard_normal(4))
    strides, dilations, padding = (2, 1), (1, 2), (1, 0, 1, 2)
    acc = conv_nhwc_f32_sequential(x, w, strides, dilations, padding)
    _, out = epilogue(acc, cb, True)
    shape = acc.shape
    rty = tensor_type(shape, "f16")
    (y,) = p.op(f"mpt.fused_conv2d {p.const(x, 'f16')}, {p.const(w, 'f16')} "
                f"bias({p.const(cb, 'f32')} : tensor<4xf32>) layout<nhwc_hwcf> epilogue<bias_relu> "
                f"{{strides = array<i64: 2, 1>, dilations = array<i64: 1, 2>, padding = array<i64: 1, 0, 1, 2>}} "
                f": tensor<2x5x6x3xf16>, tensor<3x2x3x4xf16> -> {rty}")
    p.emit_print(y, shape, "f16", "fused conv nhwc f16", exact(out.astype(np.float16), "f16"))

    # Conv NCHW, bf16, no bias, no epilogue but the rounding.
    x = np.asarray(rng.standard_normal((1, 3, 4, 4)), BF16)
    w = np.asarray(rng.standard_normal((2, 3, 3, 3)), BF16)
    acc = conv_nchw_f32_sequential(x, w, (1, 1, 1, 1))
    shape = acc.shape
    (y,) = p.op(f"mpt.fused_conv2d {p.const(x, 'bf16')}, {p.const(w, 'bf16')} layout<nchw_fchw> "
                f"epilogue<none> {{padding = array<i64: 1, 1, 1, 1>}} "
                f": tensor<1x3x4x4xbf16>, tensor<2x3x3x3xbf16> -> {tensor_type(shape, 'bf16')}")
    p.emit_print(y, shape, "bf16", "fused conv nchw bf16", exact(acc.astype(BF16), "bf16"))


def lane_sum(x: np.ndarray, init: np.ndarray, lanes: int, add) -> np.ndarray:
    """A sum over the last axis of `x` (other leading reduction axes already
    folded into it by the caller) onto `init`, in the order
    mpt-vectorizable-loop-order documents for `lanes` lane partials: lane l
    sums elements m * lanes + l from -0.0; the lanes go onto `init` in
    order, then the elements past the last full group. `lanes` = 0 is the
    sequential order. `add` rounds like the code (f32 or f16 adds)."""
    n = x.shape[-1]
    acc = init.copy()
    if lanes and n >= 2 * lanes:
        groups = n // lanes
        partial = np.full(x.shape[:-1] + (lanes,), -0.0, x.dtype)
        for m in range(groups):
            partial = add(partial, x[..., m * lanes:(m + 1) * lanes])
        for l in range(lanes):
            acc = add(acc, partial[..., l])
        rest = range(groups * lanes, n)
    else:
        rest = range(n)
    for k in rest:
        acc = add(acc, x[..., k])
    return acc


def case_lanes(p: Program, lanes: int) -> None:
    """Reductions without a vectorizable output dimension, lowered by
    mpt-lower-to-cpu with reduction-lanes=`lanes` (8 or 0): each sum must
    have the bits of the documented order, and the data is such that the
    lane order and the sequential one differ on most sums (so that this
    test tells them apart)."""
    rng = np.random.default_rng(29)
    f32add = lambda a, b: (a.astype(np.float32) + b.astype(np.float32)).astype(np.float32)
    f16add = lambda a, b: (a.astype(np.float32) + b.astype(np.float32)).astype(np.float16)
    differs = []

    def reduce_op(x_name, x_shape, dtype, body, out_shape, init_value, maps, iterators, extra=()):
        out_ty = tensor_type(out_shape, dtype)
        element = DTYPES[dtype][1]
        (empty,) = p.op(f"tensor.empty() : {out_ty}")
        width = 8 if dtype == "f32" else 4
        pattern = int(bits(np.atleast_1d(init_value), dtype)[0])
        (value,) = p.op(f"arith.constant 0x{pattern:0{width}X} : {element}")
        (init,) = p.op(f"linalg.fill ins({value} : {element}) "
                       f"outs({empty} : {out_ty}) -> {out_ty}")
        ins = ", ".join([x_name] + [e[0] for e in extra])
        in_tys = ", ".join([tensor_type(x_shape, dtype)] + [e[1] for e in extra])
        args = ", ".join(f"%in{i}: {element}" for i in range(1 + len(extra)))
        (y,) = p.op(f"linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iterators}]}} "
                    f"ins({ins} : {in_tys}) outs({init} : {out_ty}) {{\n"
                    f"  ^bb0({args}, %acc: {element}):\n{body}\n  }} -> {out_ty}")
        return y

    def row_op(x_name, x_shape, dtype, body, init_value):
        """A reduction of [R, N] over N into [R] with `body`."""
        return reduce_op(x_name, x_shape, dtype, body, x_shape[:1], init_value,
                         "affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>",
                         '"parallel", "reduction"')

    # Row sums [4, 37] in f32 onto an init of 0.5: 4 groups of 8 and a tail
    # of 5; magnitudes spread over 2^-10 .. 2^10 so that the order shows.
    x = f32(rng.standard_normal((4, 37)) * np.exp2(rng.integers(-10, 11, (4, 37))))
    row = lambda k: lane_sum(x, np.full(4, 0.5, np.float32), k, f32add)
    ref = row(lanes)
    differs.append(row(8) != row(0))
    y = row_op(p.const(x, "f32"), (4, 37), "f32",
               "    %s = arith.addf %acc, %in0 : f32\n    linalg.yield %s : f32", 0.5)
    p.emit_print(y, (4,), "f32", f"row sums, lanes={lanes}", exact(ref, "f32", strict=True))

    # A loss-like full reduction of a product over [8, 32] to a scalar: the
    # batch loop outside, the split dimension inside.
    a = f32(rng.standard_normal((8, 32)) * np.exp2(rng.integers(-8, 9, (8, 32))))
    b = f32(rng.standard_normal((8, 32)))
    prod = (a * b).astype(np.float32)

    def full(k):
        if not k:
            return lane_sum(prod.reshape(-1), np.float32(0.0), 0, f32add)
        partial = np.full(k, -0.0, np.float32)
        for i in range(8):
            for m in range(32 // k):
                partial = f32add(partial, prod[i, m * k:(m + 1) * k])
        total = np.float32(0.0)
        for l in range(k):
            total = f32add(np.float32(total), partial[l])
        return total

    ref = full(lanes)
    differs.append(np.atleast_1d(full(8) != full(0)))
    y = reduce_op(p.const(a, "f32"), (8, 32), "f32",
                  "    %m = arith.mulf %in0, %in1 : f32\n    %s = arith.addf %m, %acc : f32\n"
                  "    linalg.yield %s : f32", (), 0.0,
                  "affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, "
                  "affine_map<(d0, d1) -> ()>", '"reduction", "reduction"',
                  extra=((p.const(b, "f32"), tensor_type((8, 32), "f32")),))
    p.emit_print(y, (), "f32", f"full sum of products, lanes={lanes}",
                 exact(np.atleast_1d(ref), "f32", strict=True))

    # f16 row sums [3, 40] accumulated in f16 (every add rounds to f16).
    h = np.asarray(rng.standard_normal((3, 40)) * 8, np.float16)
    half = lambda k: lane_sum(h, np.zeros(3, np.float16), k, f16add)
    ref = half(lanes)
    differs.append(half(8) != half(0))
    y = row_op(p.const(h, "f16"), (3, 40), "f16",
               "    %s = arith.addf %in0, %acc : f16\n    linalg.yield %s : f16", 0.0)
    p.emit_print(y, (3,), "f16", f"f16 row sums, lanes={lanes}", exact(ref, "f16", strict=True))

    # Row maxima [4, 19]: a NaN row, a row of -0.0 and +0.0, a row of -inf:
    # the maximum does not depend on the order.
    x = f32(rng.standard_normal((4, 19)))
    x[0, 11] = np.nan
    x[1] = np.where(np.arange(19) % 3 == 0, np.float32(0.0), np.float32(-0.0))
    x[2] = -np.inf
    ref = np.max(x, axis=1).astype(np.float32)
    y = row_op(p.const(x, "f32"), (4, 19), "f32",
               "    %s = arith.maximumf %acc, %in0 : f32\n    linalg.yield %s : f32", -np.inf)
    p.emit_print(y, (4,), "f32", f"row maxima, lanes={lanes}", exact(ref, "f32"))

    # 15 elements (< 2 x 8): sequential either way.
    x = f32(rng.standard_normal((2, 15)) * np.exp2(rng.integers(-10, 11, (2, 15))))
    ref = lane_sum(x, np.zeros(2, np.float32), 0, f32add)
    y = row_op(p.const(x, "f32"), (2, 15), "f32",
               "    %s = arith.addf %acc, %in0 : f32\n    linalg.yield %s : f32", 0.0)
    p.emit_print(y, (2,), "f32", "short row sums (sequential)", exact(ref, "f32", strict=True))

    changed = int(np.concatenate([np.atleast_1d(d) for d in differs]).sum())
    if changed < 5:
        sys.exit(f"case lanes: the data tells the lane order from the sequential one "
                 f"on only {changed} of 8 sums; choose other data")


def tanh_checked(x: np.ndarray) -> Callable[[np.ndarray], list[str]]:
    """f32 tanh against FP64 numpy: at most 0.5 ulp + 1e-4 from the exact
    value (correctly rounded but for values within 1e-4 ulp of a tie), the
    sign of zero kept, NaN for NaN."""
    exact64 = np.tanh(x.astype(np.float64))

    def check(out_bits: np.ndarray) -> list[str]:
        out = from_bits(out_bits, "f32")
        errors = []
        nan = np.isnan(x)
        if not np.all(np.isnan(out[nan])):
            errors.append("tanh(NaN) is not NaN")
        ok = ~nan
        ulp = np.spacing(np.abs(exact64[ok]).astype(np.float32)).astype(np.float64)
        err = np.abs(out[ok].astype(np.float64) - exact64[ok]) / ulp
        bad = np.flatnonzero(err > 0.5001)
        for i in bad[:10]:
            errors.append(f"tanh({x[ok][i]!r}) = {out[ok][i]!r}, exact {exact64[ok][i]!r}: {err[i]:.3f} ulp")
        zeros = ok & (x == 0)
        if np.any(np.signbit(out[zeros]) != np.signbit(x[zeros])):
            errors.append("tanh(+-0) lost the sign of zero")
        if bad.size:
            errors.append(f"{bad.size} of {err.size} values more than 0.5 ulp away")
        return errors

    return check


def case_tanh(p: Program) -> None:
    """f32 math.tanh as mpt-lower-to-cpu computes it (mpt-vectorizable-tanh):
    every power of two of the range, dense random values, the branch points
    (2^-5, 9.1) and their neighbours, and the special values."""
    rng = np.random.default_rng(31)
    specials = f32([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-38, 2.0 ** -5, 9.0, 9.011, 9.1,
                    9.2, 20.0, 88.0, 1e30, -1e30, 0.5, -0.5, 1.0, -1.0])
    near = f32([np.nextafter(f32(v), f32(s * np.inf)) for v in (2.0 ** -5, 9.1) for s in (-1, 1)])
    dense = f32(rng.uniform(-10, 10, 6000))
    small = f32(rng.uniform(-0.04, 0.04, 2000))
    logs = f32(np.exp2(rng.uniform(-40, 4, 2000)) * rng.choice([-1, 1], 2000))
    x = np.concatenate([specials, near, dense, small, logs]).astype(np.float32)
    shape = (x.size,)
    ty = tensor_type(shape, "f32")
    (empty,) = p.op(f"tensor.empty() : {ty}")
    (y,) = p.op(f"linalg.generic {{indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], "
                f"iterator_types = [\"parallel\"]}} ins({p.const(x, 'f32')} : {ty}) outs({empty} : {ty}) {{\n"
                f"  ^bb0(%in: f32, %out: f32):\n    %t = math.tanh %in : f32\n    linalg.yield %t : f32\n"
                f"  }} -> {ty}")
    p.emit_print(y, shape, "f32", f"tanh of {x.size} values", tanh_checked(x))


CASES = {
    "casts": case_casts,
    "sgd": lambda p: (case_sgd(p), case_sgd_pure_f16(p)),
    "adam": case_adam,
    "skip": case_skip,
    "unscale": case_unscale,
    "fused": case_fused,
    "lanes": lambda p: case_lanes(p, 8),
    "lanes0": lambda p: case_lanes(p, 0),
    "tanh": case_tanh,
    "fma": lambda p: case_matmuls(p, True),
    "fma0": lambda p: case_matmuls(p, False),
}

def conv_nchw_f32_sequential(x, w, padding):
    """linalg.conv_2d_nchw_fchw (stride 1) after a zero pad: its loops are
    (n, f, oh, ow, c, kh, kw), so the sum runs c, kh, kw ascending."""
    top, left, bottom, right = padding
    x = np.pad(x.astype(np.float32), ((0, 0), (0, 0), (top, bottom), (left, right)))
    w = w.astype(np.float32)
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    oh, ow = h - kh + 1, wd - kw + 1
    acc = np.zeros((n, f, oh, ow), np.float32)
    for ch in range(c):
        for i in range(kh):
            for j in range(kw):
                patch = x[:, ch, i:i + oh, j:j + ow]
                acc = acc + (patch[:, None] * w[:, ch, i, j][None, :, None, None]).astype(np.float32)
    return acc


def fma_f32(a, b, c) -> np.ndarray:
    """f32 fused multiply-add a * b + c rounded once, exactly: the product
    of two f32 values is exact in f64, the f64 sum is rounded to odd (its
    error, from TwoSum, sets the last bit), and rounding that to f32 is the
    correctly rounded result (53 >= 24 + 2 bits)."""
    a64, b64, c64 = (np.asarray(x, np.float32).astype(np.float64) for x in (a, b, c))
    p = a64 * b64
    s = p + c64
    v = s - p
    e = (p - (s - v)) + (c64 - v)
    even = (np.asarray(s).view(np.int64) & 1) == 0
    towards = np.nextafter(s, np.where(e > 0, np.inf, -np.inf))
    return np.where((e != 0) & even, towards, s).astype(np.float32)


def matmul_fma_sequential(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """C[..., m, n] = sum_k a[..., m, k] * b[..., k, n], k ascending from 0,
    each step one fused multiply-add (a batch dimension in front allowed)."""
    acc = np.zeros(a.shape[:-1] + b.shape[-1:], np.float32)
    for k in range(a.shape[-1]):
        acc = fma_f32(a[..., :, k, None], b[..., k, None, :], acc)
    return acc


def case_matmuls(p: Program, fused: bool) -> None:
    """f32 matmul-shaped ops (plain, transposed A, batched), lowered by
    mpt-lower-to-cpu with fma-matmuls=true (`fused`: each step of every sum
    one fused multiply-add) or false (a rounding after each multiplication
    and each addition), with any register tiles: the bits of the documented
    arithmetic, sums in k order. Shapes cover 16-lane tiles of 8 rows, a
    tile of 4 and a single row (21 x 64), 8-lane tiles (24 columns), an
    untiled matmul (7 columns) and a batched one; magnitudes spread over
    2^-6 .. 2^6 so that the two roundings differ on every output (on a
    third of all elements)."""
    rng = np.random.default_rng(31)

    def operand(shape):
        return f32(rng.standard_normal(shape) * np.exp2(rng.integers(-6, 7, shape)))

    differs = []

    def emit(name, a, b, a_map, maps, iterators):
        # The reference from [.., m, k] x [.., k, n] operands.
        a_mk = np.swapaxes(a, -1, -2) if a_map == "transposed" else a
        fma_ref = matmul_fma_sequential(a_mk, b)
        seq_ref = (matmul_f32_sequential(a_mk, b) if a_mk.ndim == 2 else
                   np.stack([matmul_f32_sequential(x, y) for x, y in zip(a_mk, b)]))
        differs.append(fma_ref != seq_ref)
        out_shape = a_mk.shape[:-1] + b.shape[-1:]
        out_ty = tensor_type(out_shape, "f32")
        (empty,) = p.op(f"tensor.empty() : {out_ty}")
        (zero,) = p.op("arith.constant 0.0 : f32")
        (init,) = p.op(f"linalg.fill ins({zero} : f32) outs({empty} : {out_ty}) -> {out_ty}")
        (y,) = p.op(f"linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iterators}]}} "
                    f"ins({p.const(a, 'f32')}, {p.const(b, 'f32')} : {tensor_type(a.shape, 'f32')}, "
                    f"{tensor_type(b.shape, 'f32')}) outs({init} : {out_ty}) {{\n"
                    f"  ^bb0(%a: f32, %b: f32, %o: f32):\n"
                    f"    %m = arith.mulf %a, %b : f32\n    %s = arith.addf %o, %m : f32\n"
                    f"    linalg.yield %s : f32\n  }} -> {out_ty}")
        ref = fma_ref if fused else seq_ref
        p.emit_print(y, out_shape, "f32", name, exact(ref, "f32", strict=True))

    plain = ("affine_map<(i, k, j) -> (i, k)>, affine_map<(i, k, j) -> (k, j)>, "
             "affine_map<(i, k, j) -> (i, j)>")
    loops3 = '"parallel", "reduction", "parallel"'
    for m, k, n in ((21, 20, 64), (5, 37, 24), (3, 5, 7)):
        emit(f"matmul {m}x{k}x{n}", operand((m, k)), operand((k, n)), "plain", plain, loops3)
    emit("matmul, A read as [k, i], 6x37x16", operand((37, 6)), operand((37, 16)), "transposed",
         "affine_map<(i, k, j) -> (k, i)>, affine_map<(i, k, j) -> (k, j)>, "
         "affine_map<(i, k, j) -> (i, j)>", loops3)
    emit("batched matmul 2x4x9x16", operand((2, 4, 9)), operand((2, 9, 16)), "plain",
         "affine_map<(b, i, k, j) -> (b, i, k)>, affine_map<(b, i, k, j) -> (b, k, j)>, "
         "affine_map<(b, i, k, j) -> (b, i, j)>", '"parallel", "parallel", "reduction", "parallel"')

    changed = np.concatenate([d.reshape(-1) for d in differs])
    if changed.mean() < 0.25 or not all(d.any() for d in differs):
        sys.exit(f"case matmuls: fused and separate roundings differ on only "
                 f"{changed.sum()} of {changed.size} elements; choose other data")


def build(case: str) -> Program:
    program = Program()
    CASES[case](program)
    return program


def parse_output(path: str) -> np.ndarray:
    with open(path) as f:
        return np.array([int(line) for line in f if line.strip()], dtype=np.uint64)


def check(case: str, path: str) -> int:
    program = build(case)
    values = parse_output(path)
    expected = sum(o.count for o in program.outputs)
    if values.size != expected:
        print(f"FAIL {case}: {values.size} printed values, expected {expected}")
        return 1
    failures = 0
    offset = 0
    chunks = []
    for output in program.outputs:
        chunks.append(values[offset: offset + output.count])
        offset += output.count
    for index, (output, chunk) in enumerate(zip(program.outputs, chunks)):
        checker = output.check
        if isinstance(checker, tuple) and checker[0] == "working-copy-of":
            _, source, dtype = checker
            stored = from_bits(chunks[source], program.outputs[source].dtype)
            checker = exact(stored.astype(DTYPES[dtype][0]), dtype)
        errors = checker(chunk)
        status = "ok" if not errors else "FAIL"
        print(f"{status:4} {output.name} ({output.count} values)")
        for error in errors:
            print(f"     {error}")
        failures += bool(errors)
    print(f"{case}: {len(program.outputs) - failures} of {len(program.outputs)} outputs match")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "gen" and argv[1] in CASES:
        sys.stdout.write(build(argv[1]).module())
        return 0
    if len(argv) == 3 and argv[0] == "check" and argv[1] in CASES:
        return check(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    print(f"cases: {', '.join(CASES)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
