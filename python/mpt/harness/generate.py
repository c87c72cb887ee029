"""Random valid FP32 training steps, described by JSON-able *specs*.

A spec is a plain dict, so a failing graph can be printed, minimised, saved
as a regression input and rebuilt exactly (:func:`build`). Two kinds:

``"layers"``: a model of the frontend's layers (:class:`mpt.Model`)::

    {"kind": "layers", "seed": 7, "batch": 3, "input": [5, 7, 2],
     "layers": [{"op": "conv2d", "filters": 3, "kernel_size": [2, 3], "stride": [1, 2],
                 "dilation": [2, 1], "padding": [[0, 1], [1, 1]], "activation": "gelu"},
                {"op": "residual", "layers": [{"op": "layer_norm"}]},
                {"op": "max_pool", "window": [2, 2], "stride": [1, 2], "padding": [[1, 0], [0, 1]]},
                {"op": "flatten"}],
     "head": {"classes": 4, "loss": "xent"},
     "optimizer": {"kind": "sgd", "lr": 0.1, "momentum": 0.9}}

Every layer entry is a :data:`mpt.Model.OPS` name with that method's keyword
arguments, except ``{"op": "residual", "layers": [...]}`` (``h + body(h)``,
the body keeping the shape), ``{"op": "self_attention"}`` (scaled dot-product
attention of ``h`` with itself) and ``{"op": "to_tokens"}`` (``[B, H, W, C]
-> [B, H*W, C]``). The head is a dense layer to ``classes`` outputs over the
last dimension, then ``xent`` (i32 class labels), ``xent_soft`` (f32
probability rows) or ``mse`` (f32 targets).

``"loop"``: the hand-written template of :mod:`mpt.harness.loop`, a residual
MLP whose ``trips`` blocks share their weights and run in an ``scf.for``
(forward) and a reversed ``scf.for`` (backward), which the frontend cannot
express.

:func:`random_spec` draws a spec from a seed: odd sizes, strides,
dilations, asymmetric and ``same``/``valid`` padding, overlapping and padded
pools, softmax, layer norm, attention, residuals, both optimizers with
momentum, Nesterov, dampening and weight decay. Candidates the frontend
refuses (:class:`mpt.FrontendError`, e.g. a kernel larger than its padded
input) are dropped while drawing, so every spec builds.
"""

from __future__ import annotations

import copy
import random

import numpy as np

from ..errors import FrontendError
from ..ops import Model
from ..optim import SGD, Adam

LOSSES = ("xent", "xent_soft", "mse")


# ------------------------------------------------------------------- build
def make_optimizer(o: dict):
    o = dict(o)
    kind = o.pop("kind")
    if kind == "sgd":
        return SGD(**o)
    if kind == "adam":
        return Adam(**o)
    raise FrontendError(f"unknown optimizer kind {kind!r}")


def _apply_layers(m: Model, h, layers):
    for spec in layers:
        spec = dict(spec)
        op = spec.pop("op")
        if op == "residual":
            r = _apply_layers(m, h, spec["layers"])
            h = m.add(h, r)
        elif op == "self_attention":
            h = m.scaled_dot_product_attention(h, h, h)
        elif op == "to_tokens":
            if h.rank != 4:
                raise FrontendError(f"to_tokens needs an NHWC tensor, got rank {h.rank}")
            n, hh, ww, c = h.shape
            h = m.reshape(h, (n, hh * ww, c))
        elif op in Model.OPS:
            h = getattr(m, op)(h, **spec)
        else:
            raise FrontendError(f"unknown layer op {op!r}")
    return h


def build_layers(spec: dict):
    """``(model, loss, logits, labels node)`` of a ``"layers"`` spec (FrontendError if it is invalid)."""
    m = Model("random", seed=spec["seed"])
    x = m.input("x", (spec["batch"], *spec["input"]))
    h = _apply_layers(m, x, spec["layers"])
    head = spec["head"]
    if h.rank < 2:
        raise FrontendError("the head needs a tensor of rank >= 2")
    logits = m.dense(h, head["classes"], init="glorot", name="head")
    if head["loss"] == "xent":
        y = m.input("y", logits.shape[:-1], "i32")
        loss = m.softmax_cross_entropy(logits, y, name="loss_xent")
    elif head["loss"] == "xent_soft":
        y = m.input("y", logits.shape)
        loss = m.softmax_cross_entropy(logits, y, name="loss_xent")
    elif head["loss"] == "mse":
        y = m.input("y", logits.shape)
        loss = m.mse(logits, y, name="loss_mse")
    else:
        raise FrontendError(f"unknown loss {head['loss']!r}")
    return m, loss, logits, y


def build(spec: dict):
    """The graph of a spec: a :class:`mpt.TrainStep` (``"layers"``) or a
    :class:`mpt.harness.loop.LoopStep` (``"loop"``). Both have ``to_mlir()``,
    ``train_arguments()``, ``init_params()``, ``init_state()`` and the FP64
    reference used by :mod:`mpt.harness.reference`."""
    if spec["kind"] == "loop":
        from .loop import LoopStep
        return LoopStep(spec)
    m, loss, logits, _ = build_layers(spec)
    return m.compile(loss, make_optimizer(spec["optimizer"]), output=logits)


def random_batch(spec: dict, step, seed: int) -> dict[str, np.ndarray]:
    """Inputs for one step: floats uniform in [-1, 1), soft labels as
    probability rows, class labels uniform in [0, classes)."""
    rng = np.random.default_rng(seed)
    classes = spec["classes"] if spec["kind"] == "loop" else spec["head"]["classes"]
    soft = spec["kind"] == "layers" and spec["head"]["loss"] == "xent_soft"
    out = {}
    for a in step.train_arguments():
        if a.role != "input":
            continue
        if a.dtype == "i32":
            out[a.name] = rng.integers(0, classes, size=a.shape).astype(np.int32)
        elif a.name == "y" and soft:
            z = rng.normal(size=a.shape)
            e = np.exp(z - z.max(axis=-1, keepdims=True))
            out[a.name] = (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)
        else:
            out[a.name] = rng.uniform(-1.0, 1.0, size=a.shape).astype(np.float32)
    return out


def random_opt_state(step, seed: int) -> dict[str, np.ndarray]:
    """Optimizer state that is not the all-zero initial one, so one step
    exercises every term of the update: momentum buffers and Adam's first
    moments normal (scale 0.05), second moments positive, step count 0..4."""
    rng = np.random.default_rng(seed + 1)
    out = {}
    for s in step.state:
        if s.slot == "adam_v":
            v = rng.uniform(0.0, 1e-3, size=s.shape)
        elif s.slot == "step":
            v = np.array(float(rng.integers(0, 5)))
        else:
            v = 0.05 * rng.normal(size=s.shape)
        out[s.name] = np.asarray(v, np.float32)
    return out


# ------------------------------------------------------------------ random
def _pick(r: random.Random, *choices):
    return choices[r.randrange(len(choices))]


def _rand_padding(r: random.Random, limit: int):
    """One of the frontend's padding forms with entries in [0, limit]."""
    form = r.randrange(6)
    if form == 0:
        return "same"
    if form == 1:
        return "valid"
    if form == 2:
        return r.randint(0, limit)
    if form == 3:
        return [r.randint(0, limit), r.randint(0, limit)]
    return [[r.randint(0, limit), r.randint(0, limit)], [r.randint(0, limit), r.randint(0, limit)]]


def _act(r: random.Random):
    return _pick(r, None, None, "relu", "relu", "gelu")


def _candidates_4d(r: random.Random, shape, in_residual: bool):
    n, h, w, c = shape
    out = []
    k = [r.randint(1, 3), r.randint(1, 3)]
    if in_residual:
        # The body must keep the shape: stride 1, "same" padding, c filters.
        out.append({"op": "conv2d", "filters": c, "kernel_size": k, "padding": "same",
                    "dilation": [r.randint(1, 2), r.randint(1, 2)], "activation": _act(r),
                    "use_bias": r.random() < 0.7})
        out.append({"op": "avg_pool", "window": [3, 3], "stride": 1, "padding": 1})
        out.append({"op": "max_pool", "window": [r.randint(1, 3), r.randint(1, 3)], "stride": 1, "padding": "same"})
    else:
        out.append({"op": "conv2d", "filters": r.randint(1, 6), "kernel_size": k,
                    "stride": [r.randint(1, 2), r.randint(1, 2)], "dilation": [r.randint(1, 2), r.randint(1, 2)],
                    "padding": _rand_padding(r, 2), "activation": _act(r), "use_bias": r.random() < 0.7})
        win = [r.randint(1, 3), r.randint(1, 3)]
        pool = {"op": _pick(r, "max_pool", "avg_pool"), "window": win,
                "padding": [[r.randint(0, win[0] - 1), r.randint(0, win[0] - 1)],
                            [r.randint(0, win[1] - 1), r.randint(0, win[1] - 1)]]}
        if r.random() < 0.6:
            pool["stride"] = [r.randint(1, 3), r.randint(1, 3)]
        out += [pool, pool]
        out.append(out[0])
        out.append({"op": "residual", "layers": None})
        if r.random() < 0.5:
            out.append({"op": _pick(r, "flatten", "global_avg_pool", "to_tokens")})
        else:
            out.append({"op": "mean", "axes": _pick(r, [1], [2], [1, 2])})
    out += [{"op": "relu"}, {"op": "gelu"}, {"op": "bias_add"}, {"op": "layer_norm"}, {"op": "softmax"}]
    return out


def _candidates_3d(r: random.Random, shape, in_residual: bool):
    n, s, e = shape
    heads = [d for d in range(1, e + 1) if e % d == 0]
    out = [{"op": "multi_head_attention", "heads": r.choice(heads)},
           {"op": "self_attention"}, {"op": "positional_embedding"}, {"op": "layer_norm"},
           {"op": "relu"}, {"op": "gelu"}, {"op": "softmax"}]
    if in_residual:
        out.append({"op": "dense", "units": e, "activation": _act(r)})
    else:
        out.append({"op": "dense", "units": r.randint(1, 9), "activation": _act(r), "use_bias": r.random() < 0.8})
        out.append({"op": "residual", "layers": None})
        out.append({"op": "mean", "axes": [1]})
        out.append({"op": "flatten"})
    return out


def _candidates_2d(r: random.Random, shape, in_residual: bool):
    n, f = shape
    out = [{"op": "relu"}, {"op": "gelu"}, {"op": "layer_norm"}, {"op": "softmax"}, {"op": "bias_add"}]
    if in_residual:
        out.append({"op": "dense", "units": f, "activation": _act(r)})
    else:
        out.append({"op": "dense", "units": r.randint(1, 13), "activation": _act(r), "use_bias": r.random() < 0.8,
                    "init": _pick(r, "he", "glorot")})
        out.append({"op": "residual", "layers": None})
        split = [d for d in range(2, f) if f % d == 0]
        if split:
            out.append({"op": "reshape", "shape": [n, r.choice(split), -1]})
            d = r.choice(split)
            out.append({"op": "reshape", "shape": [n, d, f // d, 1]})
    return out


def _try_build(spec: dict):
    """The spec's last hidden tensor (before the head) or None if the frontend refuses it."""
    try:
        m = Model("random", seed=spec["seed"])
        x = m.input("x", (spec["batch"], *spec["input"]))
        return _apply_layers(m, x, spec["layers"])
    except FrontendError:
        return None


def _grow(r: random.Random, spec: dict, layers: list, count: int, in_residual: bool, depth: int):
    """Appends up to ``count`` valid layers to ``layers`` (a list inside ``spec``)."""
    for _ in range(count):
        for _attempt in range(8):
            h = _try_build(spec)
            shape = h.shape
            table = {4: _candidates_4d, 3: _candidates_3d, 2: _candidates_2d}.get(len(shape))
            if table is None:
                return
            cand = r.choice(table(r, shape, in_residual))
            if cand["op"] == "residual":
                if depth > 0:
                    continue
                cand["layers"] = []
                layers.append(cand)
                _grow(r, spec, cand["layers"], r.randint(1, 2), True, depth + 1)
                if not cand["layers"] or _try_build(spec) is None:
                    layers.pop()
                    continue
                break
            layers.append(cand)
            ok = _try_build(spec)
            # Keep tensors small: the emulator and the FP64 evaluator run them.
            if ok is None or ok.size > 4096 or (in_residual and ok.shape != shape):
                layers.pop()
                continue
            break


def random_optimizer(r: random.Random) -> dict:
    if r.random() < 0.6:
        o = {"kind": "sgd", "lr": round(r.uniform(0.01, 0.5), 3)}
        if r.random() < 0.6:
            o["momentum"] = _pick(r, 0.9, 0.5, 0.99)
            if r.random() < 0.3:
                o["nesterov"] = True
            elif r.random() < 0.3:
                o["dampening"] = 0.1
        if r.random() < 0.3:
            o["weight_decay"] = _pick(r, 1e-4, 0.01)
        return o
    o = {"kind": "adam", "lr": _pick(r, 1e-3, 3e-3, 1e-2), "beta1": _pick(r, 0.9, 0.8),
         "beta2": _pick(r, 0.999, 0.99), "eps": _pick(r, 1e-8, 1e-6, 1e-3),
         "weight_decay": _pick(r, 0.0, 0.0, 0.01)}
    return o


def random_spec(seed: int, max_layers: int = 5, loop_share: float = 0.08) -> dict:
    """A random valid spec (see the module docstring); the same seed gives the same spec."""
    r = random.Random(seed)
    if r.random() < loop_share:
        from .loop import random_loop_spec
        return random_loop_spec(r, seed)
    form = r.randrange(3)
    if form == 0:
        inp = [r.randint(1, 9), r.randint(1, 9), r.randint(1, 4)]
    elif form == 1:
        inp = [r.randint(1, 6), r.randint(1, 8)]
    else:
        inp = [r.randint(1, 13)]
    spec = {"kind": "layers", "seed": seed, "batch": r.randint(1, 5), "input": inp, "layers": [],
            "head": {"classes": r.randint(2, 7), "loss": _pick(r, "xent", "xent", "xent_soft", "mse")},
            "optimizer": random_optimizer(r)}
    _grow(r, spec, spec["layers"], r.randint(1, max_layers), False, 0)
    h = _try_build(spec)
    if h.rank == 4:
        spec["layers"].append({"op": _pick(r, "flatten", "global_avg_pool")})
    elif h.rank == 3 and r.random() < 0.5:
        spec["layers"].append({"op": "mean", "axes": [1]})
    # The frontend refuses a step with a parameter that cannot affect the loss
    # or a too large tensor; fall back to a plain hidden layer then.
    try:
        build(spec)
    except FrontendError:
        spec["layers"] = [{"op": "flatten"}] if len(inp) > 1 else []
        spec["layers"].append({"op": "dense", "units": 3, "activation": "relu"})
    return spec


def spec_size(spec: dict) -> tuple:
    """What the minimiser drives down, compared as a tuple: the number of
    layers, then the sum of every integer in the spec (sizes, kernels,
    strides, padding), then the number of options that are set (true,
    non-zero, not null)."""
    def layers(ls):
        return sum(1 + (layers(x["layers"]) if x["op"] == "residual" else 0) for x in ls)

    ints, set_ = 0, 0
    stack = [{k: v for k, v in spec.items() if k != "seed"}]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, bool):
            set_ += v
        elif isinstance(v, int):
            ints += v
        elif v is not None and v != 0:
            set_ += 1
    n = spec["trips"] if spec["kind"] == "loop" else layers(spec["layers"])
    return (n, ints, set_)


def copy_spec(spec: dict) -> dict:
    return copy.deepcopy(spec)
