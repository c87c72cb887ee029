"""The frontend's internal graph IR.

A :class:`Graph` is a list of :class:`Node` objects in creation order, which is
always a topological order (a node only refers to nodes created before it).
Every node produces exactly one tensor value with a static shape and an element
type (``"f32"`` or ``"i32"``; the numpy evaluator computes ``f32`` values in
FP64).

Nodes are *primitives*: a small set of operations from which every layer in
:mod:`mpt.ops` and every gradient in :mod:`mpt.autodiff` is built. Each
primitive has

* a shape rule (the ``Graph`` method that creates it, in this module),
* a numpy implementation (:mod:`mpt.evaluate`),
* an MLIR emission (:mod:`mpt.emit_mlir`),
* a vector-Jacobian product (:mod:`mpt.autodiff`), unless it only appears in
  backward graphs.

Primitives (``Node.op``) and their attributes:

``input``            batch input; ``name``.
``param``            trainable parameter; ``name``, ``init`` (:class:`mpt.init.InitSpec`).
``fill``             constant tensor; ``value``.
``ew``               elementwise map; ``fn`` (see :data:`EW_FNS`), ``in_dims`` (one
                     entry per input: ``None`` for an input of the output's shape,
                     or the strictly increasing output dimensions the input's
                     dimensions map to, which broadcasts it over the others),
                     ``consts`` (float parameters of ``fn``).
``reduce``           ``kind`` (``"sum"`` or ``"max"``) over ``axes``; the reduced
                     dimensions are dropped.
``matmul``           ``[M,K] x [K,N] -> [M,N]``.
``batch_matmul``     ``[B,M,K] x [B,K,N] -> [B,M,N]``.
``conv2d``           NHWC input, HWCF filter, ``strides``, ``dilations``; no
                     padding (padding is a separate ``pad``).
``conv2d_grad_input``  ``out[n,h,w,c] = sum_{kh,kw,f} z[n, h+(KH-1-kh)*dh, w+(KW-1-kw)*dw, f] * k[kh,kw,c,f]``;
                     ``dilations``. ``z`` is the output gradient dilated by the
                     stride and padded (see :mod:`mpt.autodiff`).
``conv2d_grad_filter`` ``out[kh,kw,c,f] = sum_{n,oh,ow} x[n, oh*sh+kh*dh, ow*sw+kw*dw, c] * dy[n,oh,ow,f]``;
                     ``strides``, ``dilations``, ``kernel`` (KH, KW).
``transpose``        ``perm``: ``out.shape[i] = in.shape[perm[i]]``.
``reshape``          row-major reshape to the node's shape.
``pad``              ``low``, ``high``, ``stride`` (interior), ``value``:
                     ``out[low + i*stride] = in[i]``, everything else ``value``.
``slice``            ``offsets``, ``strides``: ``out[i] = in[offsets + i*strides]``.
``pool``             NHWC pooling; ``kind`` (``"max"``/``"sum"``), ``window``, ``strides``.
``maxpool_select``   ``out[n,oh,ow,kh,kw,c] = dy[n,oh,ow,c]`` at the first ``(kh, kw)`` (row-major) where
                     ``x[n,oh*sh+kh,ow*sw+kw,c] == y[n,oh,ow,c]``, else 0 (one element per window gets
                     the gradient, ties included, as in PyTorch); ``window``, ``strides`` (inputs ``x``,
                     ``y``, ``dy``).
``window_sum``       ``out[n,h,w,c] = sum_{kh,kw} z[n, h+KH-1-kh, w+KW-1-kw, kh, kw, c]``.
``loss``             marks the scalar training loss (identity); emitted as ``mpt.loss``.
``grad_seed``        ``d loss / d loss = 1``; emitted as ``mpt.grad_seed``.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Iterable, Sequence

from .errors import FrontendError

# Elementwise functions: name -> (arity, number of float constants).
# Their semantics are defined by the numpy implementations in mpt.evaluate and
# documented in docs/frontend.md.
EW_FNS: dict[str, tuple[int, int]] = {
    "copy": (1, 0),        # a (used to broadcast)
    "add": (2, 0),         # a + b
    "sub": (2, 0),         # a - b
    "mul": (2, 0),         # a * b
    "div": (2, 0),         # a / b
    "neg": (1, 0),         # -a
    "scale": (1, 1),       # a * c0
    "add_const": (1, 1),   # a + c0
    "square": (1, 0),      # a * a
    "exp": (1, 0),
    "log": (1, 0),
    "tanh": (1, 0),
    "sqrt": (1, 0),
    "rsqrt": (1, 0),       # 1 / sqrt(a)
    "relu": (1, 0),        # max(a, 0)
    "relu_grad": (2, 0),   # x > 0 ? dy : 0          (x = ReLU input, dy)
    "gelu": (1, 0),        # 0.5 a (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3)))
    "gelu_grad": (2, 0),   # dy * gelu'(x)
    "tanh_grad": (2, 0),   # dy * (1 - y^2)          (y = tanh output, dy)
    "rsqrt_grad": (2, 0),  # dy * -0.5 * y^3         (y = rsqrt output, dy)
    "sqrt_grad": (2, 0),   # dy * 0.5 / y            (y = sqrt output, dy)
    "max_grad": (3, 0),    # x == y ? dy : 0         (x input, y max, dy)
    "eq_mask": (2, 0),     # x == y ? 1 : 0          (x input, y max)
    "onehot": (1, 0),      # out[..., j] = (label[...] == j) ? 1 : 0 (label i32)
}

GELU_C = math.sqrt(2.0 / math.pi)
GELU_A = 0.044715

F32 = "f32"
I32 = "i32"


class Node:
    """One primitive operation producing one tensor value."""

    __slots__ = ("id", "op", "inputs", "shape", "dtype", "attrs", "layer")

    def __init__(self, id: int, op: str, inputs: tuple, shape: tuple, dtype: str,
                 attrs: dict, layer: str):
        self.id = id
        self.op = op
        self.inputs = inputs
        self.shape = shape
        self.dtype = dtype
        self.attrs = attrs
        self.layer = layer

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def __repr__(self) -> str:
        return f"<{self.op}#{self.id} {self.dtype}{list(self.shape)} @{self.layer}>"


def _shape_str(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


class Graph:
    """A graph of primitive nodes; creation order is a topological order."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self._layer = "graph"
        self._kind = "graph"

    # ------------------------------------------------------------------ scopes
    @contextmanager
    def layer(self, name: str, kind: str):
        """Attribute the nodes created inside the block to layer ``name``."""
        saved = (self._layer, self._kind)
        self._layer, self._kind = name, kind
        try:
            yield
        finally:
            self._layer, self._kind = saved

    @property
    def current_layer(self) -> str:
        return self._layer

    def error(self, msg: str) -> FrontendError:
        """A FrontendError that names the current layer."""
        return FrontendError(f"layer '{self._layer}' ({self._kind}): {msg}")

    # --------------------------------------------------------------- creation
    def _add(self, op: str, inputs: Iterable[Node], shape: Sequence[int], dtype: str = F32,
             **attrs) -> Node:
        shape = tuple(int(d) for d in shape)
        for d in shape:
            if d <= 0:
                raise self.error(f"{op} would produce an empty or negative shape {_shape_str(shape)}")
        node = Node(len(self.nodes), op, tuple(inputs), shape, dtype, attrs, self._layer)
        self.nodes.append(node)
        return node

    def _check_f32(self, op: str, *xs: Node) -> None:
        for x in xs:
            if x.dtype != F32:
                raise self.error(f"{op} expects f32 operands, got {x.dtype} tensor of shape {_shape_str(x.shape)}")

    def input(self, name: str, shape: Sequence[int], dtype: str = F32) -> Node:
        if dtype not in (F32, I32):
            raise self.error(f"input '{name}': unsupported dtype {dtype!r} (use 'f32' or 'i32')")
        return self._add("input", (), shape, dtype, name=name)

    def param(self, name: str, shape: Sequence[int], init) -> Node:
        return self._add("param", (), shape, F32, name=name, init=init)

    def fill(self, shape: Sequence[int], value: float) -> Node:
        return self._add("fill", (), shape, F32, value=float(value))

    def ew(self, fn: str, inputs: Sequence[Node], shape: Sequence[int] | None = None,
           in_dims: Sequence | None = None, consts: Sequence[float] = ()) -> Node:
        """Elementwise ``fn`` over ``inputs``.

        ``shape`` defaults to the shape of the first full-rank input; each
        ``in_dims`` entry is ``None`` (same shape as the output) or the tuple of
        output dimensions the input maps to (broadcast over the rest).
        """
        if fn not in EW_FNS:
            raise self.error(f"unknown elementwise function '{fn}'")
        arity, nconsts = EW_FNS[fn]
        if len(inputs) != arity or len(consts) != nconsts:
            raise self.error(f"elementwise '{fn}' takes {arity} operands and {nconsts} constants")
        if in_dims is None:
            in_dims = [None] * arity
        in_dims = [None if d is None else tuple(d) for d in in_dims]
        if shape is None:
            full = [x for x, d in zip(inputs, in_dims) if d is None]
            if not full:
                raise self.error(f"elementwise '{fn}' needs an explicit shape")
            shape = full[0].shape
        shape = tuple(shape)
        rank = len(shape)
        for x, d in zip(inputs, in_dims):
            if d is None:
                if x.shape != shape:
                    raise self.error(f"elementwise '{fn}': operand shape {_shape_str(x.shape)} does not match "
                                     f"result shape {_shape_str(shape)}")
            else:
                if len(d) != x.rank or any(a >= b for a, b in zip(d, d[1:])) or any(not 0 <= i < rank for i in d):
                    raise self.error(f"elementwise '{fn}': bad broadcast dims {d} for operand of shape "
                                     f"{_shape_str(x.shape)} into {_shape_str(shape)}")
                if tuple(shape[i] for i in d) != x.shape:
                    raise self.error(f"elementwise '{fn}': operand shape {_shape_str(x.shape)} cannot broadcast to "
                                     f"{_shape_str(shape)} along dims {d}")
        if fn == "onehot":
            if inputs[0].dtype != I32:
                raise self.error(f"onehot expects i32 labels, got {inputs[0].dtype}")
        else:
            self._check_f32(fn, *inputs)
        return self._add("ew", inputs, shape, F32, fn=fn, in_dims=tuple(in_dims),
                         consts=tuple(float(c) for c in consts))

    def reduce(self, kind: str, x: Node, axes: Sequence[int], no_grad: bool = False) -> Node:
        if kind not in ("sum", "max"):
            raise self.error(f"unknown reduction '{kind}'")
        self._check_f32("reduce", x)
        axes = tuple(sorted(set(int(a) % x.rank for a in axes))) if x.rank else ()
        shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        return self._add("reduce", (x,), shape, F32, kind=kind, axes=axes, no_grad=no_grad)

    def matmul(self, a: Node, b: Node) -> Node:
        self._check_f32("matmul", a, b)
        if a.rank != 2 or b.rank != 2 or a.shape[1] != b.shape[0]:
            raise self.error(f"matmul shape mismatch: {_shape_str(a.shape)} x {_shape_str(b.shape)}")
        return self._add("matmul", (a, b), (a.shape[0], b.shape[1]))

    def batch_matmul(self, a: Node, b: Node) -> Node:
        self._check_f32("batch_matmul", a, b)
        if a.rank != 3 or b.rank != 3 or a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
            raise self.error(f"batch_matmul shape mismatch: {_shape_str(a.shape)} x {_shape_str(b.shape)}")
        return self._add("batch_matmul", (a, b), (a.shape[0], a.shape[1], b.shape[2]))

    def conv2d(self, x: Node, k: Node, strides: Sequence[int], dilations: Sequence[int]) -> Node:
        self._check_f32("conv2d", x, k)
        if x.rank != 4 or k.rank != 4 or x.shape[3] != k.shape[2]:
            raise self.error(f"conv2d expects NHWC input and HWCF filter with matching C, got input "
                             f"{_shape_str(x.shape)} and filter {_shape_str(k.shape)}")
        n, h, w, _ = x.shape
        kh, kw, _, f = k.shape
        sh, sw = strides
        dh, dw = dilations
        eh, ew_ = (kh - 1) * dh + 1, (kw - 1) * dw + 1
        if eh > h or ew_ > w:
            raise self.error(f"conv2d kernel {kh}x{kw} (dilation {dh}x{dw}, effective {eh}x{ew_}) is larger than "
                             f"the padded input {h}x{w} (input {_shape_str(x.shape)})")
        oh, ow = (h - eh) // sh + 1, (w - ew_) // sw + 1
        return self._add("conv2d", (x, k), (n, oh, ow, f), strides=tuple(strides), dilations=tuple(dilations))

    def conv2d_grad_input(self, z: Node, k: Node, dilations: Sequence[int]) -> Node:
        n, zh, zw, f = z.shape
        kh, kw, c, f2 = k.shape
        dh, dw = dilations
        assert f == f2
        return self._add("conv2d_grad_input", (z, k), (n, zh - (kh - 1) * dh, zw - (kw - 1) * dw, c),
                         dilations=tuple(dilations))

    def conv2d_grad_filter(self, x: Node, dy: Node, kernel: Sequence[int], strides: Sequence[int],
                           dilations: Sequence[int]) -> Node:
        c = x.shape[3]
        f = dy.shape[3]
        return self._add("conv2d_grad_filter", (x, dy), (kernel[0], kernel[1], c, f),
                         kernel=tuple(kernel), strides=tuple(strides), dilations=tuple(dilations))

    def transpose(self, x: Node, perm: Sequence[int]) -> Node:
        perm = tuple(int(p) for p in perm)
        if sorted(perm) != list(range(x.rank)):
            raise self.error(f"transpose permutation {perm} does not fit shape {_shape_str(x.shape)}")
        if perm == tuple(range(x.rank)):
            return x
        return self._add("transpose", (x,), tuple(x.shape[p] for p in perm), x.dtype, perm=perm)

    def reshape(self, x: Node, shape: Sequence[int]) -> Node:
        shape = tuple(int(d) for d in shape)
        if math.prod(shape) != x.size:
            raise self.error(f"cannot reshape {_shape_str(x.shape)} ({x.size} elements) to {_shape_str(shape)}")
        if shape == x.shape:
            return x
        return self._add("reshape", (x,), shape, x.dtype)

    def pad(self, x: Node, low: Sequence[int], high: Sequence[int], stride: Sequence[int] | None = None,
            value: float = 0.0) -> Node:
        stride = tuple(stride) if stride is not None else (1,) * x.rank
        low, high = tuple(low), tuple(high)
        if all(v == 0 for v in low + high) and all(s == 1 for s in stride):
            return x
        if any(v < 0 for v in low + high) or any(s < 1 for s in stride):
            raise self.error(f"invalid padding low={low} high={high} stride={stride}")
        shape = tuple(lo + (d - 1) * s + 1 + hi for d, lo, hi, s in zip(x.shape, low, high, stride))
        return self._add("pad", (x,), shape, x.dtype, low=low, high=high, stride=stride, value=float(value))

    def slice(self, x: Node, offsets: Sequence[int], sizes: Sequence[int], strides: Sequence[int] | None = None
              ) -> Node:
        strides = tuple(strides) if strides is not None else (1,) * x.rank
        offsets, sizes = tuple(offsets), tuple(sizes)
        for d, o, n, s in zip(x.shape, offsets, sizes, strides):
            if o < 0 or n < 1 or s < 1 or o + (n - 1) * s >= d:
                raise self.error(f"slice offsets={offsets} sizes={sizes} strides={strides} out of bounds for "
                                 f"{_shape_str(x.shape)}")
        if sizes == x.shape:
            return x
        return self._add("slice", (x,), sizes, x.dtype, offsets=offsets, strides=strides)

    def pool(self, kind: str, x: Node, window: Sequence[int], strides: Sequence[int]) -> Node:
        self._check_f32("pool", x)
        if x.rank != 4:
            raise self.error(f"pooling expects an NHWC input, got shape {_shape_str(x.shape)}")
        n, h, w, c = x.shape
        kh, kw = window
        sh, sw = strides
        if kh > h or kw > w:
            raise self.error(f"pooling window {kh}x{kw} is larger than the padded input {h}x{w} "
                             f"(input {_shape_str(x.shape)})")
        return self._add("pool", (x,), (n, (h - kh) // sh + 1, (w - kw) // sw + 1, c), kind=kind,
                         window=tuple(window), strides=tuple(strides))

    def maxpool_select(self, x: Node, y: Node, dy: Node, window: Sequence[int], strides: Sequence[int]) -> Node:
        n, oh, ow, c = y.shape
        return self._add("maxpool_select", (x, y, dy), (n, oh, ow, window[0], window[1], c),
                         window=tuple(window), strides=tuple(strides))

    def window_sum(self, z: Node) -> Node:
        n, zh, zw, kh, kw, c = z.shape
        return self._add("window_sum", (z,), (n, zh - kh + 1, zw - kw + 1, c))

    def loss(self, x: Node) -> Node:
        if x.shape != () or x.dtype != F32:
            raise self.error(f"the loss must be a scalar f32 tensor, got {x.dtype} shape {_shape_str(x.shape)}")
        return self._add("loss", (x,), ())

    def grad_seed(self, loss: Node) -> Node:
        return self._add("grad_seed", (loss,), ())

    # --------------------------------------------------------------- queries
    def reachable(self, roots: Iterable[Node]) -> list[bool]:
        """Mark the nodes the ``roots`` depend on (a list indexed by node id)."""
        live = [False] * len(self.nodes)
        stack = [r for r in roots]
        for r in stack:
            live[r.id] = True
        while stack:
            n = stack.pop()
            for i in n.inputs:
                if not live[i.id]:
                    live[i.id] = True
                    stack.append(i)
        return live


def shape_str(shape: Sequence[int]) -> str:
    """Format a shape for error messages, e.g. ``(32, 64)``."""
    return _shape_str(shape)
