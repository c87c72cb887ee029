"""The model-building API: :class:`Model` and its layers.

Every layer is a method of :class:`Model` that checks its operands, names
itself (``dense0``, ``conv1``, ... unless given ``name=``), creates its
parameters with deterministic seeded initialisation, and expands into
primitives of :mod:`mpt.graph`. A layer that cannot be built raises
:class:`mpt.FrontendError` naming the layer and the shapes, before any MLIR is
written.

Example::

    m = Model(seed=0)
    x = m.input("x", (32, 8, 8, 1))
    y = m.input("y", (32,), "i32")
    h = m.flatten(x)
    h = m.dense(h, 64, activation="relu")
    logits = m.dense(h, 10, init="glorot")
    loss = m.softmax_cross_entropy(logits, y)
    step = m.compile(loss, SGD(lr=0.1), output=logits)
    mlir_text = step.to_mlir()
"""

from __future__ import annotations

import math
import re
from typing import Sequence

from . import init as init_mod
from .errors import FrontendError
from .graph import F32, I32, Graph, Node, shape_str

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")

ACTIVATIONS = (None, "none", "relu", "gelu")


def _pair(v, what: str, layer: str) -> tuple[int, int]:
    if isinstance(v, int):
        v = (v, v)
    try:
        a, b = (int(t) for t in v)
    except (TypeError, ValueError):
        raise FrontendError(f"layer '{layer}': {what} must be an int or a pair of ints, got {v!r}") from None
    return a, b


class Model:
    """Builds a model's forward graph; :meth:`compile` turns it into a training step."""

    #: Layer methods reachable through :meth:`apply` by name.
    OPS = ("dense", "conv2d", "bias_add", "relu", "gelu", "max_pool", "avg_pool", "global_avg_pool",
           "flatten", "reshape", "layer_norm", "softmax", "softmax_cross_entropy", "mse", "add",
           "scaled_dot_product_attention", "multi_head_attention", "mean", "positional_embedding")

    def __init__(self, name: str = "model", seed: int = 0):
        self.name = name
        self.seed = int(seed)
        self.graph = Graph()
        self.params: list[Node] = []
        self.inputs: list[Node] = []
        self._names: set[str] = set()
        self._counters: dict[str, int] = {}

    # ---------------------------------------------------------------- helpers
    def _layer_name(self, kind: str, name: str | None) -> str:
        if name is None:
            i = self._counters.get(kind, 0)
            while f"{kind}{i}" in self._names:
                i += 1
            self._counters[kind] = i + 1
            name = f"{kind}{i}"
        self._check_name(name, kind)
        return name

    def _check_name(self, name: str, kind: str) -> None:
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise FrontendError(f"layer '{name}' ({kind}): names must match [A-Za-z_][A-Za-z0-9_.-]*")
        if name in self._names:
            raise FrontendError(f"layer '{name}' ({kind}): the name is already used in this model")
        self._names.add(name)

    def _own(self, kind: str, layer: str, *xs: Node) -> None:
        for x in xs:
            if not isinstance(x, Node):
                raise FrontendError(f"layer '{layer}' ({kind}): operand {x!r} is not a tensor of this model")
            if x.id >= len(self.graph.nodes) or self.graph.nodes[x.id] is not x:
                raise FrontendError(f"layer '{layer}' ({kind}): operand {x!r} belongs to another model")

    def _err(self, msg: str) -> FrontendError:
        return self.graph.error(msg)

    def param(self, name: str, shape: Sequence[int], init: init_mod.InitSpec) -> Node:
        """A trainable parameter with an explicit :class:`mpt.init.InitSpec`."""
        if name in self._names:
            raise FrontendError(f"parameter '{name}': the name is already used in this model")
        if not _NAME_RE.match(name):
            raise FrontendError(f"parameter '{name}': names must match [A-Za-z_][A-Za-z0-9_.-]*")
        self._names.add(name)
        p = self.graph.param(name, shape, init)
        self.params.append(p)
        return p

    def _uniform(self, name: str, bound: float) -> init_mod.InitSpec:
        return init_mod.InitSpec("uniform", low=-bound, high=bound, seed=init_mod.derive_seed(self.seed, name))

    def _weight_init(self, layer: str, pname: str, how: str, fan_in: int, fan_out: int, scale: float = 1.0):
        if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
            raise FrontendError(f"layer '{layer}': init_scale must be a positive number, got {scale!r}")
        if how == "he":
            return self._uniform(pname, scale * math.sqrt(6.0 / fan_in))
        if how == "glorot":
            return self._uniform(pname, scale * math.sqrt(6.0 / (fan_in + fan_out)))
        raise FrontendError(f"layer '{layer}': unknown init {how!r} (use 'he' or 'glorot')")

    def _activation(self, x: Node, activation) -> Node:
        if activation not in ACTIVATIONS:
            raise self._err(f"unknown activation {activation!r} (known: relu, gelu, none)")
        if activation == "relu":
            return self.graph.ew("relu", [x])
        if activation == "gelu":
            return self.graph.ew("gelu", [x])
        return x

    def _f32(self, x: Node, what: str) -> None:
        if x.dtype != F32:
            raise self._err(f"{what} must be f32, got {x.dtype} tensor of shape {shape_str(x.shape)}")

    # ----------------------------------------------------------------- inputs
    def input(self, name: str, shape: Sequence[int], dtype: str = F32) -> Node:
        """A batch input (``mpt.role = #mpt.role<input>``); images are NHWC f32, class labels i32."""
        self._check_name(name, "input")
        try:
            shape = tuple(int(d) for d in shape)
        except (TypeError, ValueError):
            raise FrontendError(f"input '{name}': shape must be a sequence of ints, got {shape!r}") from None
        if any(d <= 0 for d in shape):
            raise FrontendError(f"input '{name}': shape {shape_str(shape)} has a non-positive dimension "
                                f"(batch and feature sizes must be at least 1)")
        if dtype not in (F32, I32):
            raise FrontendError(f"input '{name}': unsupported dtype {dtype!r} (use 'f32' or 'i32')")
        with self.graph.layer(name, "input"):
            x = self.graph.input(name, shape, dtype)
        self.inputs.append(x)
        return x

    # ----------------------------------------------------------------- layers
    def dense(self, x: Node, units: int, *, activation=None, use_bias: bool = True, init: str = "he",
              init_scale: float = 1.0, name: str | None = None) -> Node:
        """``x @ W + b`` over the last dimension (``W`` is ``[in, units]``), then ``activation``.

        ``init``: ``"he"`` (uniform, bound ``sqrt(6/fan_in)``) or ``"glorot"`` (bound
        ``sqrt(6/(fan_in+fan_out))``), the bound multiplied by ``init_scale``; the bias starts at 0.
        """
        name = self._layer_name("dense", name)
        self._own("dense", name, x)
        g = self.graph
        with g.layer(name, "dense"):
            self._f32(x, "the input")
            if x.rank < 2:
                raise self._err(f"expects an input of rank >= 2 ([batch, ..., features]), got shape "
                                f"{shape_str(x.shape)}")
            if not isinstance(units, int) or units < 1:
                raise self._err(f"units must be a positive int, got {units!r} (input shape {shape_str(x.shape)})")
            fan_in = x.shape[-1]
            w = self.param(f"{name}.weight", (fan_in, units),
                           self._weight_init(name, f"{name}.weight", init, fan_in, units, init_scale))
            x2 = g.reshape(x, (x.size // fan_in, fan_in))
            y = g.matmul(x2, w)
            if use_bias:
                b = self.param(f"{name}.bias", (units,), init_mod.zeros())
                y = g.ew("add", [y, b], in_dims=[None, (1,)])
            y = self._activation(y, activation)
            return g.reshape(y, x.shape[:-1] + (units,))

    def _padding(self, layer: str, padding, in_hw, eff_hw, strides):
        """``((top, bottom), (left, right))`` from an int, a pair, a pair of pairs, 'valid' or 'same'."""
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "same":
            out = []
            for size, eff, s in zip(in_hw, eff_hw, strides):
                o = -(-size // s)
                total = max((o - 1) * s + eff - size, 0)
                out.append((total // 2, total - total // 2))
            return tuple(out)
        if isinstance(padding, int):
            return ((padding, padding), (padding, padding))
        try:
            a, b = padding
            if isinstance(a, int) and isinstance(b, int):
                return ((a, a), (b, b))
            (t, bo), (le, r) = a, b
            return ((int(t), int(bo)), (int(le), int(r)))
        except (TypeError, ValueError):
            raise FrontendError(f"layer '{layer}': bad padding {padding!r}") from None

    def conv2d(self, x: Node, filters: int, kernel_size, *, stride=1, padding=0, dilation=1, activation=None,
               use_bias: bool = True, init: str = "he", init_scale: float = 1.0, name: str | None = None) -> Node:
        """2-d convolution, NHWC input and HWCF filter (``linalg.conv_2d_nhwc_hwcf``), bias, activation.

        ``padding``: int, (ph, pw), ((top, bottom), (left, right)), ``"valid"`` or ``"same"``
        (zero padding, a separate ``tensor.pad``). ``init`` as for :meth:`dense`, with
        ``fan_in = KH*KW*C`` and ``fan_out = KH*KW*F``.
        """
        name = self._layer_name("conv", name)
        self._own("conv2d", name, x)
        g = self.graph
        with g.layer(name, "conv2d"):
            self._f32(x, "the input")
            if x.rank != 4:
                raise self._err(f"expects an NHWC input of rank 4, got shape {shape_str(x.shape)}")
            kh, kw = _pair(kernel_size, "kernel_size", name)
            sh, sw = _pair(stride, "stride", name)
            dh, dw = _pair(dilation, "dilation", name)
            if min(kh, kw, sh, sw, dh, dw) < 1:
                raise self._err(f"kernel {kh}x{kw}, stride {sh}x{sw} and dilation {dh}x{dw} must be positive")
            if not isinstance(filters, int) or filters < 1:
                raise self._err(f"filters must be a positive int, got {filters!r}")
            n, h, w_, c = x.shape
            eh, ew_ = (kh - 1) * dh + 1, (kw - 1) * dw + 1
            (pt, pb), (pl, pr) = self._padding(name, padding, (h, w_), (eh, ew_), (sh, sw))
            if min(pt, pb, pl, pr) < 0:
                raise self._err(f"negative padding {padding!r}")
            if eh > h + pt + pb or ew_ > w_ + pl + pr:
                raise self._err(f"kernel {kh}x{kw} (dilation {dh}x{dw}) is larger than the padded input "
                                f"{h + pt + pb}x{w_ + pl + pr} (input shape {shape_str(x.shape)}, padding "
                                f"{(pt, pb)}x{(pl, pr)})")
            wname = f"{name}.weight"
            k = self.param(wname, (kh, kw, c, filters),
                           self._weight_init(name, wname, init, kh * kw * c, kh * kw * filters, init_scale))
            xp = g.pad(x, (0, pt, pl, 0), (0, pb, pr, 0))
            y = g.conv2d(xp, k, (sh, sw), (dh, dw))
            if use_bias:
                b = self.param(f"{name}.bias", (filters,), init_mod.zeros())
                y = g.ew("add", [y, b], in_dims=[None, (3,)])
            return self._activation(y, activation)

    def bias_add(self, x: Node, *, name: str | None = None) -> Node:
        """Adds a zero-initialised bias parameter along the last (channel) dimension."""
        name = self._layer_name("bias", name)
        self._own("bias_add", name, x)
        with self.graph.layer(name, "bias_add"):
            self._f32(x, "the input")
            if x.rank < 1:
                raise self._err("expects a tensor with a channel dimension, got a scalar")
            b = self.param(f"{name}.bias", (x.shape[-1],), init_mod.zeros())
            return self.graph.ew("add", [x, b], in_dims=[None, (x.rank - 1,)])

    def positional_embedding(self, x: Node, *, name: str | None = None) -> Node:
        """Adds a learned ``[S, E]`` table to ``x = [B, S, E]`` (uniform in +-0.1), broadcast over the batch."""
        name = self._layer_name("pos", name)
        self._own("positional_embedding", name, x)
        with self.graph.layer(name, "positional_embedding"):
            self._f32(x, "the input")
            if x.rank != 3:
                raise self._err(f"expects [batch, sequence, embedding], got {shape_str(x.shape)}")
            p = self.param(f"{name}.weight", x.shape[1:], self._uniform(f"{name}.weight", 0.1))
            return self.graph.ew("add", [x, p], in_dims=[None, (1, 2)])

    def relu(self, x: Node, *, name: str | None = None) -> Node:
        name = self._layer_name("relu", name)
        self._own("relu", name, x)
        with self.graph.layer(name, "relu"):
            self._f32(x, "the input")
            return self.graph.ew("relu", [x])

    def gelu(self, x: Node, *, name: str | None = None) -> Node:
        """GELU, tanh approximation: ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
        name = self._layer_name("gelu", name)
        self._own("gelu", name, x)
        with self.graph.layer(name, "gelu"):
            self._f32(x, "the input")
            return self.graph.ew("gelu", [x])

    def _pool(self, kind: str, x: Node, window, stride, padding, name):
        lname = self._layer_name(f"{kind}_pool", name)
        self._own(f"{kind}_pool", lname, x)
        g = self.graph
        with g.layer(lname, f"{kind}_pool"):
            self._f32(x, "the input")
            if x.rank != 4:
                raise self._err(f"expects an NHWC input of rank 4, got shape {shape_str(x.shape)}")
            kh, kw = _pair(window, "window", lname)
            sh, sw = _pair((kh, kw) if stride is None else stride, "stride", lname)
            if min(kh, kw, sh, sw) < 1:
                raise self._err(f"window {kh}x{kw} and stride {sh}x{sw} must be positive")
            n, h, w_, c = x.shape
            (pt, pb), (pl, pr) = self._padding(lname, padding, (h, w_), (kh, kw), (sh, sw))
            if min(pt, pb, pl, pr) < 0 or max(pt, pb) >= kh or max(pl, pr) >= kw:
                raise self._err(f"padding {(pt, pb)}x{(pl, pr)} must be non-negative and smaller than the window "
                                f"{kh}x{kw}")
            if kh > h + pt + pb or kw > w_ + pl + pr:
                raise self._err(f"window {kh}x{kw} is larger than the padded input {h + pt + pb}x{w_ + pl + pr} "
                                f"(input shape {shape_str(x.shape)})")
            fill = -math.inf if kind == "max" else 0.0
            xp = g.pad(x, (0, pt, pl, 0), (0, pb, pr, 0), value=fill)
            if kind == "max":
                return g.pool("max", xp, (kh, kw), (sh, sw))
            s = g.pool("sum", xp, (kh, kw), (sh, sw))
            return g.ew("scale", [s], consts=(1.0 / (kh * kw),))

    def max_pool(self, x: Node, window=2, stride=None, padding=0, *, name: str | None = None) -> Node:
        """Max pooling over NHWC windows (``linalg.pooling_nhwc_max``); stride defaults to the window;
        padding is with -inf."""
        return self._pool("max", x, window, stride, padding, name)

    def avg_pool(self, x: Node, window=2, stride=None, padding=0, *, name: str | None = None) -> Node:
        """Average pooling (``linalg.pooling_nhwc_sum`` / window size); zero padding counts in the average."""
        return self._pool("avg", x, window, stride, padding, name)

    def global_avg_pool(self, x: Node, *, name: str | None = None) -> Node:
        """Mean over H and W of an NHWC tensor: ``[N, H, W, C] -> [N, C]``."""
        name = self._layer_name("gap", name)
        self._own("global_avg_pool", name, x)
        with self.graph.layer(name, "global_avg_pool"):
            self._f32(x, "the input")
            if x.rank != 4:
                raise self._err(f"expects an NHWC input of rank 4, got shape {shape_str(x.shape)}")
            s = self.graph.reduce("sum", x, (1, 2))
            return self.graph.ew("scale", [s], consts=(1.0 / (x.shape[1] * x.shape[2]),))

    def mean(self, x: Node, axes: Sequence[int], *, name: str | None = None) -> Node:
        """Mean over ``axes`` (dropped from the shape)."""
        name = self._layer_name("mean", name)
        self._own("mean", name, x)
        with self.graph.layer(name, "mean"):
            self._f32(x, "the input")
            try:
                axes = sorted(set(int(a) for a in axes))
            except TypeError:
                axes = [int(axes)]
            if any(not -x.rank <= a < x.rank for a in axes):
                raise self._err(f"axes {axes} out of range for shape {shape_str(x.shape)}")
            axes = sorted(set(a % x.rank for a in axes))
            count = math.prod(x.shape[a] for a in axes)
            return self.graph.ew("scale", [self.graph.reduce("sum", x, axes)], consts=(1.0 / count,))

    def flatten(self, x: Node, *, name: str | None = None) -> Node:
        """``[B, ...] -> [B, prod(...)]``."""
        name = self._layer_name("flatten", name)
        self._own("flatten", name, x)
        with self.graph.layer(name, "flatten"):
            if x.rank < 1:
                raise self._err("cannot flatten a scalar")
            return self.graph.reshape(x, (x.shape[0], x.size // x.shape[0]))

    def reshape(self, x: Node, shape: Sequence[int], *, name: str | None = None) -> Node:
        """Row-major reshape; one dimension may be -1."""
        name = self._layer_name("reshape", name)
        self._own("reshape", name, x)
        with self.graph.layer(name, "reshape"):
            shape = [int(d) for d in shape]
            if shape.count(-1) > 1 or any(d == 0 or d < -1 for d in shape):
                raise self._err(f"bad target shape {tuple(shape)} for input {shape_str(x.shape)}")
            if -1 in shape:
                rest = math.prod(d for d in shape if d != -1)
                if x.size % rest:
                    raise self._err(f"cannot reshape {shape_str(x.shape)} to {tuple(shape)}")
                shape[shape.index(-1)] = x.size // rest
            return self.graph.reshape(x, shape)

    def layer_norm(self, x: Node, *, eps: float = 1e-5, name: str | None = None) -> Node:
        """Layer normalisation over the last dimension with learned ``weight`` (ones) and ``bias`` (zeros)."""
        name = self._layer_name("ln", name)
        self._own("layer_norm", name, x)
        g = self.graph
        with g.layer(name, "layer_norm"):
            self._f32(x, "the input")
            if x.rank < 1:
                raise self._err("expects a tensor with a feature dimension, got a scalar")
            d = x.shape[-1]
            last = x.rank - 1
            lead = tuple(range(last))
            gamma = self.param(f"{name}.weight", (d,), init_mod.constant(1.0))
            beta = self.param(f"{name}.bias", (d,), init_mod.zeros())
            mu = g.ew("scale", [g.reduce("sum", x, (last,))], consts=(1.0 / d,))
            xc = g.ew("sub", [x, mu], in_dims=[None, lead])
            var = g.ew("scale", [g.reduce("sum", g.ew("square", [xc]), (last,))], consts=(1.0 / d,))
            rstd = g.ew("rsqrt", [g.ew("add_const", [var], consts=(float(eps),))])
            xn = g.ew("mul", [xc, rstd], in_dims=[None, lead])
            y = g.ew("mul", [xn, gamma], in_dims=[None, (last,)])
            return g.ew("add", [y, beta], in_dims=[None, (last,)])

    def _softmax_parts(self, x: Node):
        """``(x - max, log(sum(exp(x - max))))`` over the last axis; the max passes no gradient."""
        g = self.graph
        last = x.rank - 1
        lead = tuple(range(last))
        mx = g.reduce("max", x, (last,), no_grad=True)
        sh = g.ew("sub", [x, mx], in_dims=[None, lead])
        ex = g.ew("exp", [sh])
        se = g.reduce("sum", ex, (last,))
        return sh, ex, se, lead

    def softmax(self, x: Node, *, name: str | None = None) -> Node:
        """Softmax over the last dimension (max-subtracted)."""
        name = self._layer_name("softmax", name)
        self._own("softmax", name, x)
        with self.graph.layer(name, "softmax"):
            self._f32(x, "the input")
            if x.rank < 1:
                raise self._err("expects a tensor with a class dimension, got a scalar")
            _, ex, se, lead = self._softmax_parts(x)
            return self.graph.ew("div", [ex, se], in_dims=[None, lead])

    def softmax_cross_entropy(self, logits: Node, labels: Node, *, name: str | None = None) -> Node:
        """Mean softmax cross-entropy; ``labels`` are i32 class indices (shape of ``logits`` minus the
        class dimension) or f32 one-hot / probability rows (shape of ``logits``). Returns a scalar."""
        name = self._layer_name("xent", name)
        self._own("softmax_cross_entropy", name, logits, labels)
        g = self.graph
        with g.layer(name, "softmax_cross_entropy"):
            self._f32(logits, "the logits")
            if logits.rank < 1:
                raise self._err("logits need a class dimension, got a scalar")
            if labels.dtype == I32:
                if labels.shape != logits.shape[:-1]:
                    raise self._err(f"integer labels of shape {shape_str(labels.shape)} do not match logits "
                                    f"{shape_str(logits.shape)} (expected {shape_str(logits.shape[:-1])})")
                target = g.ew("onehot", [labels], logits.shape, [tuple(range(labels.rank))])
            else:
                if labels.shape != logits.shape:
                    raise self._err(f"one-hot labels of shape {shape_str(labels.shape)} do not match logits "
                                    f"{shape_str(logits.shape)}")
                target = labels
            sh, _, se, lead = self._softmax_parts(logits)
            logp = g.ew("sub", [sh, g.ew("log", [se])], in_dims=[None, lead])
            tot = g.reduce("sum", g.ew("mul", [target, logp]), range(logits.rank))
            count = logits.size // logits.shape[-1]
            return g.ew("scale", [tot], consts=(-1.0 / count,))

    def mse(self, pred: Node, target: Node, *, name: str | None = None) -> Node:
        """Mean squared error over all elements. Returns a scalar."""
        name = self._layer_name("mse", name)
        self._own("mse", name, pred, target)
        g = self.graph
        with g.layer(name, "mse"):
            self._f32(pred, "the prediction")
            self._f32(target, "the target")
            if pred.shape != target.shape:
                raise self._err(f"prediction shape {shape_str(pred.shape)} does not match target shape "
                                f"{shape_str(target.shape)}")
            d = g.ew("sub", [pred, target])
            tot = g.reduce("sum", g.ew("square", [d]), range(d.rank))
            return g.ew("scale", [tot], consts=(1.0 / d.size,))

    def add(self, a: Node, b: Node, *, name: str | None = None) -> Node:
        """Elementwise sum of two tensors of the same shape (residual connections)."""
        name = self._layer_name("add", name)
        self._own("add", name, a, b)
        with self.graph.layer(name, "add"):
            self._f32(a, "the first operand")
            self._f32(b, "the second operand")
            if a.shape != b.shape:
                raise self._err(f"operand shapes {shape_str(a.shape)} and {shape_str(b.shape)} differ")
            return self.graph.ew("add", [a, b])

    def scaled_dot_product_attention(self, q: Node, k: Node, v: Node, *, name: str | None = None) -> Node:
        """``softmax(q k^T / sqrt(d)) v`` for ``[B, S, D]`` or ``[B, H, S, D]`` operands."""
        name = self._layer_name("sdpa", name)
        self._own("scaled_dot_product_attention", name, q, k, v)
        g = self.graph
        with g.layer(name, "scaled_dot_product_attention"):
            for t, what in ((q, "query"), (k, "key"), (v, "value")):
                self._f32(t, f"the {what}")
                if t.rank not in (3, 4):
                    raise self._err(f"the {what} must be [B, S, D] or [B, H, S, D], got {shape_str(t.shape)}")
            if not (q.rank == k.rank == v.rank) or q.shape[:-2] != k.shape[:-2] or k.shape[:-1] != v.shape[:-1] \
                    or q.shape[-1] != k.shape[-1]:
                raise self._err(f"incompatible query {shape_str(q.shape)}, key {shape_str(k.shape)}, value "
                                f"{shape_str(v.shape)}")
            lead = q.shape[:-2]
            b = math.prod(lead)
            q3 = g.reshape(q, (b,) + q.shape[-2:])
            k3 = g.reshape(k, (b,) + k.shape[-2:])
            v3 = g.reshape(v, (b,) + v.shape[-2:])
            s = g.batch_matmul(q3, g.transpose(k3, (0, 2, 1)))
            s = g.ew("scale", [s], consts=(1.0 / math.sqrt(q.shape[-1]),))
            _, ex, se, sl = self._softmax_parts(s)
            p = g.ew("div", [ex, se], in_dims=[None, sl])
            o = g.batch_matmul(p, v3)
            return g.reshape(o, lead + (q.shape[-2], v.shape[-1]))

    def multi_head_attention(self, x: Node, heads: int, *, name: str | None = None) -> Node:
        """Self-attention over ``x = [B, S, E]``: Q/K/V projections, ``heads`` heads, output projection."""
        name = self._layer_name("mha", name)
        self._own("multi_head_attention", name, x)
        g = self.graph
        with g.layer(name, "multi_head_attention"):
            self._f32(x, "the input")
            if x.rank != 3:
                raise self._err(f"expects [batch, sequence, embedding], got {shape_str(x.shape)}")
            bsz, s, e = x.shape
            if not isinstance(heads, int) or heads < 1 or e % heads:
                raise self._err(f"embedding size {e} is not divisible by heads={heads!r}")
        dh = e // heads

        def split(t: Node) -> Node:
            return g.transpose(g.reshape(t, (bsz, s, heads, dh)), (0, 2, 1, 3))

        q = self.dense(x, e, init="glorot", name=f"{name}.q")
        k = self.dense(x, e, init="glorot", name=f"{name}.k")
        v = self.dense(x, e, init="glorot", name=f"{name}.v")
        with g.layer(name, "multi_head_attention"):
            qh, kh, vh = split(q), split(k), split(v)
        o = self.scaled_dot_product_attention(qh, kh, vh, name=f"{name}.sdpa")
        with g.layer(name, "multi_head_attention"):
            o = g.reshape(g.transpose(o, (0, 2, 1, 3)), (bsz, s, e))
        return self.dense(o, e, init="glorot", name=f"{name}.out")

    def apply(self, op: str, *args, **kwargs) -> Node:
        """Apply a layer by name, e.g. ``m.apply("conv2d", x, 16, 3, padding=1)``."""
        if op not in self.OPS:
            raise FrontendError(f"unknown op '{op}' (known ops: {', '.join(self.OPS)})")
        return getattr(self, op)(*args, **kwargs)

    # ---------------------------------------------------------------- compile
    def compile(self, loss: Node, optimizer, output: Node | None = None):
        """Differentiate ``loss`` and attach ``optimizer``: returns a :class:`mpt.train.TrainStep`."""
        from .train import TrainStep
        return TrainStep.build(self, loss, optimizer, output)


def sequential(model: Model, x: Node, layers: Sequence[dict]) -> Node:
    """Apply a list of layer specs, e.g. ``[{"op": "dense", "units": 10, "activation": "relu"}]``.

    Each spec is a dict with ``op`` (a :data:`Model.OPS` name) and the layer's
    keyword arguments (positional ones by their parameter names).
    """
    for i, spec in enumerate(layers):
        if not isinstance(spec, dict) or "op" not in spec:
            raise FrontendError(f"layer spec #{i}: expected a dict with an 'op' key, got {spec!r}")
        spec = dict(spec)
        op = spec.pop("op")
        if op not in Model.OPS:
            raise FrontendError(f"layer spec #{i}: unknown op '{op}' (known ops: {', '.join(Model.OPS)})")
        try:
            x = getattr(model, op)(x, **spec)
        except TypeError as e:
            raise FrontendError(f"layer spec #{i} ({op}): {e} (input shape {shape_str(x.shape)})") from None
    return x
