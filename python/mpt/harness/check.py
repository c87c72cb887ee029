"""Runs one random training step through every tool and checks it.

:func:`check_graph` takes a spec (:mod:`mpt.harness.generate`) and runs these
*legs*, each a list of checks; a failed check is a :class:`Failure` with the
leg, a kind and a message:

``idempotent-f16``, ``idempotent-bf16``
    ``mpt-opt --mpt-mixed-precision=precision=P`` on the FP32 step, then
    again on its output: both runs succeed (the verifier runs after every
    pass) and the second prints exactly what the first printed.
``cpu-f32``
    ``mpt-compile --precision=f32``, then ``mpt-run --call=train_step`` with
    random inputs and random optimizer state (and ``--call=eval_step``): the
    loss, every new parameter and optimizer state tensor, and the eval
    step's loss and output equal the FP64 reference within the bounds of
    :mod:`mpt.harness.numerics` at f32.
``cpu-f16`` / ``cpu-bf16`` (one per graph, alternating)
    the same at the low precision (f16: dynamic loss scaling; bf16: none or,
    for every other graph, dynamic): masters and optimizer state within the
    bounds at that precision; each working copy is the new master rounded to
    nearest even; a clean step leaves the loss scale as it was and counts
    the growth tracker up to 1. A step whose gradients overflowed at the
    initial scale is counted as skipped and checked as below instead.
``skip-f16`` / ``skip-bf16`` (with loss scaling)
    the state after that step fed back with a loss scale of 2^40 (f16) or
    +inf (bf16), which no gradient survives: ``found_inf`` is set, every
    parameter, working copy and optimizer state tensor comes back bit for
    bit, and the scale is halved.
``cuda-P`` (every ``cuda_every``-th graph, P alternating between f32 and the
graph's low precision)
    ``mpt-compile --target=cuda``, the same calls on ``--device=cuda-emu``:
    every result equals the CPU's within the tolerances of
    test/Integration/EndToEnd/gpu-equals-cpu.py (relative to each tensor's
    largest magnitude: f32 1e-5, f16 1e-3, bf16 1e-2), ``found_inf`` and the
    loss-scale state bit for bit, and the skip check on the device too. A
    step with ``scf.for`` (the loop template) must instead be refused with a
    diagnostic naming the loop (the GPU path has no host control flow).

Any tool that dies by a signal or prints a crash report (``PLEASE submit a
bug report``, ``Assertion``, ``LLVM ERROR``, a sanitizer report) is kind
``crash``; an error mentioning verification is ``verifier``; a tool that runs
longer than the timeout is ``timeout``; any other unexpected error is
``error``; a numeric check is ``numeric``, ``idempotence``, ``skip`` or
``device``.
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import FrontendError
from . import numerics
from .generate import build, random_batch, random_opt_state

GPU_TOL = {"f32": 1e-5, "f16": 1e-3, "bf16": 1e-2}
SKIP_SCALE = {"f16": 2.0 ** 40, "bf16": float("inf")}
CRASH_MARKERS = ("PLEASE submit a bug report", "Stack dump", "Assertion `", "LLVM ERROR", "UNREACHABLE",
                 "AddressSanitizer", "UndefinedBehaviorSanitizer", "runtime error:", "Segmentation fault",
                 "terminate called", "Aborted")


@dataclass
class Failure:
    leg: str
    kind: str
    message: str

    def as_dict(self):
        return {"leg": self.leg, "kind": self.kind, "message": self.message}


@dataclass
class Result:
    seed: int | None
    spec: dict
    failures: list[Failure] = field(default_factory=list)
    legs: list[str] = field(default_factory=list)
    ratios: dict[str, float] = field(default_factory=dict)   # precision -> max error / allowed
    bounds: dict[str, list] = field(default_factory=dict)    # precision -> allowed / max |ref| per tensor
    counts: dict[str, int] = field(default_factory=dict)
    plan: dict = field(default_factory=dict)
    timing: dict[str, float] = field(default_factory=dict)
    tool_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of each tool's processes
    seconds: float = 0.0

    def count(self, key: str, n: int = 1):
        self.counts[key] = self.counts.get(key, 0) + n

    def as_dict(self):
        return {"seed": self.seed, "spec": self.spec, "failures": [f.as_dict() for f in self.failures],
                "legs": self.legs, "ratios": self.ratios,
                "bounds": {p: float(np.median(v)) for p, v in self.bounds.items()}, "counts": self.counts, "plan": self.plan, "timing": self.timing,
                "tool_cpu": self.tool_cpu,
                "seconds": self.seconds}


class LegFailed(Exception):
    """Stops a leg after its first failure (later checks depend on it)."""


# ------------------------------------------------------------------- tools
def tools_dir() -> Path:
    """``$MPT_TOOLS_DIR``, ``$MPT_BUILD_DIR/bin`` or ``<repo>/build/bin``."""
    d = os.environ.get("MPT_TOOLS_DIR")
    if d:
        return Path(d)
    b = os.environ.get("MPT_BUILD_DIR")
    if b:
        return Path(b) / "bin"
    return Path(__file__).resolve().parents[3] / "build" / "bin"


def find_tool(name: str) -> str:
    p = tools_dir() / name
    if not (p.is_file() and os.access(p, os.X_OK)):
        raise FileNotFoundError(f"{name} not found in {tools_dir()} (build it: ninja -C build {name}, or set "
                                f"MPT_TOOLS_DIR)")
    return str(p)


class Runner:
    """Runs tools for one graph, classifying failures."""

    def __init__(self, workdir: Path, result: Result, timeout: float):
        self.dir = workdir
        self.result = result
        self.timeout = timeout

    def path(self, name: str) -> str:
        return str(self.dir / name)

    def run(self, leg: str, tool: str, args: list[str], expect_ok: bool = True):
        cmd = [find_tool(tool), *args]
        shown = " ".join([tool, *args]).replace(str(self.dir) + "/", "")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout, errors="replace")
        except subprocess.TimeoutExpired:
            self.fail(leg, "timeout", f"{shown}: still running after {self.timeout:.0f} s")
        finally:
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            self.result.tool_cpu[tool] = round(self.result.tool_cpu.get(tool, 0.0) + cpu, 3)
        text = p.stderr + p.stdout
        if p.returncode < 0 or p.returncode >= 128 or any(m in text for m in CRASH_MARKERS):
            why = f"signal {-p.returncode}" if p.returncode < 0 else f"exit status {p.returncode}"
            self.fail(leg, "crash", f"{shown}: {why}\n{_tail(text)}")
        if expect_ok and p.returncode != 0:
            kind = "verifier" if ("verif" in text or "see current operation" in text) else "error"
            self.fail(leg, kind, f"{shown}: exit status {p.returncode}\n{_tail(text)}")
        return p

    def fail(self, leg: str, kind: str, message: str):
        self.result.failures.append(Failure(leg, kind, message))
        raise LegFailed()

    def check(self, leg: str, cond: bool, kind: str, message: str):
        if not cond:
            self.fail(leg, kind, message)


def _tail(text: str, lines: int = 25) -> str:
    t = text.strip().splitlines()
    return "\n".join(t[-lines:])


# ---------------------------------------------------------------- the legs
@dataclass
class Context:
    spec: dict
    step: object
    mlir: str
    batch: dict
    opt_state: dict
    params: dict
    run: Runner
    refs: dict = field(default_factory=dict)          # precision -> (ref, spread)
    cpu: dict = field(default_factory=dict)           # precision -> (artifact, signature, outputs)
    s1: dict = field(default_factory=dict)            # precision -> state after the CPU step (inputs for skips)

    @property
    def has_eval(self) -> bool:
        return "eval_step" in getattr(self.step, "functions", ("train_step", "eval_step"))


def _write_inputs(ctx: Context, sig: dict, values: dict, tag: str) -> list[str]:
    """``--input=NAME=FILE`` flags for the arguments of train_step found in ``values``."""
    d = ctx.run.dir / f"in-{tag}"
    d.mkdir(exist_ok=True)
    flags = []
    for a in sig["args"]:
        if a["name"] in values:
            f = d / f"{a['name']}.npy"
            np.save(f, values[a["name"]])
            flags.append(f"--input={a['name']}={f}")
    return flags


def _call(ctx: Context, leg: str, artifact: str, fn: str, sig: dict, values: dict, tag: str,
          device: str = "cpu") -> dict:
    """``{result key: array}`` of one ``mpt-run --call``; results are keyed by
    the argument they update, else their name, else their role."""
    flags = _write_inputs(ctx, sig, values, tag)
    out = ctx.run.dir / f"out-{tag}"
    ctx.run.run(leg, "mpt-run", [artifact, f"--call={fn}", f"--device={device}", *flags, f"--output-dir={out}", "-q"])
    res = {}
    for i, r in enumerate(sig["results"]):
        name = r.get("name")
        f = out / f"{name if name else i}.npy"
        ctx.run.check(leg, f.exists(), "error", f"mpt-run --call={fn} wrote no {f.name}")
        key = r.get("updates") or name or r["role"]
        res[key] = np.load(f)
    return res


def _signature(ctx: Context, leg: str, artifact: str) -> dict:
    p = ctx.run.run(leg, "mpt-artifact", ["signature", artifact])
    table = json.loads(p.stdout)
    return {f["name"]: f for f in table["functions"]}


def _compile(ctx: Context, leg: str, precision: str, target: str, extra: list[str]) -> tuple[str, dict]:
    art = ctx.run.path(f"{target}-{precision}.mpt")
    args = [ctx.run.path("step.mlir"), f"--precision={precision}", f"--target={target}", "-o", art, *extra]
    if target == "cuda":
        args.append("--quiet")
    ctx.run.run(leg, "mpt-compile", args)
    return art, _signature(ctx, leg, art)


def leg_idempotent(ctx: Context, precision: str):
    leg = f"idempotent-{precision}"
    pipe = f"--mpt-mixed-precision=precision={precision}"
    a, b = ctx.run.path(f"mp1-{precision}.mlir"), ctx.run.path(f"mp2-{precision}.mlir")
    ctx.run.run(leg, "mpt-opt", [ctx.run.path("step.mlir"), pipe, "-o", a])
    ctx.run.run(leg, "mpt-opt", [a, pipe, "-o", b])
    first, second = Path(a).read_text(), Path(b).read_text()
    if first != second:
        la, lb = first.splitlines(), second.splitlines()
        i = next((k for k, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
        ctx.run.fail(leg, "idempotence", f"a second mpt-mixed-precision changes line {i + 1}:\n"
                     f"  first:  {la[i] if i < len(la) else '<end>'}\n  second: {lb[i] if i < len(lb) else '<end>'}")


def _reference(ctx: Context, precision: str):
    if precision not in ctx.refs:
        ctx.refs[precision] = numerics.reference(ctx.step, ctx.params, ctx.opt_state, ctx.batch, precision,
                                                 seed=ctx.spec["seed"])
    return ctx.refs[precision]


def _check_numeric(ctx: Context, leg: str, precision: str, got: dict, keys, ref, bound):
    worst = 0.0
    rel = []
    for k in keys:
        ctx.run.check(leg, k in got, "error", f"no result for '{k}'")
        err, allowed = numerics.compare(got[k], ref[k], bound[k])
        ratio = err / allowed
        worst = max(worst, ratio)
        scale = float(np.max(np.abs(ref[k]), initial=0.0))
        rel.append(allowed / max(scale, 1e-30))
        if scale > 0 and allowed >= scale:
            # Rounding at this precision may move the result by its own size
            # (an ill-conditioned graph): the check still catches inf, NaN
            # and gross errors, not small ones. Counted in the figures.
            ctx.run.result.count(f"loose-bounds-{precision}")
        if not ratio <= 1.0:
            g = np.asarray(got[k], np.float64)
            ctx.run.fail(leg, "numeric",
                         f"'{k}' differs from the FP64 reference by {err:.3g} (allowed at {precision}: "
                         f"{allowed:.3g}; max |ref| {np.max(np.abs(ref[k]), initial=0):.3g});"
                         f" compiled {np.ravel(g)[:4]} vs FP64 {np.ravel(ref[k])[:4]}")
    r = ctx.run.result
    r.ratios[precision] = max(r.ratios.get(precision, 0.0), worst)
    r.bounds.setdefault(precision, []).extend(rel)


def _state_keys(ctx: Context):
    return [a.name for a in ctx.step.train_arguments() if a.role in ("param", "opt_state")]


def leg_cpu(ctx: Context, precision: str, loss_scale: str | None):
    leg = f"cpu-{precision}"
    extra = [f"--loss-scale={loss_scale}"] if loss_scale else []
    art, sigs = _compile(ctx, leg, precision, "cpu", extra)
    sig = sigs["train_step"]
    values = {**ctx.batch, **ctx.opt_state}
    got = _call(ctx, leg, art, "train_step", sig, values, f"cpu-{precision}")
    ctx.cpu[precision] = (art, sigs, got, values)
    ref, bound = _reference(ctx, precision)
    masters = _state_keys(ctx)
    skipped = bool(np.asarray(got.get("found_inf", False)))
    if skipped:
        # Gradients overflowed at the initial scale: a skipped step.
        ctx.run.result.count(f"overflow-skips-{precision}")
        _check_skipped(ctx, leg, sig, values, got, precision)
    else:
        _check_numeric(ctx, leg, precision, got, masters + ["loss"], ref, bound)
        _check_working_copies(ctx, leg, sig, got, precision)
        _check_clean_scale(ctx, leg, sig, got)
    ctx.s1[precision] = {a["name"]: got[a["name"]] for a in sig["args"]
                         if a["role"] != "input" and a["name"] in got}
    if ctx.has_eval and "eval_step" in sigs:
        ev = _call(ctx, leg, art, "eval_step", sigs["eval_step"], ctx.batch, f"cpu-{precision}-eval")
        _check_numeric(ctx, leg, precision, {"eval loss": ev["loss"], "eval output": ev["logits"]},
                       ["eval loss", "eval output"],
                       {"eval loss": ref["loss"], "eval output": ref["output"]},
                       {"eval loss": bound["loss"], "eval output": bound["output"]})


def _check_working_copies(ctx: Context, leg: str, sig: dict, got: dict, precision: str):
    for a in sig["args"]:
        if a["role"] != "working_copy":
            continue
        src = a["init"]["source"]
        want = numerics.round_to(got[src], precision)
        have = got[a["name"]]
        ctx.run.check(leg, have.tobytes() == want.tobytes(), "numeric",
                      f"working copy '{a['name']}' is not the new master '{src}' rounded to {precision}")


def _scale_names(sig: dict):
    return {a["name"] for a in sig["args"] if a["role"] == "loss_scale_state"}


def _check_clean_scale(ctx: Context, leg: str, sig: dict, got: dict):
    names = _scale_names(sig)
    if "loss_scale.scale" in names:
        init = next(a for a in sig["args"] if a["name"] == "loss_scale.scale")["init"]["value"]
        ctx.run.check(leg, float(got["loss_scale.scale"]) == init, "numeric",
                      f"a clean step changed the loss scale {init} to {float(got['loss_scale.scale'])}")
    if "loss_scale.growth_tracker" in names:
        ctx.run.check(leg, int(got["loss_scale.growth_tracker"]) == 1, "numeric",
                      f"a clean step left the growth tracker at {int(got['loss_scale.growth_tracker'])}, not 1")


def _check_skipped(ctx: Context, leg: str, sig: dict, given: dict, got: dict, precision: str):
    """A skipped step returns every parameter, working copy and optimizer
    state tensor bit for bit and halves the scale."""
    ctx.run.check(leg, bool(np.asarray(got["found_inf"])), "skip",
                  "found_inf is not set although no gradient can be finite at this scale")
    init = {a["name"]: a for a in sig["args"]}
    for a in sig["args"]:
        if a["role"] in ("param", "working_copy", "opt_state"):
            before = given.get(a["name"])
            if before is None:
                before = _initial_value(ctx, a, precision)
            if before is None:
                continue
            ctx.run.check(leg, np.asarray(before).tobytes() == got[a["name"]].tobytes(), "skip",
                          f"a skipped step changed '{a['name']}'")
    if "loss_scale.scale" in init:
        s = given.get("loss_scale.scale")
        s = float(init["loss_scale.scale"]["init"]["value"]) if s is None else float(s)
        want = np.float32(s) * np.float32(0.5)
        ctx.run.check(leg, float(got["loss_scale.scale"]) == float(want), "skip",
                      f"a skipped step took the scale {s} to {float(got['loss_scale.scale'])}, not {float(want)}")


def _initial_value(ctx: Context, a: dict, precision: str):
    p = ctx.params.get(a["name"])
    if p is not None:
        return np.asarray(p, np.float32)
    if a["role"] == "working_copy":
        return numerics.round_to(ctx.params[a["init"]["source"]], precision)
    if a["name"] in ctx.opt_state:
        return ctx.opt_state[a["name"]]
    return None


def leg_skip(ctx: Context, precision: str, device: str = "cpu", artifact=None, sigs=None):
    leg = f"skip-{precision}" if device == "cpu" else f"cuda-{precision}"
    art, cpu_sigs, _, _ = ctx.cpu[precision]
    artifact, sigs = artifact or art, sigs or cpu_sigs
    sig = sigs["train_step"]
    if "loss_scale.scale" not in _scale_names(sig):
        return
    state = dict(ctx.s1[precision])
    state["loss_scale.scale"] = np.asarray(SKIP_SCALE[precision], np.float32)
    values = {**ctx.batch, **state}
    got = _call(ctx, leg, artifact, "train_step", sig, values, f"skip-{device}-{precision}", device)
    if not bool(np.asarray(got["found_inf"])) and float(got["loss"]) == 0.0 and \
            ctx.spec.get("head", {}).get("loss", "xent") == "xent":
        # A saturated softmax (the label's probability exactly 1, after the
        # first step's update) has a loss of exactly 0 and gradients of
        # exactly 0, which no scale makes overflow: nothing to skip.
        ctx.run.result.count(f"skip-impossible-zero-gradient-{device}")
        return
    _check_skipped(ctx, leg, sig, values, got, precision)
    ctx.run.result.count(f"skip-checks-{device}")


def leg_cuda(ctx: Context, precision: str, loss_scale: str | None):
    leg = f"cuda-{precision}"
    extra = [f"--loss-scale={loss_scale}"] if loss_scale else []
    if ctx.spec["kind"] == "loop":
        # The GPU path has no host control flow: a step that keeps its
        # scf.for is one diagnostic at the loop. (A single-trip loop is
        # folded away by canonicalization and compiles like any step.)
        art = ctx.run.path(f"cuda-{precision}.mpt")
        p = ctx.run.run(leg, "mpt-compile", [ctx.run.path("step.mlir"), f"--precision={precision}",
                                             "--target=cuda", "--quiet", "-o", art, *extra], expect_ok=False)
        if p.returncode != 0:
            ctx.run.check(leg, p.returncode == 1 and "error:" in p.stderr and "scf.for" in p.stderr
                          and not os.path.exists(art), "error",
                          f"a step with scf.for on the GPU path must be one diagnostic naming the loop, got exit "
                          f"status {p.returncode}:\n{_tail(p.stderr)}")
            ctx.run.result.count("cuda-loop-diagnostics")
            return
        ctx.run.result.count("cuda-loop-folded")
        sigs = _signature(ctx, leg, art)
    else:
        art, sigs = _compile(ctx, leg, precision, "cuda", extra)
    _, cpu_sigs, cpu_got, values = ctx.cpu[precision]
    got = _call(ctx, leg, art, "train_step", sigs["train_step"], values, f"cuda-{precision}", "cuda-emu")
    ctx.run.check(leg, set(got) == set(cpu_got), "device", f"results differ: {sorted(got)} vs {sorted(cpu_got)}")
    ref, bound = _reference(ctx, precision)
    skipped = bool(np.asarray(got.get("found_inf", False)))
    if not skipped:
        # The device's own results against the FP64 reference, as the CPU's.
        _check_numeric(ctx, leg, precision, got, _state_keys(ctx) + ["loss"], ref, bound)
    for k in sorted(cpu_got):
        c, g = cpu_got[k], got[k]
        ctx.run.check(leg, c.dtype == g.dtype and c.shape == g.shape, "device", f"'{k}' has another type on the GPU")
        if k == "found_inf" or k.startswith("loss_scale."):
            ctx.run.check(leg, c.tobytes() == g.tobytes(), "device",
                          f"'{k}' is {g} on cuda-emu and {c} on the CPU (must be bit-identical)")
            continue
        if c.dtype.kind in "iub" and not (c.dtype == np.uint16):
            ctx.run.check(leg, c.tobytes() == g.tobytes(), "device", f"'{k}' differs between the devices")
            continue
        cf = _as_float(c, precision)
        gf = _as_float(g, precision)
        scale = max(float(np.max(np.abs(cf), initial=0.0)), float(np.finfo(np.float32).tiny))
        diff = float(np.max(np.abs(cf - gf), initial=0.0))
        if not (np.all(np.isfinite(cf)) and np.all(np.isfinite(gf))):
            diff = 0.0 if c.tobytes() == g.tobytes() else math.inf
        # gpu-equals-cpu.py's tolerance, relative to the tensor's largest
        # value. It assumes the devices differ by the last rounding only; a
        # tensor whose typical rounding spread (bound / SAFETY) is already
        # more than half of it (a gradient that cancels to noise, e.g. of an
        # attention key bias, where any order of summation gives other
        # noise) may differ by what each device may be off from FP64.
        allowed = GPU_TOL[precision] * scale
        fp64 = 0.0
        if k in bound and not skipped and 2 * bound[k] / numerics.SAFETY > allowed:
            fp64 = 2 * bound[k]
            allowed = max(allowed, fp64)
            ctx.run.result.count("device-checks-by-fp64-bound")
        ctx.run.result.ratios[f"cuda-{precision}"] = max(ctx.run.result.ratios.get(f"cuda-{precision}", 0.0),
                                                         diff / allowed)
        ctx.run.check(leg, diff <= allowed, "device",
                      f"'{k}' differs by {diff / scale:.3g} (relative to its largest value) between cuda-emu and the "
                      f"CPU; allowed {allowed / scale:.3g} (tolerance {GPU_TOL[precision]}, FP64 bound "
                      f"{fp64 / scale:.3g})")
    leg_skip(ctx, precision, "cuda-emu", art, sigs)


def _as_float(a: np.ndarray, precision: str) -> np.ndarray:
    if a.dtype == np.uint16:  # bf16 bits
        return (a.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return a.astype(np.float64)


# ----------------------------------------------------------------- a graph
def plan(spec: dict, index: int, cuda_every: int):
    """The precisions of graph ``index`` (unless its spec fixes them in
    ``"plan"``, as minimised regression inputs do): its low precision (f16 or bf16 by
    its seed), whether bf16 gets dynamic loss scaling (every other bf16
    graph), and the precision of its cuda leg (None: none; every
    ``cuda_every``-th graph, cycling through f32, f16 and bf16, which then
    is the graph's low precision too)."""
    low = "f16" if spec["seed"] % 2 == 0 else "bf16"
    cuda = None
    if cuda_every and index % cuda_every == 0:
        cuda = ("f32", "f16", "bf16")[(index // cuda_every) % 3]
        if cuda != "f32":
            low = cuda
    loss_scale = "dynamic" if low == "bf16" and (spec["seed"] // 2) % 2 == 0 else None
    return low, loss_scale, cuda


def check_graph(spec: dict, *, index: int = 0, cuda_every: int = 5, legs: set[str] | None = None,
                timeout: float = 300.0, keep: Path | None = None, seed: int | None = None) -> Result:
    """Runs the legs of one spec (all, or only those named in ``legs``) and
    returns what failed. The working directory is removed unless something
    failed and ``keep`` names where to keep it."""
    start = time.monotonic()
    result = Result(seed, spec)
    tmp = Path(tempfile.mkdtemp(prefix="mpt-harness-"))
    try:
        run = Runner(tmp, result, timeout)
        try:
            step = build(spec)
            mlir = step.to_mlir()
        except (FrontendError, ValueError) as e:
            result.failures.append(Failure("build", "frontend", str(e)))
            return result
        (tmp / "step.mlir").write_text(mlir)
        ctx = Context(spec, step, mlir, random_batch(spec, step, spec["seed"]),
                      random_opt_state(step, spec["seed"]),
                      {k: np.asarray(v, np.float32) for k, v in step.init_params().items()}, run)
        if "plan" in spec:
            p = spec["plan"]
            low, loss_scale, cuda = p["low"], p["loss_scale"], p["cuda"]
        else:
            low, loss_scale, cuda = plan(spec, index, cuda_every)
        result.plan = {"low": low, "loss_scale": loss_scale, "cuda": cuda}
        todo = [("idempotent-f16", lambda: leg_idempotent(ctx, "f16")),
                ("idempotent-bf16", lambda: leg_idempotent(ctx, "bf16")),
                ("cpu-f32", lambda: leg_cpu(ctx, "f32", None)),
                (f"cpu-{low}", lambda: leg_cpu(ctx, low, loss_scale)),
                (f"skip-{low}", lambda: leg_skip(ctx, low))]
        if cuda:
            todo.append((f"cuda-{cuda}", lambda: leg_cuda(ctx, cuda, loss_scale if cuda == low else None)))
        needs = {"skip-f16": "cpu-f16", "skip-bf16": "cpu-bf16", "cuda-f32": "cpu-f32", "cuda-f16": "cpu-f16",
                 "cuda-bf16": "cpu-bf16"}
        wanted = set(legs) if legs is not None else {name for name, _ in todo}
        for name in list(wanted):
            if name in needs:
                wanted.add(needs[name])
        for name, fn in todo:
            if name not in wanted:
                continue
            if name in needs and needs[name] not in result.legs:
                continue
            t0 = time.monotonic()
            try:
                fn()
                result.legs.append(name)
            except LegFailed:
                pass
            result.timing[name] = round(time.monotonic() - t0, 3)
        return result
    finally:
        result.seconds = time.monotonic() - start
        if result.failures and keep is not None:
            dest = keep / f"graph-{seed if seed is not None else spec['seed']}"
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(tmp, dest)
        shutil.rmtree(tmp, ignore_errors=True)
