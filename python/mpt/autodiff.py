"""Reverse-mode automatic differentiation over the graph IR.

:func:`gradients` walks the graph backwards from the loss once (linear time)
and appends backward nodes to the same graph. Each primitive has a
vector-Jacobian product in :data:`VJP`: given the node and the gradient of its
output (and which inputs need a gradient), it returns one gradient node (or ``None``) per input. Contributions to
the same value are summed with ``ew add`` nodes.

Notable rules:

* ``ew`` with a broadcast operand: the operand's gradient is the output-shaped
  gradient summed over the broadcast dimensions.
* ``conv2d``: the filter gradient is a ``conv2d_grad_filter`` contraction of the
  (padded) input and the output gradient; the input gradient dilates the output
  gradient by the stride, pads it by ``(K-1)*dilation`` and contracts it with
  the spatially flipped filter (``conv2d_grad_input``).
* ``pool`` (sum): dilate and pad the output gradient the same way and take a
  stride-1 window sum (a ``pool`` sum).
* ``pool`` (max): route each output gradient to the window elements equal to
  the maximum (``maxpool_select``), then scatter with dilate + pad +
  ``window_sum``. Ties send the gradient to every maximal element.
* ``relu``: ``relu_grad(x, dy)`` reads the ReLU *input*.
* ``reduce`` with ``no_grad`` (the max subtracted in softmax, which does not
  change its value) passes no gradient.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .graph import Graph, Node


def _unbroadcast(g: Graph, grad: Node, dims, shape) -> Node:
    """Sum ``grad`` (output-shaped) over the dims an operand was broadcast along."""
    if dims is None:
        return grad
    axes = [i for i in range(grad.rank) if i not in dims]
    if not axes:
        return grad
    return g.reduce("sum", grad, axes)


def _vjp_ew(g: Graph, node: Node, dy: Node, want):
    fn = node.attrs["fn"]
    dims = node.attrs["in_dims"]
    xs = node.inputs
    out_shape = node.shape

    def full(fn_, args, arg_dims, consts=()):
        return g.ew(fn_, args, out_shape, arg_dims, consts)

    def back(i, grad):
        return _unbroadcast(g, grad, dims[i], xs[i].shape)

    if fn == "copy":
        return [back(0, dy)]
    if fn == "add":
        return [back(0, dy) if want[0] else None, back(1, dy) if want[1] else None]
    if fn == "sub":
        return [back(0, dy) if want[0] else None, back(1, g.ew("neg", [dy])) if want[1] else None]
    if fn == "mul":
        return [back(0, full("mul", [dy, xs[1]], [None, dims[1]])) if want[0] else None,
                back(1, full("mul", [dy, xs[0]], [None, dims[0]])) if want[1] else None]
    if fn == "div":
        ga = gb = None
        if want[0]:
            ga = back(0, full("div", [dy, xs[1]], [None, dims[1]]))      # dy / b
        if want[1]:
            q = full("div", [node, xs[1]], [None, dims[1]])              # (a / b) / b
            gb = back(1, g.ew("neg", [g.ew("mul", [dy, q])]))            # -dy * a / b^2
        return [ga, gb]
    # Unary functions: the operand has the output's shape unless broadcast.
    x = xs[0]
    if fn == "neg":
        return [back(0, g.ew("neg", [dy]))]
    if fn == "scale":
        return [back(0, g.ew("scale", [dy], consts=node.attrs["consts"]))]
    if fn == "add_const":
        return [back(0, dy)]
    if fn == "square":
        return [back(0, g.ew("scale", [full("mul", [dy, x], [None, dims[0]])], consts=(2.0,)))]
    if fn == "exp":
        return [back(0, g.ew("mul", [dy, node]))]
    if fn == "log":
        return [back(0, full("div", [dy, x], [None, dims[0]]))]
    if fn == "tanh":
        return [back(0, g.ew("tanh_grad", [node, dy]))]
    if fn == "sqrt":
        return [back(0, g.ew("sqrt_grad", [node, dy]))]
    if fn == "rsqrt":
        return [back(0, g.ew("rsqrt_grad", [node, dy]))]
    if fn == "relu":
        return [back(0, full("relu_grad", [x, dy], [dims[0], None]))]
    if fn == "gelu":
        return [back(0, full("gelu_grad", [x, dy], [dims[0], None]))]
    if fn == "onehot":
        return [None]
    raise NotImplementedError(f"no gradient for elementwise '{fn}' (it only appears in backward graphs)")


def _vjp_reduce(g: Graph, node: Node, dy: Node, want):
    x = node.inputs[0]
    kept = tuple(i for i in range(x.rank) if i not in node.attrs["axes"])
    if node.attrs["kind"] == "sum":
        return [g.ew("copy", [dy], x.shape, [kept])]
    # max: the gradient is shared evenly by the elements equal to the maximum
    # (PyTorch's amax and JAX's max do the same); one maximum gets all of it.
    ties = g.reduce("sum", g.ew("eq_mask", [x, node], x.shape, [None, kept]), node.attrs["axes"])
    return [g.ew("div", [g.ew("max_grad", [x, node, dy], x.shape, [None, kept, kept]), ties],
                 x.shape, [None, kept])]


def _vjp_matmul(g: Graph, node: Node, dy: Node, want):
    a, b = node.inputs
    return [g.matmul(dy, g.transpose(b, (1, 0))) if want[0] else None,
            g.matmul(g.transpose(a, (1, 0)), dy) if want[1] else None]


def _vjp_batch_matmul(g: Graph, node: Node, dy: Node, want):
    a, b = node.inputs
    return [g.batch_matmul(dy, g.transpose(b, (0, 2, 1))) if want[0] else None,
            g.batch_matmul(g.transpose(a, (0, 2, 1)), dy) if want[1] else None]


def _dilate_pad(g: Graph, dy: Node, in_hw, kernel_hw, strides, dilations) -> Node:
    """``z`` with ``z[n, (K-1)*d + o*s, ...] = dy[n, o, ...]`` (zeros elsewhere) along H and W.

    ``z`` is ``in + (K-1)*d`` long in H and W, so that a stride-1 window of
    ``K`` taps (dilation ``d``) over it has the input's extent.
    """
    low, high, stride = [0] * dy.rank, [0] * dy.rank, [1] * dy.rank
    for ax, (size, k, s, d) in enumerate(zip(in_hw, kernel_hw, strides, dilations), start=1):
        lo = (k - 1) * d
        total = size + (k - 1) * d
        low[ax] = lo
        stride[ax] = s
        high[ax] = total - lo - ((dy.shape[ax] - 1) * s + 1)
    return g.pad(dy, low, high, stride, 0.0)


def _vjp_conv2d(g: Graph, node: Node, dy: Node, want):
    x, k = node.inputs
    strides, dilations = node.attrs["strides"], node.attrs["dilations"]
    kh, kw = k.shape[:2]
    dx = dk = None
    if want[0]:
        z = _dilate_pad(g, dy, x.shape[1:3], (kh, kw), strides, dilations)
        dx = g.conv2d_grad_input(z, k, dilations)
    if want[1]:
        dk = g.conv2d_grad_filter(x, dy, (kh, kw), strides, dilations)
    return [dx, dk]


def _vjp_pool(g: Graph, node: Node, dy: Node, want):
    x = node.inputs[0]
    window, strides = node.attrs["window"], node.attrs["strides"]
    if node.attrs["kind"] == "sum":
        z = _dilate_pad(g, dy, x.shape[1:3], window, strides, (1, 1))
        return [g.pool("sum", z, window, (1, 1))]
    m = g.maxpool_select(x, node, dy, window, strides)
    # Scatter the 6-d routed gradient back: dilate and pad along OH, OW.
    low, high, stride = [0] * 6, [0] * 6, [1] * 6
    for ax, (size, k, s) in enumerate(zip(x.shape[1:3], window, strides), start=1):
        low[ax] = k - 1
        stride[ax] = s
        high[ax] = size + k - 1 - (k - 1) - ((m.shape[ax] - 1) * s + 1)
    z = g.pad(m, low, high, stride, 0.0)
    return [g.window_sum(z)]


def _vjp_transpose(g: Graph, node: Node, dy: Node, want):
    perm = node.attrs["perm"]
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return [g.transpose(dy, inv)]


def _vjp_pad(g: Graph, node: Node, dy: Node, want):
    x = node.inputs[0]
    return [g.slice(dy, node.attrs["low"], x.shape, node.attrs["stride"])]


def _vjp_slice(g: Graph, node: Node, dy: Node, want):
    x = node.inputs[0]
    offs, strides = node.attrs["offsets"], node.attrs["strides"]
    high = [d - o - (n - 1) * s - 1 for d, o, n, s in zip(x.shape, offs, node.shape, strides)]
    return [g.pad(dy, offs, high, strides, 0.0)]


VJP: dict[str, Callable] = {
    "ew": _vjp_ew,
    "reduce": _vjp_reduce,
    "matmul": _vjp_matmul,
    "batch_matmul": _vjp_batch_matmul,
    "conv2d": _vjp_conv2d,
    "pool": _vjp_pool,
    "transpose": _vjp_transpose,
    "reshape": lambda g, node, dy, want: [g.reshape(dy, node.inputs[0].shape)],
    "pad": _vjp_pad,
    "slice": _vjp_slice,
    "loss": lambda g, node, dy, want: [dy],
}

#: Primitives that only appear in backward graphs (no second derivatives).
BACKWARD_ONLY = ("conv2d_grad_input", "conv2d_grad_filter", "maxpool_select", "window_sum", "grad_seed")


def gradients(g: Graph, loss: Node, seed: Node, wrt: Iterable[Node]) -> dict[int, Node | None]:
    """Append the backward pass of ``loss`` to ``g``.

    ``seed`` is the gradient of ``loss`` (the ``grad_seed`` node). Returns a map
    from node id (of each ``wrt`` node) to its gradient node, or ``None`` when
    the loss does not depend on it.
    """
    wrt = list(wrt)
    nodes = g.nodes
    n_fwd = len(nodes)
    # Which nodes depend on a differentiated leaf (forward sweep).
    needs = [False] * n_fwd
    for w in wrt:
        needs[w.id] = True
    for node in nodes[: loss.id + 1]:
        if needs[node.id] or node.op in ("input", "param", "fill"):
            continue
        if node.op == "reduce" and node.attrs.get("no_grad"):
            continue
        needs[node.id] = any(needs[i.id] for i in node.inputs)
    # Which nodes the loss depends on.
    live = g.reachable([loss])
    contribs: dict[int, list[Node]] = {loss.id: [seed]}
    result: dict[int, Node | None] = {w.id: None for w in wrt}
    for idx in range(loss.id, -1, -1):
        node = nodes[idx]
        parts = contribs.pop(idx, None)
        if parts is None or not live[idx]:
            continue
        with g.layer(node.layer + ".grad" if not node.layer.endswith(".grad") else node.layer, "backward"):
            grad = parts[0]
            for p in parts[1:]:
                grad = g.ew("add", [grad, p])
            if idx in result:
                result[idx] = grad
            if node.op in ("input", "param", "fill"):
                continue
            rule = VJP.get(node.op)
            if rule is None:
                raise NotImplementedError(f"no gradient rule for primitive '{node.op}'")
            in_grads = rule(g, node, grad, [needs[i.id] for i in node.inputs])
            for inp, ig in zip(node.inputs, in_grads):
                if ig is None or not needs[inp.id]:
                    continue
                assert ig.shape == inp.shape, (node, inp, ig)
                contribs.setdefault(inp.id, []).append(ig)
    return result
