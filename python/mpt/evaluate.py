"""FP64 numpy evaluator for the graph IR.

One numpy function per primitive, written from the primitive's definition in
:mod:`mpt.graph` and independent of the MLIR emitter. ``f32`` values are
computed in float64, ``i32`` values stay integers. The evaluator runs forward
graphs and the backward graphs :mod:`mpt.autodiff` generates, which is how the
gradients are checked against finite differences.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

import numpy as np

from .graph import GELU_A, GELU_C, Graph, Node


# --------------------------------------------------------------- elementwise
def _gelu(x):
    return 0.5 * x * (1.0 + np.tanh(GELU_C * (x + GELU_A * x ** 3)))


def _gelu_grad(x, dy):
    t = np.tanh(GELU_C * (x + GELU_A * x ** 3))
    d = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_A * x * x)
    return dy * d


EW_IMPL: dict[str, Callable] = {
    "copy": lambda a: a,
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "scale": lambda a, c: a * c,
    "add_const": lambda a, c: a + c,
    "square": lambda a: a * a,
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "sqrt": np.sqrt,
    "rsqrt": lambda a: 1.0 / np.sqrt(a),
    "relu": lambda a: np.maximum(a, 0.0),
    "relu_grad": lambda x, dy: np.where(x > 0, dy, 0.0),
    "gelu": _gelu,
    "gelu_grad": _gelu_grad,
    "tanh_grad": lambda y, dy: dy * (1.0 - y * y),
    "rsqrt_grad": lambda y, dy: dy * -0.5 * y * y * y,
    "sqrt_grad": lambda y, dy: dy * 0.5 / y,
    "max_grad": lambda x, y, dy: np.where(x == y, dy, 0.0),
    "eq_mask": lambda x, y: np.where(x == y, 1.0, 0.0),
}


def _ew(node: Node, *args):
    fn = node.attrs["fn"]
    rank = node.rank
    views = []
    for a, dims in zip(args, node.attrs["in_dims"]):
        if dims is not None:
            shape = [1] * rank
            for src, dst in enumerate(dims):
                shape[dst] = a.shape[src]
            a = np.broadcast_to(a.reshape(shape), node.shape)
        views.append(a)
    if fn == "onehot":
        classes = np.arange(node.shape[-1])
        lab = views[0]
        return (lab == classes.reshape((1,) * (rank - 1) + (-1,))).astype(np.float64)
    out = EW_IMPL[fn](*views, *node.attrs["consts"])
    return np.broadcast_to(np.asarray(out, np.float64), node.shape).copy()


# ---------------------------------------------------------------- the others
def _reduce(node, x):
    axes = node.attrs["axes"]
    if node.attrs["kind"] == "sum":
        return np.sum(x, axis=axes)
    return np.max(x, axis=axes)


def _conv2d(node, x, k):
    sh, sw = node.attrs["strides"]
    dh, dw = node.attrs["dilations"]
    n, oh, ow, f = node.shape
    kh, kw = k.shape[:2]
    out = np.zeros(node.shape)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i * dh: i * dh + (oh - 1) * sh + 1: sh, j * dw: j * dw + (ow - 1) * sw + 1: sw, :]
            out += np.einsum("nhwc,cf->nhwf", patch, k[i, j])
    return out


def _conv2d_grad_input(node, z, k):
    dh, dw = node.attrs["dilations"]
    n, h, w, c = node.shape
    kh, kw = k.shape[:2]
    out = np.zeros(node.shape)
    for i in range(kh):
        for j in range(kw):
            oi, oj = (kh - 1 - i) * dh, (kw - 1 - j) * dw
            out += np.einsum("nhwf,cf->nhwc", z[:, oi:oi + h, oj:oj + w, :], k[i, j])
    return out


def _conv2d_grad_filter(node, x, dy):
    sh, sw = node.attrs["strides"]
    dh, dw = node.attrs["dilations"]
    kh, kw = node.attrs["kernel"]
    _, oh, ow, _ = dy.shape
    out = np.zeros(node.shape)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i * dh: i * dh + (oh - 1) * sh + 1: sh, j * dw: j * dw + (ow - 1) * sw + 1: sw, :]
            out[i, j] = np.einsum("nhwc,nhwf->cf", patch, dy)
    return out


def _pad(node, x):
    out = np.full(node.shape, node.attrs["value"], dtype=x.dtype)
    idx = tuple(slice(lo, lo + (d - 1) * s + 1, s)
                for lo, d, s in zip(node.attrs["low"], x.shape, node.attrs["stride"]))
    out[idx] = x
    return out


def _slice(node, x):
    idx = tuple(slice(o, o + (n - 1) * s + 1, s)
                for o, n, s in zip(node.attrs["offsets"], node.shape, node.attrs["strides"]))
    return x[idx].copy()


def _pool(node, x):
    kh, kw = node.attrs["window"]
    sh, sw = node.attrs["strides"]
    n, oh, ow, c = node.shape
    is_max = node.attrs["kind"] == "max"
    out = np.full(node.shape, -np.inf if is_max else 0.0)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i: i + (oh - 1) * sh + 1: sh, j: j + (ow - 1) * sw + 1: sw, :]
            out = np.maximum(out, patch) if is_max else out + patch
    return out


def _maxpool_select(node, x, y, dy):
    kh, kw = node.attrs["window"]
    sh, sw = node.attrs["strides"]
    n, oh, ow, _, _, c = node.shape
    out = np.zeros(node.shape)
    taken = np.zeros(np.shape(y), bool)
    # The first maximal element of each window, in (kh, kw) order, gets dy.
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i: i + (oh - 1) * sh + 1: sh, j: j + (ow - 1) * sw + 1: sw, :]
            hit = (patch == y) & ~taken
            out[:, :, :, i, j, :] = np.where(hit, dy, 0.0)
            taken |= hit
    return out


def _window_sum(node, z):
    n, h, w, c = node.shape
    kh, kw = z.shape[3], z.shape[4]
    out = np.zeros(node.shape)
    for i in range(kh):
        for j in range(kw):
            out += z[:, kh - 1 - i: kh - 1 - i + h, kw - 1 - j: kw - 1 - j + w, i, j, :]
    return out


IMPL: dict[str, Callable] = {
    "fill": lambda node: np.full(node.shape, node.attrs["value"]),
    "ew": _ew,
    "reduce": _reduce,
    "matmul": lambda node, a, b: a @ b,
    "batch_matmul": lambda node, a, b: np.matmul(a, b),
    "conv2d": _conv2d,
    "conv2d_grad_input": _conv2d_grad_input,
    "conv2d_grad_filter": _conv2d_grad_filter,
    "transpose": lambda node, x: np.transpose(x, node.attrs["perm"]).copy(),
    "reshape": lambda node, x: x.reshape(node.shape),
    "pad": _pad,
    "slice": _slice,
    "pool": _pool,
    "maxpool_select": _maxpool_select,
    "window_sum": _window_sum,
    "loss": lambda node, x: x.copy(),
    "grad_seed": lambda node, x: np.ones(()),
}


def evaluate(graph: Graph, targets: Iterable[Node], feeds: Mapping[str, np.ndarray],
             perturb: Callable[[Node, list, np.ndarray], np.ndarray] | None = None) -> list[np.ndarray]:
    """Evaluate ``targets``; ``feeds`` maps every needed input/param name to a value.

    Only the nodes the targets depend on are computed. f32 values are float64
    arrays, i32 values int64 arrays. ``perturb(node, args, value)``, when
    given, replaces the value of every f32 node (inputs and params too, with
    no args) before its users read it: the harness's error bounds
    (:mod:`mpt.harness.numerics`) propagate rounding through the graph so.
    """
    targets = list(targets)
    live = graph.reachable(targets)
    vals: dict[int, np.ndarray] = {}
    for node in graph.nodes:
        if not live[node.id]:
            continue
        if node.op in ("input", "param"):
            name = node.attrs["name"]
            if name not in feeds:
                raise KeyError(f"no value fed for {node.op} '{name}'")
            v = np.asarray(feeds[name])
            if v.shape != node.shape:
                raise ValueError(f"value for '{name}' has shape {v.shape}, expected {node.shape}")
            v = v.astype(np.int64 if node.dtype == "i32" else np.float64)
            args = []
        else:
            args = [vals[i.id] for i in node.inputs]
            out = IMPL[node.op](node, *args)
            v = np.asarray(out, dtype=np.float64) if node.dtype == "f32" else np.asarray(out)
        if perturb is not None and node.dtype == "f32":
            v = perturb(node, args, v)
        vals[node.id] = v
    return [vals[t.id] for t in targets]
