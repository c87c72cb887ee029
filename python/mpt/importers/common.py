"""What the JAX and PyTorch importers share: the training-step module they write.

A framework importer exports two functions as linalg-on-tensors text:

- ``fwd_bwd(params..., buffers..., inputs..., cotangent) -> (loss, grads..., new_buffers...)``:
  the forward pass and the vector-Jacobian product of the loss, started from
  the 0-d ``cotangent`` argument (not from a constant 1.0), and the updated
  non-trainable buffers (BatchNorm's running statistics);
- ``eval(params..., buffers..., inputs...) -> (loss, logits)`` in inference mode.

:func:`build_module` turns them into mpt's training-step contract: the loss
marked with ``mpt.loss``, the cotangent replaced by ``mpt.grad_seed`` of it,
the update written as ``mpt.sgd``/``mpt.adam``, every argument named after the
framework's own names with its role and an ``mpt.init``, and the framework's
initial values returned as arrays (written by :func:`write_state` as the
``.npy`` directory ``mpt-run --load-state`` reads).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..emit_mlir import fmt_f32, fmt_f64
from ..optim import SGD, Adam
from . import mlir_text
from .mlir_text import ImportError_


@dataclass
class Exported:
    """The framework-side result of an export (see the module docstring)."""
    framework: str
    model: str
    train_text: str
    eval_text: str
    param_names: list[str]
    buffer_names: list[str]
    input_names: list[str]
    initial: dict[str, np.ndarray]       # every param and buffer, float32
    stats: dict[str, float] = field(default_factory=dict)


@dataclass
class Imported:
    """An mpt training-step module and the framework's initial state."""
    text: str
    state: dict[str, np.ndarray]          # name -> initial value (params, buffers, optimizer state)
    scatters: int


def _init_attr(name: str, value: np.ndarray) -> str:
    """An ``#mpt.init`` that matches the framework's initial value in distribution.

    A constant tensor gets that constant; any other a uniform distribution
    with the same mean and standard deviation (PyTorch's default
    initialisers are uniform, so for them the bounds are the framework's
    own up to sampling). The exact values travel in the state directory.
    """
    v = np.asarray(value, np.float64)
    if v.size == 0 or np.all(v == v.flat[0]):
        c = float(v.flat[0]) if v.size else 0.0
        return "#mpt.init<dist = zeros>" if c == 0 else f"#mpt.init<dist = constant, value = {fmt_f64(c)}>"
    mean, std = float(v.mean()), float(v.std())
    half = math.sqrt(3.0) * std
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little") & ((1 << 63) - 1)
    return (f"#mpt.init<dist = uniform, low = {fmt_f64(mean - half)}, high = {fmt_f64(mean + half)}, "
            f"seed = {seed}>")


def _clean(text: str, framework: str) -> tuple[str, int]:
    text = mlir_text.strip_locations(text)
    if framework == "jax":
        text = mlir_text.iree_util_to_func(text)
    text, _ = mlir_text.negative_pads_to_slices(text)
    return mlir_text.scatters_to_loops(text)


def _check_name(name: str) -> None:
    if not name or "/" in name or "\\" in name or ".." in name or '"' in name:
        raise ImportError_(f"the name {name!r} cannot name a tensor in mpt (names become file names: "
                           "no '/', '\\', '..' or quotes)")


def build_module(ex: Exported, optimizer) -> Imported:
    """The ``@train_step``/``@eval_step`` module of an export (see the module docstring)."""
    if not isinstance(optimizer, (SGD, Adam)):
        raise ImportError_(f"optimizer must be mpt.optim.SGD or mpt.optim.Adam, got {type(optimizer).__name__}")
    names = ex.param_names + ex.buffer_names + ex.input_names
    for n in names:
        _check_name(n)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ImportError_(f"two tensors are named {dup[0]!r} (parameters, buffers and the inputs x, y "
                           "need distinct names)")
    train_text, blobs = mlir_text.split_resources(ex.train_text)
    eval_text, eval_blobs = mlir_text.split_resources(ex.eval_text)
    for k, v in eval_blobs.items():
        if k in blobs and blobs[k] != v:  # same name, other bytes: rename eval's
            eval_text = re.sub(r"dense_resource<" + re.escape(k) + ">", f"dense_resource<eval_{k}>", eval_text)
            k = f"eval_{k}"
        blobs[k] = v
    train_text, n_scatter = _clean(train_text, ex.framework)
    eval_text, n_scatter_eval = _clean(eval_text, ex.framework)
    train_text = mlir_text.prefix_aliases(train_text, "t_")
    eval_text = mlir_text.prefix_aliases(eval_text, "e_")
    tr = mlir_text.read_function(train_text)
    ev = mlir_text.read_function(eval_text)
    np_, nb, ni = len(ex.param_names), len(ex.buffer_names), len(ex.input_names)
    if len(tr.arg_names) != np_ + nb + ni + 1:
        raise ImportError_(f"the exported training function takes {len(tr.arg_names)} arguments, "
                           f"expected {np_ + nb + ni + 1} (parameters, buffers, inputs, cotangent)")
    if len(tr.returned) != 1 + np_ + nb:
        raise ImportError_(f"the exported training function returns {len(tr.returned)} values, "
                           f"expected {1 + np_ + nb} (loss, gradients, buffers)")
    if tr.result_types[0] != "tensor<f32>" or tr.arg_types[-1] != "tensor<f32>":
        raise ImportError_("the loss and its cotangent must be 0-d f32 tensors (tensor<f32>), got "
                           f"{tr.result_types[0]} and {tr.arg_types[-1]}")
    if len(ev.arg_names) != np_ + nb + ni or len(ev.returned) != 2:
        raise ImportError_("the exported eval function must take parameters, buffers and inputs and "
                           "return (loss, logits)")

    p_types = tr.arg_types[:np_]
    b_types = tr.arg_types[np_:np_ + nb]
    for n, t in zip(ex.param_names + ex.buffer_names, p_types + b_types):
        if not t.endswith("xf32>") and t != "tensor<f32>":
            raise ImportError_(f"parameter or buffer '{n}' is {t}; the importers take float32 models")

    state: dict[str, np.ndarray] = {}
    for n in ex.param_names + ex.buffer_names:
        state[n] = np.asarray(ex.initial[n], np.float32)

    def arg(name_ssa, ty, role, name, init=True):
        attrs = [f"mpt.role = #mpt.role<{role}>", f'mpt.name = "{name}"']
        if init:
            attrs.append(f"mpt.init = {_init_attr(name, state[name])}")
        return f"{name_ssa}: {ty} {{{', '.join(attrs)}}}"

    # --- train_step
    body = list(tr.body)
    cot = tr.arg_names[-1]
    loss = tr.returned[0]
    at = mlir_text.definition_end(body, loss)
    body[at:at] = [f"    %mpt_loss = mpt.loss {loss} : tensor<f32>",
                   "    %mpt_seed = mpt.grad_seed %mpt_loss : tensor<f32>"]
    body = mlir_text.replace_value(body, cot, "%mpt_seed")
    if any(re.search(re.escape(cot) + r"(?![\w$.])", l) for l in body):
        raise ImportError_("internal: the cotangent is still used")

    args = [arg(s, t, "param", n) for s, t, n in zip(tr.arg_names, p_types, ex.param_names)]
    args += [arg(s, t, "opt_state", n) for s, t, n in zip(tr.arg_names[np_:], b_types, ex.buffer_names)]
    args += [arg(s, t, "input", n, init=False)
             for s, t, n in zip(tr.arg_names[np_ + nb:], tr.arg_types[np_ + nb:-1], ex.input_names)]
    results: list[tuple[str, str, str]] = []  # (ssa, type, attrs)
    opt_lines: list[str] = []
    extra_args: list[str] = []
    step_ssa = None
    if isinstance(optimizer, Adam):
        state["adam.step"] = np.zeros((), np.float32)
        step_ssa = "%mpt_adam_step"
        extra_args.append(arg(step_ssa, "tensor<f32>", "opt_state", "adam.step"))
    new_step = None
    for i, (pn, ps, pt) in enumerate(zip(ex.param_names, tr.arg_names, p_types)):
        g = tr.returned[1 + i]
        new = f"%mpt_new{i}"
        results.append((new, pt, pn))
        if isinstance(optimizer, SGD):
            attrs = [f"lr = {fmt_f32(optimizer.lr)} : f32"]
            for k in ("momentum", "dampening", "weight_decay"):
                if getattr(optimizer, k):
                    attrs.append(f"{k} = {fmt_f32(getattr(optimizer, k))} : f32")
            if optimizer.nesterov:
                attrs.append("nesterov")
            if optimizer.momentum:
                m = f"%mpt_m{i}"
                state[f"{pn}.momentum"] = np.zeros(state[pn].shape, np.float32)
                extra_args.append(arg(m, pt, "opt_state", f"{pn}.momentum"))
                opt_lines.append(f"    {new}, {new}_m = mpt.sgd {ps}, {g} momentum_buffer({m}) "
                                 f"{{{', '.join(attrs)}}} : {pt}")
                results.append((f"{new}_m", pt, f"{pn}.momentum"))
            else:
                opt_lines.append(f"    {new} = mpt.sgd {ps}, {g} {{{', '.join(attrs)}}} : {pt}")
        else:
            attrs = [f"lr = {fmt_f32(optimizer.lr)} : f32", f"beta1 = {fmt_f32(optimizer.beta1)} : f32",
                     f"beta2 = {fmt_f32(optimizer.beta2)} : f32", f"eps = {fmt_f32(optimizer.eps)} : f32",
                     f"weight_decay = {fmt_f32(optimizer.weight_decay)} : f32"]
            m, v = f"%mpt_m{i}", f"%mpt_v{i}"
            for sfx, ssa in (("adam_m", m), ("adam_v", v)):
                state[f"{pn}.{sfx}"] = np.zeros(state[pn].shape, np.float32)
                extra_args.append(arg(ssa, pt, "opt_state", f"{pn}.{sfx}"))
            opt_lines.append(f"    {new}, {new}_m, {new}_v, {new}_t = mpt.adam {ps}, {g}, {m}, {v}, {step_ssa} "
                             f"{{{', '.join(attrs)}}} : {pt}")
            results.append((f"{new}_m", pt, f"{pn}.adam_m"))
            results.append((f"{new}_v", pt, f"{pn}.adam_v"))
            new_step = new_step or f"{new}_t"
    if new_step:
        results.append((new_step, "tensor<f32>", "adam.step"))
    for j, (bn, bt) in enumerate(zip(ex.buffer_names, b_types)):
        results.append((tr.returned[1 + np_ + j], bt, bn))
    # Inputs go last so that the argument order is params, state, inputs.
    all_args = args[:np_ + nb] + extra_args + args[np_ + nb:]
    res_sig = []
    for _, t, n in results:
        role = "param" if n in ex.param_names else "opt_state"
        res_sig.append(f'{t} {{mpt.role = #mpt.role<{role}>, mpt.updates = "{n}"}}')
    res_sig.append("tensor<f32> {mpt.role = #mpt.role<loss>}")
    rets = [s for s, _, _ in results] + ["%mpt_loss"]
    rtypes = [t for _, t, _ in results] + ["tensor<f32>"]
    # PyTorch's autocast stores the gradients of its f16 ops in f16, so
    # GradScaler backs off when a scaled gradient does not fit f16; the mark
    # asks mpt-loss-scaling for the same decisions (overflow-check=auto).
    marks = ' attributes {mpt.overflow_check = "f16"}' if ex.framework == "torch" else ""
    train = [f"  func.func @train_step({', '.join(all_args)}) -> ({', '.join(res_sig)}){marks} {{"]
    train += body + opt_lines
    train.append(f"    return {', '.join(rets)} : {', '.join(rtypes)}")
    train.append("  }")

    # --- eval_step
    eargs = [arg(s, t, "param", n) for s, t, n in zip(ev.arg_names, ev.arg_types, ex.param_names)]
    eargs += [arg(s, t, "opt_state", n) for s, t, n in zip(ev.arg_names[np_:], ev.arg_types[np_:], ex.buffer_names)]
    eargs += [arg(s, t, "input", n, init=False)
              for s, t, n in zip(ev.arg_names[np_ + nb:], ev.arg_types[np_ + nb:], ex.input_names)]
    if ev.result_types[0] != "tensor<f32>":
        raise ImportError_(f"the eval loss must be tensor<f32>, got {ev.result_types[0]}")
    evl = [f"  func.func @eval_step({', '.join(eargs)}) -> (tensor<f32> {{mpt.role = #mpt.role<loss>}}, "
           f'{ev.result_types[1]} {{mpt.role = #mpt.role<output>, mpt.name = "logits"}}) {{']
    evl += ev.body
    evl.append(f"    return {ev.returned[0]}, {ev.returned[1]} : {ev.result_types[0]}, {ev.result_types[1]}")
    evl.append("  }")

    head = [f"// Imported from {ex.framework} by mpt.importers.{ex.framework}: model '{ex.model}', "
            f"optimizer {optimizer.kind}. Initial values: the framework's, in the state directory "
            "(mpt-run --load-state)."]
    text = "\n".join(head + tr.aliases + ev.aliases + ["module {"] + train + evl + ["}"]) + "\n"
    text += mlir_text.resources_section(blobs)
    return Imported(text, state, n_scatter + n_scatter_eval)


def write_state(state: dict[str, np.ndarray], directory: str | os.PathLike) -> list[Path]:
    """Writes every state tensor as ``DIR/<name>.npy`` (float32, C order)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for name, value in state.items():
        p = d / f"{name}.npy"
        np.save(p, np.ascontiguousarray(value, np.float32))
        out.append(p)
    return out


# ---------------------------------------------------------------------------
# The command line both importers share
# ---------------------------------------------------------------------------

def optimizer_from_args(args):
    """The mpt optimizer of ``--optimizer``/``--lr``/... (see :func:`cli_main`)."""
    from ..optim import SGD, Adam
    from .mlir_text import ImportError_
    if args.optimizer == "sgd":
        return SGD(lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay,
                   nesterov=args.nesterov)
    if args.optimizer == "adam":
        if args.weight_decay:
            raise ImportError_("--optimizer adam takes no --weight-decay (use adamw: decoupled decay)")
        return Adam(lr=args.lr)
    return Adam(lr=args.lr, weight_decay=args.weight_decay if args.weight_decay is not None else 0.01)


def load_user_function(spec: str, returns: str) -> tuple:
    """``FILE.py:FUNC``: runs FUNC() and checks it returns the tuple ``returns``
    names (e.g. ``"module, loss_fn, x, y"``)."""
    import importlib.util
    from .mlir_text import ImportError_
    path, _, func = spec.rpartition(":")
    if not path or not func:
        raise ImportError_(f"--model needs FILE.py:FUNCTION, got '{spec}'")
    if not Path(path).is_file():
        raise ImportError_(f"--model: {path}: no such file")
    s = importlib.util.spec_from_file_location("mpt_user_model", path)
    mod = importlib.util.module_from_spec(s)
    s.loader.exec_module(mod)
    if not hasattr(mod, func):
        raise ImportError_(f"--model: {path} has no function '{func}'")
    got = getattr(mod, func)()
    if not (isinstance(got, tuple) and len(got) == len(returns.split(","))):
        raise ImportError_(f"--model: {func}() must return ({returns})")
    return got


def cli_main(argv, *, prog: str, framework: str, examples, model_returns: str,
             seed_help: str, example, import_model) -> int:
    """``python -m mpt.importers.<framework>``: ``example(name, batch, seed)``
    and ``--model`` give the tuple ``model_returns`` names, passed with the
    optimizer to ``import_model(*tuple, optimizer, model_name=...)``."""
    import argparse
    import sys
    from .mlir_text import ImportError_
    ap = argparse.ArgumentParser(
        prog=prog,
        description=f"Writes the mpt training step (train_step, eval_step) of a {framework} model and "
                    "its initial values (a .npy state directory for mpt-run --load-state).")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--example", choices=examples, help="a built-in example model")
    src.add_argument("--model", metavar="FILE.py:FUNC", help=f"FUNC() returns ({model_returns})")
    ap.add_argument("-o", "--output", required=True, help="the .mlir file to write")
    ap.add_argument("--state-dir", help="write the initial values as DIR/<name>.npy")
    ap.add_argument("--batch", type=int, default=8, help="batch size of --example (default 8)")
    ap.add_argument("--seed", type=int, default=0, help=f"{seed_help} of --example (default 0)")
    ap.add_argument("--optimizer", choices=("sgd", "adam", "adamw"), default="sgd")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--momentum", type=float, default=0.0)
    ap.add_argument("--nesterov", action="store_true")
    ap.add_argument("--weight-decay", type=float, default=None)
    args = ap.parse_args(argv)
    if args.weight_decay is None and args.optimizer != "adamw":
        args.weight_decay = 0.0
    try:
        if args.batch < 1:
            raise ImportError_("--batch must be at least 1")
        if args.example:
            model = example(args.example, args.batch, args.seed)
            name = args.example
        else:
            model = load_user_function(args.model, model_returns)
            name = Path(args.model.rpartition(":")[0]).stem
        imp = import_model(*model, optimizer_from_args(args), model_name=name)
        Path(args.output).write_text(imp.text)
        if args.state_dir:
            write_state(imp.state, args.state_dir)
    except (ImportError_, ValueError) as e:
        print(f"{ap.prog}: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}" + (f" and {len(imp.state)} state files under {args.state_dir}"
                                     if args.state_dir else ""))
    return 0
