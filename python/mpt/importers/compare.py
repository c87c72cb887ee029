"""mpt against the framework's own training, on the same initial values and batches.

``python -m mpt.importers.compare --framework torch --example cnn --steps 50``
imports the example, compiles it with ``mpt-compile`` (``--precision``),
trains it with ``mpt-run --load-state`` on a seeded synthetic data set, trains
the same model with the framework itself (FP32; ``--framework-amp`` adds the
framework's own mixed precision: ``torch.autocast`` + ``GradScaler`` for f16,
autocast for bf16) and prints per-step losses and their relative
differences. The tests (python/tests/test_importers.py) and the curves of
docs/importers.md use the functions here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..optim import SGD
from ..tools import REPO_ROOT, ToolNotFound, _first_executable
from .common import write_state


def find_tool(name: str) -> str:
    """``mpt-compile``/``mpt-run``: ``$MPT_BUILD_DIR/bin``, ``<repo>/build/bin``, then ``PATH``."""
    build_dir = os.environ.get("MPT_BUILD_DIR")
    found = _first_executable([Path(build_dir) / "bin" / name if build_dir else None,
                               REPO_ROOT / "build" / "bin" / name, name])
    if not found:
        raise ToolNotFound(f"{name} not found: build it (bash scripts/build.sh {name}) or set MPT_BUILD_DIR")
    return found


def teacher_data(x_shape: tuple[int, ...], samples: int, classes: int = 10, seed: int = 0):
    """``samples`` inputs (standard normal) labelled by a fixed random linear teacher."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, *x_shape)).astype(np.float32)
    w = rng.standard_normal((int(np.prod(x_shape)), classes))
    y = np.argmax(x.reshape(samples, -1) @ w, axis=1).astype(np.int32)
    return x, y


@dataclass
class Run:
    losses: np.ndarray
    scales: np.ndarray | None = None
    skipped: np.ndarray | None = None
    state: dict[str, np.ndarray] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    eval_loss: float | None = None
    states: list[dict[str, np.ndarray]] | None = None  # the state after each step (per-step runs)


def run_mpt(mlir: Path, state_dir: Path, x: np.ndarray, y: np.ndarray, precision: str, steps: int,
            work: Path, extra_compile: list[str] | None = None, test: tuple | None = None,
            per_step: bool = False) -> Run:
    """Compiles ``mlir`` and trains ``steps`` steps from ``state_dir`` on ``(x, y)`` in order.

    With ``test = (x_test, y_test)`` it then runs ``eval_step`` over them
    (``mpt-run --eval``) and sets ``Run.eval_loss`` (the mean over batches).
    With ``per_step`` it runs ``mpt-run`` once per step, each run resuming
    from the previous one's checkpoint (``--resume``, which also continues
    the data where the previous run stopped), and keeps every step's state in
    ``Run.states``."""
    data = work / "data" / "train"
    data.mkdir(parents=True, exist_ok=True)
    np.save(data / "x.npy", x)
    np.save(data / "y.npy", y)
    if test is not None:
        (work / "data" / "test").mkdir(parents=True, exist_ok=True)
        np.save(work / "data" / "test" / "x.npy", test[0])
        np.save(work / "data" / "test" / "y.npy", test[1])
    art = work / f"step-{precision}.mpt"
    t0 = time.perf_counter()
    subprocess.run([find_tool("mpt-compile"), str(mlir), f"--precision={precision}", "-o", str(art),
                    *(extra_compile or [])], check=True, capture_output=True, text=True)
    t1 = time.perf_counter()
    # (first step, steps, where it starts) of each mpt-run
    runs = [(k, 1, [f"--load-state={state_dir}"] if k == 0 else [f"--resume={work / f'ckpt-{precision}'}"])
            for k in range(steps)] if per_step else [(0, steps, [f"--load-state={state_dir}"])]
    recs, states = [], []
    for first, n, start in runs:
        last = first + n == steps
        suffix = f"-{first + n}" if per_step else ""
        report = work / f"report-{precision}{suffix}.json"
        dump = work / f"state-{precision}{suffix}"
        subprocess.run([find_tool("mpt-run"), str(art), *start, f"--data={work / 'data'}", f"--steps={n}",
                        f"--report={report}", f"--dump-state={dump}", "-q",
                        *([f"--checkpoint={work / f'ckpt-{precision}'}"] if per_step else []),
                        *(["--eval"] if test is not None and last else [])],
                       check=True, capture_output=True, text=True)
        rep = json.loads(report.read_text())
        recs += rep["steps"]
        states.append({p.stem: np.load(p) for p in dump.glob("*.npy")})
    t2 = time.perf_counter()
    losses = np.array([r["loss"] for r in recs], np.float64)
    scales = np.array([r["scale"] for r in recs], np.float64) if recs and "scale" in recs[0] else None
    skipped = np.array([bool(r.get("skipped", False)) for r in recs])
    run = Run(losses, scales, skipped, states[-1], {"compile": t1 - t0, "run": t2 - t1},
              states=states if per_step else None)
    if test is not None:
        run.eval_loss = float(rep["eval"]["loss"])
    return run


@contextlib.contextmanager
def work_dir(work: Path | None):
    """``work`` (created), or a temporary directory removed afterwards."""
    if work is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield Path(tmp)
    else:
        work.mkdir(parents=True, exist_ok=True)
        yield work


def import_and_run_mpt(import_step, name: str, x: np.ndarray, y: np.ndarray, precision: str, steps: int,
                       work: Path, extra_compile: list[str] | None = None) -> Run:
    """Imports a step with ``import_step()`` (an importer's ``Imported``; its
    time is ``Run.seconds["import"]``), writes it to ``work/<name>.mlir`` and
    its initial values to ``work/init``, and trains it with :func:`run_mpt`."""
    t0 = time.perf_counter()
    imp = import_step()
    t_import = time.perf_counter() - t0
    mlir = work / f"{name}.mlir"
    mlir.write_text(imp.text)
    write_state(imp.state, work / "init")
    ours = run_mpt(mlir, work / "init", x, y, precision, steps, work, extra_compile)
    ours.seconds["import"] = t_import
    return ours


def load_state(module, state: dict[str, np.ndarray]) -> None:
    """Sets ``module``'s parameters and buffers (not ``num_batches_tracked``, which
    mpt does not carry) from ``state`` (mpt's names), cast to their dtypes."""
    import torch
    with torch.no_grad():
        for k, v in list(module.named_parameters()) + list(module.named_buffers()):
            if not k.endswith("num_batches_tracked"):
                v.copy_(torch.from_numpy(np.asarray(state[k])))


def torch_train(module, loss_fn, x: np.ndarray, y: np.ndarray, batch: int, steps: int, opt: SGD,
                amp: str | None = None, init_scale: float = 65536.0, growth_interval: int = 2000,
                start: dict[str, np.ndarray] | None = None, first_step: int = 0) -> Run:
    """PyTorch's own training: ``amp`` None (FP32), "f16" (autocast + GradScaler) or "bf16" (autocast).

    The module's dtype is the precision of a run without ``amp`` (``.double()``
    for FP64; the batches are cast to it). ``start`` (mpt's state names, e.g.
    ``mpt-run --dump-state``'s files) replaces the module's parameters,
    buffers and SGD momentum buffers (``<param>.momentum``) first;
    ``first_step`` is the step the run starts at, which picks its first batch.
    ``Run.state`` holds the parameters, buffers and momentum buffers after
    the last step, under the same names."""
    import torch
    module = module.train()
    named = dict(module.named_parameters())
    dtype = next(iter(named.values())).dtype
    if start is not None:
        load_state(module, start)
    o = torch.optim.SGD(module.parameters(), lr=opt.lr, momentum=opt.momentum, dampening=opt.dampening,
                        weight_decay=opt.weight_decay, nesterov=opt.nesterov)
    if start is not None and opt.momentum:
        for k, p in named.items():
            if f"{k}.momentum" in start:
                o.state[p]["momentum_buffer"] = torch.tensor(np.asarray(start[f"{k}.momentum"]), dtype=dtype)
    scaler = torch.amp.GradScaler("cpu", init_scale=init_scale, growth_interval=growth_interval) \
        if amp == "f16" else None
    losses, scales = [], []
    per = len(x) // batch
    for s in range(first_step, first_step + steps):
        b = s % per
        xb = torch.from_numpy(x[b * batch:(b + 1) * batch]).to(dtype)
        yb = torch.from_numpy(y[b * batch:(b + 1) * batch]).long()
        o.zero_grad()
        if amp:
            with torch.autocast("cpu", dtype=torch.float16 if amp == "f16" else torch.bfloat16):
                loss = loss_fn(module(xb), yb)
        else:
            loss = loss_fn(module(xb), yb)
        if scaler:
            scaler.scale(loss).backward()
            scaler.step(o)
            scaler.update()
            scales.append(scaler.get_scale())  # after the update, as mpt-run reports it
        else:
            loss.backward()
            o.step()
        losses.append(float(loss.detach().double()))
    state = {k: v.detach().numpy().copy() for k, v in list(module.named_parameters()) +
             list(module.named_buffers()) if not k.endswith("num_batches_tracked")}
    for k, p in named.items():
        if "momentum_buffer" in o.state.get(p, {}):
            state[f"{k}.momentum"] = o.state[p]["momentum_buffer"].detach().numpy().copy()
    return Run(np.array(losses), np.array(scales) if scales else None, None, state)


def torch_steps_from(module, loss_fn, x: np.ndarray, y: np.ndarray, batch: int,
                     starts: list[dict[str, np.ndarray]], opt: SGD) -> Run:
    """PyTorch's step k from ``starts[k - 1]`` on batch k, for every k: one step each.

    With ``starts`` the initial state and mpt's state after each step
    (``run_mpt(..., per_step=True)``), every step of mpt's run is compared
    with PyTorch's from the very same state and batch, so a difference in
    one step cannot grow through the later ones. ``Run.losses[k - 1]`` is
    PyTorch's loss at step k and ``Run.states[k - 1]`` its state after it;
    ``module`` gives the architecture and the precision (``.double()``)."""
    import copy
    runs = [torch_train(copy.deepcopy(module), loss_fn, x, y, batch, 1, opt, start=s, first_step=k)
            for k, s in enumerate(starts)]
    return Run(np.array([r.losses[0] for r in runs]), state=runs[-1].state, states=[r.state for r in runs])


def compare_torch(example: str, steps: int, precision: str = "f32", batch: int = 8, lr: float = 0.02,
                  momentum: float = 0.9, work: Path | None = None, amp: bool = False, seed: int = 0,
                  init_scale: float = 65536.0, growth_interval: int = 2000):
    """(mpt run, torch FP32 run, torch mixed run or None) on the same start and batches.

    ``init_scale``/``growth_interval`` configure both mpt's dynamic loss
    scaling (f16) and GradScaler."""
    import copy
    from . import torch as ti
    m, loss_fn, x0, _ = ti.example(example, batch, seed)
    ref = copy.deepcopy(m)
    mixed = copy.deepcopy(m) if amp else None
    x, y = teacher_data(tuple(x0.shape[1:]), batch * steps, seed=seed + 1)
    opt = SGD(lr=lr, momentum=momentum)
    import torch
    scaling = [f"--init-scale={init_scale}", f"--growth-interval={growth_interval}"] \
        if precision == "f16" else []
    with work_dir(work) as w:
        ours = import_and_run_mpt(
            lambda: ti.import_model(m, loss_fn, torch.from_numpy(x[:batch]), torch.from_numpy(y[:batch]), opt,
                                    model_name=example),
            example, x, y, precision, steps, w, scaling)
    theirs = torch_train(ref, loss_fn, x, y, batch, steps, opt)
    theirs_amp = None
    if amp:
        theirs_amp = torch_train(mixed, loss_fn, x, y, batch, steps, opt,
                                 amp="bf16" if precision == "bf16" else "f16", init_scale=init_scale,
                                 growth_interval=growth_interval)
    return ours, theirs, theirs_amp


def rel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.abs(b), 1e-30)


def step_error(got: dict[str, np.ndarray], want: dict[str, np.ndarray], before: dict[str, np.ndarray],
               names=None) -> dict[str, float]:
    """Per tensor, how far ``got`` is from ``want`` relative to how far the step moved it:
    ``|got - want| / |want - before|`` (Frobenius norms, in float64)."""
    out = {}
    for k in (names if names is not None else want):
        w, b = np.asarray(want[k], np.float64), np.asarray(before[k], np.float64)
        out[k] = float(np.linalg.norm(np.asarray(got[k], np.float64) - w) /
                       max(np.linalg.norm(w - b), 1e-30))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mpt.importers.compare", description=__doc__.split("\n\n")[0])
    ap.add_argument("--framework", choices=("torch", "jax"), default="torch")
    ap.add_argument("--example", choices=("mlp", "cnn", "resnet18"), default="mlp")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--precision", choices=("f32", "f16", "bf16"), default="f32")
    ap.add_argument("--framework-amp", action="store_true", help="also train with the framework's mixed precision")
    ap.add_argument("--work", help="keep the files here")
    ap.add_argument("--init-scale", type=float, default=65536.0, help="f16: initial loss scale (both sides)")
    ap.add_argument("--growth-interval", type=int, default=2000, help="f16: clean steps before growth")
    ap.add_argument("--json", help="write the curves as JSON")
    a = ap.parse_args(argv)
    work = Path(a.work) if a.work else None
    if work:
        work.mkdir(parents=True, exist_ok=True)
    if a.framework == "torch":
        ours, theirs, mixed = compare_torch(a.example, a.steps, a.precision, a.batch, work=work,
                                            amp=a.framework_amp, init_scale=a.init_scale,
                                            growth_interval=a.growth_interval)
    else:
        from . import jax as ji
        ours, theirs, mixed = ji.compare(a.example, a.steps, a.precision, a.batch, work=work,
                                         amp=a.framework_amp)
    r = rel(ours.losses, theirs.losses)
    print(f"{a.framework} {a.example} {a.precision}: {a.steps} steps, max relative loss difference "
          f"{r.max():.3g} (step {int(r.argmax()) + 1}); compile {ours.seconds['compile']:.1f} s")
    if mixed is not None:
        rm = rel(mixed.losses, theirs.losses)
        print(f"  mean relative difference to the framework's f32: mpt {r.mean():.3g}, the framework's own "
              f"mixed precision {rm.mean():.3g} (max {rm.max():.3g})")
        if mixed.scales is not None and ours.scales is not None:
            same = np.array_equal(mixed.scales, ours.scales)
            print(f"  loss-scale sequence {'equals' if same else 'DIFFERS from'} GradScaler's "
                  f"({len(set(ours.scales.tolist()))} distinct values, {int(ours.skipped.sum())} skipped steps)")
    if a.json:
        Path(a.json).write_text(json.dumps({
            "mpt": ours.losses.tolist(), "framework": theirs.losses.tolist(),
            "framework_mixed": mixed.losses.tolist() if mixed is not None else None,
            "mpt_scale": ours.scales.tolist() if ours.scales is not None else None,
            "framework_scale": mixed.scales.tolist() if mixed is not None and mixed.scales is not None else None,
            "seconds": ours.seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
