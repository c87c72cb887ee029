"""Runs memref-level test functions through mpt's tensor-core lowering and
the PTX emulator, and compares the results with FP64 numpy references.

A test case is one `func.func` on memrefs (inputs, outputs, temporaries)
with the arrays its arguments start with and the expected outputs. The
harness:

  1. writes every case of a suite into one module and runs
     `mpt-opt --mpt-contractions-to-mma` (host IR with gpu.launch_func ops,
     kernels in gpu.module @mpt_kernels);
  2. lowers the gpu.module to PTX with mpt-opt's `mpt-gpu-to-ptx` (the
     device half of mpt-lower-to-cuda);
  3. reads each function's launches (kernel, grid, block, dynamic shared
     memory, operands) and host allocations (workspaces) from the host IR;
  4. runs the launches in order on `mpt-ptx-emu` (out-of-bounds, race and
     async-copy checks on) with every buffer in a .npy file: outputs and
     temporaries start as NaN (0xFF bytes; 2 for booleans) so an element the
     kernels forget to write fails the comparison;
  5. compares each output with its reference (see `check`).

Every check prints `PASS <case> ...` or `FAIL <case>: ...`; the script exits
non-zero when anything failed.
"""

import argparse
import os
import re
import subprocess
import sys

import numpy as np

try:
    import ml_dtypes
    BF16 = ml_dtypes.bfloat16
except ImportError:  # pragma: no cover - lit marks the tests unsupported
    ml_dtypes = None
    BF16 = None

FAILURES = []

# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------

NP_TYPES = {"f16": np.float16, "f32": np.float32, "i1": np.bool_}


def np_type(t):
    if t == "bf16":
        return BF16
    return NP_TYPES[t]


def memref(shape, t, layout=None):
    dims = "x".join(str(s) for s in shape)
    inner = ("%sx%s" % (dims, t)) if shape else t
    if layout:
        inner += ", " + layout
    return "memref<%s>" % inner


def rounded(rng, shape, t, scale=1.0):
    """Random values already rounded to `t`, as a `t` array (None without
    a generator: IR-only cases)."""
    if rng is None:
        return None
    x = rng.standard_normal(shape) * scale
    return x.astype(np_type(t))


def f64(a):
    if a.dtype == np.bool_:
        return a.astype(np.float64)
    return a.astype(np.float32).astype(np.float64) if a.dtype == BF16 \
        else a.astype(np.float64)


def ulp(x, t):
    """Spacing of type `t` at |x| (at least its smallest subnormal)."""
    x = np.abs(np.asarray(x, dtype=np.float64))
    if t == "f16":
        mant, emin = 10, -14
    elif t == "bf16":
        mant, emin = 7, -126
    else:
        mant, emin = 23, -126
    e = np.floor(np.log2(np.maximum(x, 2.0 ** emin)))
    return 2.0 ** (np.maximum(e, emin) - mant)


def round_to(x, t):
    """FP64 values rounded once to `t` (round to nearest even)."""
    if t == "f32":
        return np.asarray(x, dtype=np.float64).astype(np.float32)
    if t == "f16":
        return np.asarray(x, dtype=np.float64).astype(np.float16)
    # bf16: round to odd into f32 (truncate toward zero, set the last bit
    # when inexact: f32 keeps 16 more bits, so this never changes the bf16
    # result), then round to nearest even into bf16.
    x = np.asarray(x, dtype=np.float64)
    f = x.astype(np.float32)
    too_far = np.abs(f.astype(np.float64)) > np.abs(x)
    f = np.where(too_far, np.nextafter(f, np.float32(0)), f)
    bits = f.view(np.uint32).copy()
    inexact = (f.astype(np.float64) != x) & np.isfinite(x)
    bits[inexact] |= 1
    f = bits.view(np.float32)
    return f.astype(BF16)


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------


class Output:
    """An expected output: `ref` in FP64 (before rounding to the output
    type), `scale` the magnitude the error is measured against (sum of
    |products| plus |other terms|), `kind` float or mask (a comparison whose
    margin is `ref`)."""

    def __init__(self, ref, scale, kind="float"):
        self.ref = np.asarray(ref, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.kind = kind


class Case:
    def __init__(self, name):
        self.name = name
        self.args = []      # (name, type string, shape, array or None)
        self.body = []      # MLIR lines of the function body
        self.outputs = {}   # arg name -> Output
        self.maps = []

    def arg(self, name, shape, t, value=None):
        self.args.append((name, t, tuple(shape), value))
        return "%" + name

    def line(self, s):
        self.body.append("    " + s)

    def func_text(self):
        params = ", ".join("%%%s: %s" % (n, memref(s, t))
                           for n, t, s, _ in self.args)
        lines = ["  func.func @%s(%s) {" % (self.name, params)]
        lines += self.body
        lines += ["    return", "  }"]
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Compilation
# ---------------------------------------------------------------------------


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    return p


def extract_ptx(lowered):
    m = re.search(r'assembly = "((?:[^"\\]|\\.)*)"', lowered)
    if not m:
        return None
    s = m.group(1)
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            if re.match(r"[0-9A-Fa-f]{2}", s[i + 1:i + 3]):
                out.append(chr(int(s[i + 1:i + 3], 16)))
                i += 3
                continue
            out.append({"n": "\n", "t": "\t"}.get(s[i + 1], s[i + 1]))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def to_ptx(args, host_ir_path, tmp):
    """PTX of the gpu.module in `host_ir_path` (mpt-gpu-to-ptx, the device
    half of mpt's CUDA pipeline)."""
    out = os.path.join(tmp, "lowered.mlir")
    p = run([args.mpt_opt, host_ir_path, "--mpt-gpu-to-ptx", "-o", out])
    if p.returncode != 0:
        fail("compile", "mpt-gpu-to-ptx failed:\n" + p.stderr[-4000:])
        finish()
    ptx = extract_ptx(open(out).read())
    if ptx is None:
        fail("compile", "no PTX in the lowered module")
        finish()
    return ptx


# ---------------------------------------------------------------------------
# Host IR
# ---------------------------------------------------------------------------

VIEW_RE = re.compile(r"^\s*(%[\w.]+) = memref\.(subview|collapse_shape|"
                     r"expand_shape|transpose|cast|reinterpret_cast|view) "
                     r"(%[\w.]+)")
CONST_RE = re.compile(r"^\s*(%[\w.]+) = arith\.constant (-?\d+) : "
                      r"(index|i32|i64)\s*$")
ALLOC_RE = re.compile(r"^\s*(%[\w.]+) = memref\.alloc\(\)(?: \{[^}]*\})? : "
                      r"memref<([^>]*)>")
LAUNCH_RE = re.compile(r"gpu\.launch_func\s+@\w+::@(\w+) blocks in "
                       r"\(([^)]*)\) threads in \(([^)]*)\)\s+"
                       r"dynamic_shared_memory_size (%[\w.]+) args\((.*)\)")
KERNEL_RE = re.compile(r"gpu\.func @(\w+)\(.*mpt\.kernel_family = "
                       r"\"(\w+)\", mpt\.tile = \"(\w+)\"")


def parse_memref(spec):
    """'8x16xf32' (layout ignored) -> (shape, type)."""
    spec = spec.split(",")[0].strip()
    parts = spec.split("x")
    return tuple(int(p) for p in parts[:-1]), parts[-1]


def parse_host(text):
    """Per function: list of launches and allocs, in order."""
    funcs = {}
    kernels = {}
    cur = None
    for line in text.splitlines():
        m = re.match(r"\s*func\.func @(\w+)\(", line)
        if m:
            cur = {"consts": {}, "roots": {}, "allocs": {}, "launches": [],
                   "args": re.findall(r"(%arg\d+):", line)}
            for a in cur["args"]:
                cur["roots"][a] = a
            funcs[m.group(1)] = cur
            continue
        m = KERNEL_RE.search(line)
        if m:
            kernels[m.group(1)] = (m.group(2), m.group(3))
            cur = None
            continue
        if cur is None:
            continue
        m = CONST_RE.match(line)
        if m:
            cur["consts"][m.group(1)] = int(m.group(2))
            continue
        m = ALLOC_RE.match(line)
        if m:
            cur["allocs"][m.group(1)] = parse_memref(m.group(2))
            cur["roots"][m.group(1)] = m.group(1)
            continue
        m = VIEW_RE.match(line)
        if m:
            cur["roots"][m.group(1)] = cur["roots"].get(m.group(3),
                                                        m.group(3))
            continue
        m = LAUNCH_RE.search(line)
        if m:
            c = cur["consts"]
            grid = [c[v.strip()] for v in m.group(2).split(",")]
            block = [c[v.strip()] for v in m.group(3).split(",")]
            smem = c[m.group(4)]
            operands = re.findall(r"(%[\w.]+) : ", m.group(5))
            cur["launches"].append({
                "kernel": m.group(1), "grid": grid, "block": block,
                "smem": smem,
                "operands": [cur["roots"].get(o, o) for o in operands]})
    return funcs, kernels


# ---------------------------------------------------------------------------
# ptxas
# ---------------------------------------------------------------------------

ENTRY_RE = re.compile(r"Compiling entry function '(\w+)' for '(sm_\d+)'")
SPILL_RE = re.compile(r"(\d+) bytes spill stores, (\d+) bytes spill loads")
USED_RE = re.compile(r"Used (\d+) registers")


def ptxas_info(ptxas_bin, ptx_path, arch):
    """{kernel: {"regs": n, "spill": bytes}} from `ptxas -v`."""
    p = run([ptxas_bin, "-arch=" + arch, "-v", ptx_path, "-o",
             ptx_path + "." + arch + ".cubin"])
    if p.returncode != 0:
        fail("ptxas-" + arch, p.stderr[-3000:])
        finish()
    info, cur = {}, None
    for line in p.stderr.splitlines():
        m = ENTRY_RE.search(line)
        if m:
            cur = m.group(1)
            info[cur] = {"regs": 0, "spill": 0}
            continue
        if cur is None:
            continue
        m = SPILL_RE.search(line)
        if m:
            info[cur]["spill"] = int(m.group(1)) + int(m.group(2))
        m = USED_RE.search(line)
        if m:
            info[cur]["regs"] = int(m.group(1))
    return info


def check_spills(ptxas_bin, ptx_path):
    """Fails on any spill for sm_80 or sm_90; returns the ptxas info."""
    results = {}
    for arch in ("sm_80", "sm_90"):
        info = ptxas_info(ptxas_bin, ptx_path, arch)
        results[arch] = info
        spilled = sorted(k for k, v in info.items() if v["spill"])
        if spilled:
            fail("ptxas." + arch, "spills in " + ", ".join(
                "%s (%d bytes)" % (k, info[k]["spill"]) for k in spilled))
        else:
            ok("ptxas." + arch, "%d kernels, no spills, at most %d "
               "registers" % (len(info), max(v["regs"] for v in
                                             info.values())))
    return results


# ---------------------------------------------------------------------------
# Execution and checks
# ---------------------------------------------------------------------------


def initial(t, shape):
    if t == "i1":
        return np.full(shape, 2, dtype=np.uint8).view(np.bool_)
    a = np.full(shape, np.nan, dtype=np.float32).astype(np_type(t))
    return a


def save(path, a):
    np.save(path, np.ascontiguousarray(a))


def load(path, t):
    a = np.load(path)
    if t == "bf16":
        return a.view(np.uint16).view(BF16)
    if t == "i1":
        return a.view(np.uint8)
    return a


def check(case, name, t, got, out, tol):
    """Float outputs: |got - ref| <= tol * scale, plus half an ulp of the
    output type when it is narrower than f32 (the reference rounds the
    FP64 value once; the kernel rounds its f32 sum once). Masks: equal
    to ref > 0 except within tol * scale of zero. NaN (never written) or a
    mask byte that is not 0/1 always fails."""
    label = "%s.%s" % (case.name, name)
    ref, scale = out.ref, out.scale
    if got.shape != ref.shape:
        return fail(label, "shape %s, expected %s" % (got.shape, ref.shape))
    if out.kind == "mask":
        g = got.astype(np.int64)
        bad_bytes = (g != 0) & (g != 1)
        want = (ref > 0).astype(np.int64)
        ambiguous = np.abs(ref) <= tol * scale
        bad = bad_bytes | ((g != want) & ~ambiguous)
        if bad.any():
            i = tuple(np.argwhere(bad)[0])
            return fail(label, "%d wrong mask element(s); first at %s: got "
                        "%d, reference value %r" % (bad.sum(), i, g[i],
                                                    ref[i]))
        return ok(label, "mask")
    g = f64(got)
    if np.isnan(g).any():
        i = tuple(np.argwhere(np.isnan(g))[0])
        return fail(label, "%d NaN element(s) (never written?); first at %s"
                    % (np.isnan(g).sum(), i))
    bound = tol * scale
    if t in ("f16", "bf16"):
        bound = bound + 0.5 * ulp(ref, t) * (1 + 1e-9)
    err = np.abs(g - ref)
    bad = err > bound
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        return fail(label, "%d element(s) out of tolerance; first at %s: got "
                    "%r, reference %r, bound %r" % (bad.sum(), i, g[i], ref[i],
                                                    bound[i]))
    if t in ("f16", "bf16"):
        # Rounded results: the distance to the exact value in units of the
        # result type (0.5 = correctly rounded).
        return ok(label, "max |err| %.3f %s ulp" %
                  (float(np.max(err / ulp(ref, t))), t))
    rel = float(np.max(err / np.maximum(scale, 1e-300)))
    return ok(label, "max |err|/scale %.2e" % rel)


def ok(label, detail=""):
    print("PASS %s %s" % (label, detail))


def fail(label, msg):
    print("FAIL %s: %s" % (label, msg))
    FAILURES.append(label)


def finish():
    if FAILURES:
        print("%d check(s) failed: %s" % (len(FAILURES), ", ".join(FAILURES)))
        sys.exit(1)
    print("ALL PASSED")
    sys.exit(0)


def run_suite(args, cases, pass_options="", tol=1e-5):
    tmp = args.tmp
    os.makedirs(tmp, exist_ok=True)
    module = "module {\n%s\n}\n" % "\n".join(c.func_text() for c in cases)
    src = os.path.join(tmp, "cases.mlir")
    with open(src, "w") as f:
        f.write(module)
    host = os.path.join(tmp, "host.mlir")
    opt = "--mpt-contractions-to-mma"
    if pass_options:
        opt += "=" + pass_options
    p = run([args.mpt_opt, src, opt, "-o", host])
    if p.returncode != 0:
        fail("compile", "mpt-contractions-to-mma failed:\n" + p.stderr[-4000:])
        finish()
    ptx_path = os.path.join(tmp, "kernels.ptx")
    with open(ptx_path, "w") as f:
        f.write(to_ptx(args, host, tmp))
    if getattr(args, "ptxas", None):
        check_spills(args.ptxas, ptx_path)
    funcs, kernels = parse_host(open(host).read())
    for case in cases:
        info = funcs.get(case.name)
        if info is None:
            fail(case.name, "function missing after lowering")
            continue
        if not info["launches"]:
            fail(case.name, "nothing was lowered to a kernel")
            continue
        # Buffers: arguments by position, then host allocations.
        files, types = {}, {}
        for i, (name, t, shape, value) in enumerate(case.args):
            key = "%%arg%d" % i
            path = os.path.join(tmp, "%s_%s.npy" % (case.name, name))
            save(path, value if value is not None else initial(t, shape))
            files[key], types[key] = path, t
        for key, (shape, t) in info["allocs"].items():
            path = os.path.join(tmp, "%s_%s.npy" % (case.name, key[1:]))
            save(path, initial(t, shape))
            files[key], types[key] = path, t
        used = []
        failed = False
        for launch in info["launches"]:
            family, tile = kernels.get(launch["kernel"], ("?", "?"))
            used.append("%s[%s]" % (family, tile))
            cmd = [args.emu, ptx_path, "--kernel", launch["kernel"],
                   "--grid", ",".join(map(str, launch["grid"])),
                   "--block", ",".join(map(str, launch["block"])),
                   "--quiet"]
            if launch["smem"]:
                cmd += ["--shared", str(launch["smem"])]
            for o in launch["operands"]:
                if o not in files:
                    fail(case.name, "launch operand %s is not a buffer the "
                         "harness knows" % o)
                    failed = True
                    break
                cmd += ["--arg", "inout:" + files[o]]
            if failed:
                break
            p = run(cmd)
            if p.returncode != 0:
                fail(case.name, "%s: mpt-ptx-emu failed:\n%s" %
                     (launch["kernel"], p.stderr[-3000:]))
                failed = True
                break
        if failed:
            continue
        print("RAN %s with %s" % (case.name, " ".join(used)))
        for i, (name, t, shape, value) in enumerate(case.args):
            if name in case.outputs:
                got = load(files["%%arg%d" % i], t)
                check(case, name, t, got, case.outputs[name], tol)


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--mpt-opt", required=True)
    p.add_argument("--emu", required=True)
    p.add_argument("--tmp", required=True)
    p.add_argument("--suite", required=True)
    p.add_argument("--dtype", default="all", choices=["all", "f16", "bf16"])
    p.add_argument("--ptxas", help="also check every kernel for spills")
    return p.parse_args()
