"""The FP64 reference of one training step and the error bounds a compiled
step must meet, derived from each precision's unit roundoff.

**Reference.** :func:`reference` runs the step's graph (forward, loss,
backward) with the frontend's FP64 evaluator (:data:`mpt.evaluate.IMPL`, one
numpy function per primitive) and the optimizer's FP64 update formulas.

**Bounds.** A compiled step rounds. The standard model of floating-point
arithmetic says every operation returns its exact result times ``(1 + d)``
with ``|d| <= u``, the unit roundoff of the type it rounds to: ``2^-24`` for
f32, ``2^-11`` for f16, ``2^-8`` for bf16. :func:`reference` applies that
model to every primitive of the graph, with an amplitude per primitive that
follows how the compiled step computes it:

* a value stored in the step's low precision: ``u_low`` (every float
  primitive of a mixed-precision step is assumed to round to ``u_low``, the
  loosest case; an FP32 step uses ``u_f32``), plus ``4 u_f32`` for the f32
  arithmetic inside the primitive;
* sums (reductions, contractions, convolutions and their gradients, pools)
  of ``K`` terms accumulate in f32: amplitude ``(u_low + K u_f32) * sum |terms|``
  (the classical bound of recursive summation, with ``sum |terms|`` so that
  cancellation counts);
* additions and subtractions: ``u * (|a| + |b|)``; GELU and its gradient,
  tanh's gradient and log, whose f32 bodies cancel, get an absolute term in
  their inputs too;
* exact primitives (ReLU, max, copies, transposes, reshapes, pads, slices,
  selections by comparison, one-hot): 0; a parameter or input cast to the
  low type: ``u_low |x|``; f16 values also lose up to ``2^-25`` in absolute
  terms below its normal range.

It then evaluates the step :data:`SAMPLES` more times with every primitive's
result moved by its amplitude times a uniform random number in ``[-1, 1]``
(independently per element and per primitive) and records, for every
result tensor, the largest deviation of those runs from the unperturbed
reference: the *spread*, which is how far rounding at that precision moves
this graph's results, conditioning and cancellation included. Near a
singular point (a layer norm over two nearly equal values) the deviations
are heavy-tailed and a few samples miss the large ones, so the samples are
doubled, up to :data:`MAX_SAMPLES`, while doubling them still more than
doubles some result's spread (the harness found such a graph: 3 samples
bounded a bf16 weight by 1.3 where rounding moves it by 40). A compiled
result passes when

    max |compiled - reference| <= SAFETY * spread + 8 u_f32 max |reference|

(the second term is the final f32 rounding of the optimizer's update, which
even an exact gradient cannot avoid). ``SAFETY`` (8) covers worst cases the
random samples miss. A wrong term, a lost stride, a stray f16 accumulation
over ``K > SAFETY`` terms, or a cast in the wrong place is far outside these
bounds; rounding is inside them.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..evaluate import IMPL, evaluate
from ..graph import Node

U = {"f32": 2.0 ** -24, "f16": 2.0 ** -11, "bf16": 2.0 ** -8}
U32 = U["f32"]
SAMPLES = 8
MAX_SAMPLES = 256
SAFETY = 8.0
FINAL_ROUNDING = 8.0

# How each primitive rounds (tests/test_harness.py checks every primitive and
# elementwise function of mpt.graph is listed, so a new one gets a rule).
_MOVE = {"transpose", "reshape", "pad", "slice", "maxpool_select", "fill", "grad_seed", "loss"}
_SUMS = {"reduce", "matmul", "batch_matmul", "conv2d", "conv2d_grad_input", "conv2d_grad_filter", "pool",
         "window_sum"}
_EXACT_EW = {"copy", "neg", "relu", "relu_grad", "max_grad", "eq_mask", "onehot"}
# Elementwise functions whose result rounds once relative to itself.
_RELATIVE_EW = {"mul", "div", "scale", "square", "exp", "tanh", "sqrt", "rsqrt", "rsqrt_grad", "sqrt_grad"}
# Elementwise functions that cancel: amplitude(d, |inputs|, |out|).
_CANCELLING_EW = {
    "add": lambda d, a, ao, c: d * (a[0] + a[1]),
    "sub": lambda d, a, ao, c: d * (a[0] + a[1]),
    "add_const": lambda d, a, ao, c: d * (a[0] + abs(c[0])),
    "gelu": lambda d, a, ao, c: d * (ao + a[0]),
    "gelu_grad": lambda d, a, ao, c: d * (ao + a[1] * (1 + a[0] + 0.2 * a[0] ** 3)),
    "tanh_grad": lambda d, a, ao, c: d * (ao + a[1] * (1 + a[0] * a[0])),
    "log": lambda d, a, ao, c: d * (ao + 1.0),
}


def _reduction_length(node: Node) -> int:
    op = node.op
    if op == "reduce":
        return int(np.prod([node.inputs[0].shape[a] for a in node.attrs["axes"]] or [1]))
    if op in ("matmul", "batch_matmul"):
        return node.inputs[0].shape[-1]
    if op == "conv2d":
        k = node.inputs[1].shape
        return k[0] * k[1] * k[2]
    if op == "conv2d_grad_input":
        k = node.inputs[1].shape
        return k[0] * k[1] * k[3]
    if op == "conv2d_grad_filter":
        dy = node.inputs[1].shape
        return dy[0] * dy[1] * dy[2]
    if op == "pool":
        return node.attrs["window"][0] * node.attrs["window"][1]
    if op == "window_sum":
        z = node.inputs[0].shape
        return z[3] * z[4]
    return 1


def _broadcast(node: Node, args):
    out = []
    for a, dims in zip(args, node.attrs["in_dims"]):
        if dims is not None:
            shape = [1] * node.rank
            for src, dst in enumerate(dims):
                shape[dst] = a.shape[src]
            a = np.broadcast_to(a.reshape(shape), node.shape)
        out.append(np.abs(a))
    return out


def amplitude(node: Node, args, out: np.ndarray, u_low: float, low: bool) -> np.ndarray | float:
    """The largest rounding error of ``node`` (elementwise), see the module docstring."""
    op = node.op
    if node.dtype != "f32" or op in _MOVE:
        return 0.0
    absolute = 2.0 ** -25 if low and u_low == U["f16"] else 0.0
    if op in ("input", "param"):
        return u_low * np.abs(out) + absolute if low else 0.0
    if op == "ew":
        fn = node.attrs["fn"]
        if fn in _EXACT_EW:
            return 0.0
        d = u_low + 4 * U32
        if fn in _RELATIVE_EW:
            return d * np.abs(out) + absolute
        return _CANCELLING_EW[fn](d, _broadcast(node, args), np.abs(out), node.attrs["consts"]) + absolute
    if op not in _SUMS:
        raise KeyError(f"no rounding rule for primitive '{op}' (mpt/harness/numerics.py)")
    if node.attrs.get("kind") == "max":  # max reductions and max pools are exact
        return 0.0
    # Sums of K terms: evaluate the primitive on absolute values.
    k = _reduction_length(node)
    total = IMPL[op](node, *[np.abs(a) for a in args])
    return (u_low + k * U32) * np.abs(total) + absolute


def _step(step, params, state, batch, perturb):
    """``({result name: FP64 value}, {result name: allowance})``: "loss",
    "output" (when the step has one) and every new state tensor, with the
    error the optimizer's own f32 arithmetic may add to each
    (:func:`_update_allowance`)."""
    targets = [step.loss]
    if getattr(step, "output", None) is not None:
        targets.append(step.output)
    targets += step.grads
    vals = evaluate(step.graph, targets, {**params, **batch}, perturb)
    out = {"loss": vals[0]}
    n = 1
    if len(targets) > len(step.grads) + 1:
        out["output"] = vals[1]
        n = 2
    grads = {p.attrs["name"]: g for p, g in zip(step.params, vals[n:])}
    opt = step.optimizer
    step_name = opt.global_state[0] if opt.global_state else None
    allow = {}
    for p in step.params:
        name = p.attrs["name"]
        st = {slot: state[f"{name}.{slot}"] for slot in opt.state_slots}
        if step_name:
            st["step"] = state[step_name]
        new_p, new_st = opt.update(params[name], grads[name], st)
        out[name] = np.asarray(new_p, np.float64)
        for slot in opt.state_slots:
            out[f"{name}.{slot}"] = np.asarray(new_st[slot], np.float64)
        if step_name:
            out[step_name] = np.asarray(new_st["step"], np.float64)
        allow.update(_update_allowance(opt, name, np.asarray(params[name], np.float64), grads[name], st,
                                       out[name]))
    return out, allow


def _update_allowance(opt, name, p, g, st, new_p):
    """The optimizer update runs in f32 (DESIGN: FP32 masters and state):
    ``FINAL_ROUNDING u_f32`` times the sum of the magnitudes of the terms of
    each formula. Adam's bias corrections ``1 - beta^t`` are computed in f32
    too and cancel: their relative error is ``u_f32 / (1 - beta^t)``, which
    the update inherits (halved through the square root for ``beta2``)."""
    u = FINAL_ROUNDING * U32
    ag = np.abs(g)
    if opt.kind == "sgd":
        geff = ag + opt.weight_decay * np.abs(p)
        out = {}
        if opt.momentum:
            buf = opt.momentum * np.abs(np.asarray(st["momentum"], np.float64)) + (1 - opt.dampening) * geff
            out[f"{name}.momentum"] = u * float(np.max(buf, initial=0.0))
            geff = geff + opt.momentum * buf if opt.nesterov else buf
        out[name] = u * float(np.max(np.abs(p) + opt.lr * geff, initial=0.0))
        return out
    t = float(st["step"]) + 1.0
    m = opt.beta1 * np.abs(np.asarray(st["adam_m"], np.float64)) + (1 - opt.beta1) * ag
    v = opt.beta2 * np.abs(np.asarray(st["adam_v"], np.float64)) + (1 - opt.beta2) * ag * ag
    update = float(np.max(np.abs(new_p - p * (1.0 - opt.lr * opt.weight_decay)), initial=0.0))
    cond = 1.0 / (1.0 - opt.beta1 ** t) + 0.5 / (1.0 - opt.beta2 ** t)
    return {name: u * float(np.max(np.abs(p), initial=0.0)) + u * (1.0 + cond) * update,
            f"{name}.adam_m": u * float(np.max(m, initial=0.0)),
            f"{name}.adam_v": u * float(np.max(v, initial=0.0)),
            "adam.step": 0.0}


def reference(step, params: Mapping, state: Mapping, batch: Mapping, precision: str, seed: int = 0,
              samples: int = SAMPLES, max_samples: int = MAX_SAMPLES):
    """``(ref, bound)``: the FP64 results of one step and, per result, the
    error a compiled step at ``precision`` may have: ``SAFETY`` times the
    largest deviation of at least ``samples`` runs under the rounding model
    (more while the spread has not settled, at most ``max_samples``; module
    docstring) plus the optimizer's f32 rounding."""
    ref, allow = _step(step, params, state, batch, None)
    low = precision != "f32"
    u = U[precision]
    amps: dict[int, object] = {}

    def record(node, args, v):
        amps[node.id] = amplitude(node, args, v, u, low)
        return v

    _step(step, params, state, batch, record)
    rng = np.random.default_rng(seed)

    def perturb(node, args, v):
        a = amps.get(node.id, 0.0)
        if np.isscalar(a) and a == 0.0:
            return v
        return v + a * rng.uniform(-1.0, 1.0, size=np.shape(v))

    def sample(n):
        grown = {k: 0.0 for k in ref}
        for _ in range(n):
            got, _ = _step(step, params, state, batch, perturb)
            for k, v in got.items():
                grown[k] = max(grown[k], float(np.max(np.abs(np.asarray(v) - ref[k]), initial=0.0)))
        return grown

    spread = sample(samples)
    # Near a singular point (a layer norm over a few nearly equal values, a
    # softmax whose winner a rounding can change) the deviations are
    # heavy-tailed: a few samples see none of the large ones. While doubling
    # the samples still more than doubles some result's spread, the estimate
    # has not settled: sample on, up to MAX_SAMPLES.
    taken = samples
    while taken < max_samples:
        more = sample(taken)
        unsettled = any(more[k] > 2 * spread[k] for k in ref)
        spread = {k: max(spread[k], more[k]) for k in ref}
        taken *= 2
        if not unsettled:
            break
    bounds = {k: SAFETY * spread[k] + allow.get(k, FINAL_ROUNDING * U32 * float(np.max(np.abs(ref[k]), initial=0.0)))
              for k in ref}
    return ref, bounds


def compare(got: np.ndarray, ref: np.ndarray, bound: float):
    """``(error, allowed)`` of a compiled result against the FP64 reference."""
    g = np.asarray(got, np.float64)
    if g.shape != np.shape(ref):
        return float("inf"), 0.0
    if not np.all(np.isfinite(g)):
        return float("inf"), 0.0
    err = float(np.max(np.abs(g - ref), initial=0.0))
    return err, bound + 1e-37


def round_to(x: np.ndarray, precision: str) -> np.ndarray:
    """f32 values rounded to nearest even in ``precision``, as the raw bits the
    runtime writes (f16: ``<f2``; bf16: ``<u2``)."""
    x = np.asarray(x, np.float32)
    if precision == "f16":
        return x.astype(np.float16)
    bits = x.view(np.uint32).astype(np.uint64)
    nan = np.isnan(x)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    out = rounded.astype(np.uint16)
    out[nan] = ((bits[nan] >> 16) | 0x40).astype(np.uint16)
    return out
