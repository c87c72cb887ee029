"""Helpers for the PTX emulator's kernel tests.

Runs kernels through the `mpt-ptx-emu` driver (buffers as .npy files) and
compares results with references computed here, independently of the
emulator: FP64 numpy, exact Python integers, and exact rational rounding to
f16 / bf16 / f32 / f64 (`round_bits`), written from the IEEE 754 definition.

Every check prints `PASS <name>` or `FAIL <name>: ...`; `finish()` exits
non-zero if anything failed, so a lit RUN line fails too.
"""

import math
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np

_failures = []

# ---------------------------------------------------------------------------
# Running kernels
# ---------------------------------------------------------------------------


class Runner:
    def __init__(self, emu, ptx, tmp):
        self.emu = emu
        self.ptx = ptx
        self.tmp = tmp
        os.makedirs(tmp, exist_ok=True)
        self.count = 0
        self.last_stdout = ""

    def run(self, kernel, grid, block, args, shared=0, extra=()):
        """args: list of ("in", array) | ("inout", array) |
        ("out", dtype, shape) | (scalar_type, value). Returns the list of
        output arrays (inout and out, in order)."""
        cmd = [self.emu, self.ptx, "--kernel", kernel,
               "--grid", ",".join(map(str, grid)),
               "--block", ",".join(map(str, block))]
        if shared:
            cmd += ["--shared", str(shared)]
        outs = []
        for a in args:
            self.count += 1
            kind = a[0]
            if kind in ("in", "inout"):
                path = os.path.join(self.tmp, "a%d.npy" % self.count)
                np.save(path, np.ascontiguousarray(a[1]))
                cmd += ["--arg", "%s:%s" % (kind, path)]
                if kind == "inout":
                    outs.append((path, a[1].dtype, None))
            elif kind == "out":
                path = os.path.join(self.tmp, "a%d.npy" % self.count)
                dtype, shape = a[1], a[2]
                cmd += ["--arg", "out:%s:%s:%s" %
                        (path, dtype, ",".join(map(str, shape)))]
                outs.append((path, None, dtype))
            elif kind == "null":
                cmd += ["--arg", "null"]
            else:
                cmd += ["--arg", "%s:%s" % (kind, a[1])]
        cmd += list(extra)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        self.last_stdout = proc.stdout
        if proc.returncode != 0:
            fail(kernel, "mpt-ptx-emu failed:\n" + proc.stderr)
            finish()
        result = []
        for path, dtype, out_dtype in outs:
            arr = np.load(path)
            if out_dtype == "bf16":
                arr = arr.view(np.uint16)
            result.append(arr)
        return result


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------


def ok(name):
    print("PASS", name)


def fail(name, msg):
    print("FAIL %s: %s" % (name, msg))
    _failures.append(name)


def finish():
    if _failures:
        print("%d check(s) failed: %s" % (len(_failures), ", ".join(_failures)))
        sys.exit(1)
    print("ALL PASSED")
    sys.exit(0)


def check_equal(name, got, want, show=None):
    got = np.atleast_1d(np.asarray(got))
    want = np.atleast_1d(np.asarray(want))
    if got.shape != want.shape:
        return fail(name, "shape %s, expected %s" % (got.shape, want.shape))
    bad = np.nonzero(got != want)
    if len(bad[0]):
        i = tuple(b[0] for b in bad)
        extra = (" (%s)" % show(i)) if show else ""
        return fail(name, "%d mismatch(es); first at %s: got %r, expected %r%s"
                    % (len(bad[0]), i, got[i], want[i], extra))
    ok(name)


def check_close(name, got, want, atol, rtol=0.0):
    """|got - want| <= atol + rtol * |want| elementwise (atol may be an array);
    NaN must match NaN and infinities must match exactly."""
    got = np.atleast_1d(np.asarray(got, dtype=np.float64))
    want = np.atleast_1d(np.asarray(want, dtype=np.float64))
    if got.shape != want.shape:
        return fail(name, "shape %s, expected %s" % (got.shape, want.shape))
    nan_ok = np.isnan(got) == np.isnan(want)
    inf_w = np.isinf(want)
    inf_ok = ~inf_w | (got == want)
    tol = atol + rtol * np.abs(want)
    with np.errstate(invalid="ignore"):
        close = np.abs(got - want) <= tol
    good = nan_ok & inf_ok & (close | np.isnan(want) | inf_w)
    if not good.all():
        idx = np.argwhere(~good)[0]
        i = tuple(idx)
        return fail(name, "%d element(s) out of tolerance; first at %s: got "
                    "%r, expected %r (tolerance %r)" %
                    ((~good).sum(), i, got[i], want[i],
                     np.broadcast_to(tol, want.shape)[i]))
    ok(name)


def check_bits(name, got_bits, want_bits, is_nan):
    """Bit-exact comparison of float bit patterns, except that any NaN
    matches any NaN (payloads are not specified)."""
    got_bits = np.asarray(got_bits).astype(np.uint64)
    want_bits = np.asarray(want_bits).astype(np.uint64)
    gn = is_nan(got_bits)
    wn = is_nan(want_bits)
    good = np.where(wn, gn, got_bits == want_bits)
    if not good.all():
        i = tuple(np.argwhere(~good)[0])
        return fail(name, "%d mismatch(es); first at %s: got 0x%x, expected "
                    "0x%x" % ((~good).sum(), i, int(got_bits[i]),
                              int(want_bits[i])))
    ok(name)


# ---------------------------------------------------------------------------
# Exact rounding (IEEE 754 binary formats, written from the definition)
# ---------------------------------------------------------------------------

F16 = (5, 10)
BF16 = (8, 7)
F32 = (8, 23)
F64 = (11, 52)


def to_fraction(x):
    return x if isinstance(x, Fraction) else Fraction(float(x))


def round_bits(v, fmt, mode="rn"):
    """Rounds the real value v (Fraction, int, float incl. inf/nan) to the
    binary format fmt = (exponent bits, fraction bits) with mode rn (ties to
    even), rz, rm or rp. Returns the bit pattern as an int; NaN gives the
    all-ones (canonical) NaN."""
    ebits, mbits = fmt
    width = 1 + ebits + mbits
    inf = ((1 << ebits) - 1) << mbits
    nan = inf | ((1 << mbits) - 1)
    if isinstance(v, float):
        if math.isnan(v):
            return nan
        if math.isinf(v):
            return ((1 << (width - 1)) if v < 0 else 0) | inf
    if isinstance(v, float) and v == 0.0:
        return (1 << (width - 1)) if math.copysign(1.0, v) < 0 else 0
    v = Fraction(v)
    neg = v < 0
    sign = (1 << (width - 1)) if neg else 0
    a = -v if neg else v
    if a == 0:
        return sign
    bias = (1 << (ebits - 1)) - 1
    emin, emax = 1 - bias, bias
    e = a.numerator.bit_length() - a.denominator.bit_length()
    while Fraction(2) ** e > a:
        e -= 1
    while Fraction(2) ** (e + 1) <= a:
        e += 1
    q = max(e, emin) - mbits
    n = a / Fraction(2) ** q
    fl = n.numerator // n.denominator
    rem = n - fl
    if mode == "rn":
        up = rem > Fraction(1, 2) or (rem == Fraction(1, 2) and fl % 2 == 1)
    elif mode == "rz":
        up = False
    elif mode == "rm":
        up = neg and rem > 0
    elif mode == "rp":
        up = (not neg) and rem > 0
    else:
        raise ValueError(mode)
    N = fl + (1 if up else 0)
    m = N * Fraction(2) ** q
    maxval = (2 - Fraction(1, 2 ** mbits)) * Fraction(2) ** emax
    if m > maxval:
        to_inf = {"rn": True, "rz": False, "rm": neg, "rp": not neg}[mode]
        return sign | (inf if to_inf else inf - 1)
    if m == 0:
        return sign
    if m < Fraction(2) ** emin:
        return sign | int(m / Fraction(2) ** (emin - mbits))
    e2 = m.numerator.bit_length() - m.denominator.bit_length()
    while Fraction(2) ** e2 > m:
        e2 -= 1
    while Fraction(2) ** (e2 + 1) <= m:
        e2 += 1
    frac = int(m / Fraction(2) ** (e2 - mbits)) - (1 << mbits)
    return sign | ((e2 + bias) << mbits) | frac


def bits_value(bits, fmt):
    """The value of a bit pattern of fmt as a Fraction, or a float for
    inf/nan."""
    ebits, mbits = fmt
    bits = int(bits)
    neg = (bits >> (ebits + mbits)) & 1
    e = (bits >> mbits) & ((1 << ebits) - 1)
    f = bits & ((1 << mbits) - 1)
    bias = (1 << (ebits - 1)) - 1
    if e == (1 << ebits) - 1:
        return math.nan if f else (-math.inf if neg else math.inf)
    if e == 0:
        v = Fraction(f) * Fraction(2) ** (1 - bias - mbits)
    else:
        v = Fraction(f | (1 << mbits)) * Fraction(2) ** (e - bias - mbits)
    if neg:
        # keep -0 distinguishable for callers that care
        return -v if v != 0 else -0.0
    return v


def is_nan_bits(fmt):
    ebits, mbits = fmt

    def f(b):
        b = np.asarray(b).astype(np.uint64)
        e = (b >> np.uint64(mbits)) & np.uint64((1 << ebits) - 1)
        m = b & np.uint64((1 << mbits) - 1)
        return (e == np.uint64((1 << ebits) - 1)) & (m != 0)
    return f


def exact(x):
    """A float or Fraction as an exact Fraction (inf/nan kept as float)."""
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return x
    return Fraction(x)


def bits_to_f32(bits):
    return np.asarray(bits, dtype=np.uint32).view(np.float32)


def f32_bits(x):
    return np.asarray(x, dtype=np.float32).view(np.uint32)


def f16_from_bits(b):
    return np.asarray(b, dtype=np.uint16).view(np.float16)


def bf16_to_f32(b):
    b = np.asarray(b, dtype=np.uint16).astype(np.uint32) << np.uint32(16)
    return b.view(np.float32)


def ulp32(x):
    return np.spacing(np.abs(np.asarray(x, dtype=np.float32))).astype(np.float64)


def args(argv=None):
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("--emu", required=True)
    p.add_argument("--ptx", required=True)
    p.add_argument("--tmp", required=True)
    return p.parse_args(argv)
