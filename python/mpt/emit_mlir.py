"""MLIR emitter: prints a :class:`mpt.train.TrainStep` as an MLIR module.

The module holds ``func.func @train_step`` (forward, ``mpt.loss``,
``mpt.grad_seed``, backward, one ``mpt.sgd``/``mpt.adam`` per parameter) and
``func.func @eval_step`` (forward only; returns the loss and the output). Only
the ``func``, ``linalg``, ``tensor``, ``arith`` and ``math`` dialects and the
``mpt`` ops are used; see docs/frontend.md for the op-by-op mapping.

Emission is one pass over the graph (linear time): every node becomes a few
lines of text, affine maps are de-duplicated into ``#mapN`` aliases, and
function-level constants are shared.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from .graph import GELU_A, GELU_C, Graph, Node

# ------------------------------------------------------------------ literals


def _with_point(s: str) -> str:
    """Make a Python float repr a valid MLIR float literal (it needs a '.')."""
    mant, e, exp = s.partition("e")
    if "." not in mant:
        mant += ".0"
    return mant + (("e" + exp) if e else "")


def fmt_f64(x: float) -> str:
    """An MLIR literal that parses to exactly the double ``x``."""
    x = float(x)
    if not math.isfinite(x):
        return "0x%016X" % np.float64(x).view(np.uint64)
    return _with_point(repr(x))


def fmt_f32(x: float) -> str:
    """An MLIR literal that parses (decimal -> double -> f32, as MLIR does) to exactly ``float32(x)``."""
    v = np.float32(x)
    if not np.isfinite(v):
        return "0x%08X" % v.view(np.uint32)
    short = _with_point(str(v).replace("e+", "e"))
    try:
        if np.float32(float(short)) == v:
            return short
    except ValueError:
        pass
    return _with_point(repr(float(v)))


def tensor_type(shape: Sequence[int], dtype: str = "f32") -> str:
    if not shape:
        return f"tensor<{dtype}>"
    return "tensor<" + "x".join(str(d) for d in shape) + f"x{dtype}>"


def _dense_i64(vals: Sequence[int]) -> str:
    vals = list(vals)
    body = str(vals[0]) if all(v == vals[0] for v in vals) else "[" + ", ".join(map(str, vals)) + "]"
    return f"dense<{body}> : tensor<{len(vals)}xi64>"


def _affine(terms: Sequence[tuple[int, int]], const: int = 0) -> str:
    """``sum(coef * d_dim) + const`` as an affine expression string."""
    out = ""
    for coef, dim in terms:
        if coef == 0:
            continue
        mag = abs(coef)
        t = f"d{dim}" if mag == 1 else f"d{dim} * {mag}"
        if not out:
            out = t if coef > 0 else f"-{t}" if mag == 1 else f"d{dim} * {coef}"
        else:
            out += f" + {t}" if coef > 0 else f" - {t}"
    if const or not out:
        if not out:
            out = str(const)
        else:
            out += f" + {const}" if const > 0 else f" - {-const}"
    return out


# ------------------------------------------------------------------- bodies
class _Body:
    """Builds the scalar body of a ``linalg.generic``."""

    def __init__(self):
        self.lines: list[str] = []
        self.n = 0

    def _new(self) -> str:
        name = f"%t{self.n}"
        self.n += 1
        return name

    def const(self, v: float) -> str:
        name = self._new()
        self.lines.append(f"{name} = arith.constant {fmt_f32(v)} : f32")
        return name

    def op(self, opname: str, *args: str, ty: str = "f32") -> str:
        name = self._new()
        self.lines.append(f"{name} = {opname} {', '.join(args)} : {ty}")
        return name

    def raw(self, text: str) -> str:
        name = self._new()
        self.lines.append(f"{name} = {text}")
        return name


def _gelu_tanh(b: _Body, x: str) -> str:
    x3 = b.op("arith.mulf", b.op("arith.mulf", x, x), x)
    inner = b.op("arith.addf", x, b.op("arith.mulf", b.const(GELU_A), x3))
    return b.op("math.tanh", b.op("arith.mulf", b.const(GELU_C), inner))


def _body_gelu(b: _Body, a, out):
    t = _gelu_tanh(b, a[0])
    onep = b.op("arith.addf", b.const(1.0), t)
    half_x = b.op("arith.mulf", b.const(0.5), a[0])
    return b.op("arith.mulf", half_x, onep)


def _body_gelu_grad(b: _Body, a, out):
    x, dy = a
    t = _gelu_tanh(b, x)
    one = b.const(1.0)
    half = b.const(0.5)
    left = b.op("arith.mulf", half, b.op("arith.addf", one, t))
    sech2 = b.op("arith.subf", one, b.op("arith.mulf", t, t))
    x2 = b.op("arith.mulf", x, x)
    poly = b.op("arith.addf", one, b.op("arith.mulf", b.const(3.0 * GELU_A), x2))
    right = b.op("arith.mulf", b.op("arith.mulf", b.op("arith.mulf", half, x), sech2),
                 b.op("arith.mulf", b.const(GELU_C), poly))
    return b.op("arith.mulf", dy, b.op("arith.addf", left, right))


def _body_select_pos(b: _Body, a, out):
    zero = b.const(0.0)
    c = b.raw(f"arith.cmpf ogt, {a[0]}, {zero} : f32")
    return b.raw(f"arith.select {c}, {a[1]}, {zero} : f32")


def _body_max_grad(b: _Body, a, out):
    zero = b.const(0.0)
    c = b.raw(f"arith.cmpf oeq, {a[0]}, {a[1]} : f32")
    return b.raw(f"arith.select {c}, {a[2]}, {zero} : f32")


def _body_eq_mask(b: _Body, a, out):
    c = b.raw(f"arith.cmpf oeq, {a[0]}, {a[1]} : f32")
    return b.raw(f"arith.select {c}, {b.const(1.0)}, {b.const(0.0)} : f32")


def _window_position(b: _Body, kw: int) -> str:
    """``kh * KW + kw`` as i32, for loops (n, oh, ow, kh, kw, c)."""
    row = b.op("arith.muli", b.raw("linalg.index 3 : index"), b.raw(f"arith.constant {kw} : index"), ty="index")
    pos = b.op("arith.addi", row, b.raw("linalg.index 4 : index"), ty="index")
    return b.raw(f"arith.index_cast {pos} : index to i32")


EW_BODY: dict[str, Callable] = {
    "copy": lambda b, a, c: a[0],
    "add": lambda b, a, c: b.op("arith.addf", a[0], a[1]),
    "sub": lambda b, a, c: b.op("arith.subf", a[0], a[1]),
    "mul": lambda b, a, c: b.op("arith.mulf", a[0], a[1]),
    "div": lambda b, a, c: b.op("arith.divf", a[0], a[1]),
    "neg": lambda b, a, c: b.op("arith.negf", a[0]),
    "scale": lambda b, a, c: b.op("arith.mulf", a[0], b.const(c[0])),
    "add_const": lambda b, a, c: b.op("arith.addf", a[0], b.const(c[0])),
    "square": lambda b, a, c: b.op("arith.mulf", a[0], a[0]),
    "exp": lambda b, a, c: b.op("math.exp", a[0]),
    "log": lambda b, a, c: b.op("math.log", a[0]),
    "tanh": lambda b, a, c: b.op("math.tanh", a[0]),
    "sqrt": lambda b, a, c: b.op("math.sqrt", a[0]),
    "rsqrt": lambda b, a, c: b.op("math.rsqrt", a[0]),
    "relu": lambda b, a, c: b.op("arith.maximumf", a[0], b.const(0.0)),
    "relu_grad": lambda b, a, c: _body_select_pos(b, a, c),
    "gelu": lambda b, a, c: _body_gelu(b, a, c),
    "gelu_grad": lambda b, a, c: _body_gelu_grad(b, a, c),
    "tanh_grad": lambda b, a, c: b.op("arith.mulf", a[1], b.op("arith.subf", b.const(1.0),
                                                                b.op("arith.mulf", a[0], a[0]))),
    "rsqrt_grad": lambda b, a, c: b.op("arith.mulf", b.op("arith.mulf", a[1], b.const(-0.5)),
                                       b.op("arith.mulf", b.op("arith.mulf", a[0], a[0]), a[0])),
    "sqrt_grad": lambda b, a, c: b.op("arith.divf", b.op("arith.mulf", a[1], b.const(0.5)), a[0]),
    "max_grad": lambda b, a, c: _body_max_grad(b, a, c),
    "eq_mask": lambda b, a, c: _body_eq_mask(b, a, c),
}


# ------------------------------------------------------------------ emitter
class _Maps:
    """Affine-map aliases shared by all functions of a module."""

    def __init__(self):
        self.alias: dict[str, str] = {}

    def get(self, ndims: int, results: Sequence[str]) -> str:
        dims = ", ".join(f"d{i}" for i in range(ndims))
        text = f"affine_map<({dims}) -> ({', '.join(results)})>"
        a = self.alias.get(text)
        if a is None:
            a = f"#map{len(self.alias)}"
            self.alias[text] = a
        return a

    def identity(self, n: int) -> str:
        return self.get(n, [f"d{i}" for i in range(n)])

    def lines(self) -> list[str]:
        return [f"{a} = {text}" for text, a in self.alias.items()]


def _reassociation(big: Sequence[int], small: Sequence[int]):
    """Groups of ``big``'s dims (contiguous) whose products are ``small``'s dims, or None."""
    if not small:
        return [] if all(d == 1 for d in big) else None
    groups, i = [], 0
    for s in small:
        if i >= len(big):
            return None
        grp, prod = [i], big[i]
        i += 1
        while prod < s and i < len(big):
            prod *= big[i]
            grp.append(i)
            i += 1
        if prod != s:
            return None
        groups.append(grp)
    while i < len(big):
        if big[i] != 1:
            return None
        groups[-1].append(i)
        i += 1
    return groups


def _reassoc_str(groups) -> str:
    return "[" + ", ".join("[" + ", ".join(map(str, g)) + "]" for g in groups) + "]"


class _Func:
    """Emits the body of one function."""

    INDENT = "    "

    def __init__(self, maps: _Maps, locations: bool, mpt_syntax: str):
        self.maps = maps
        self.locations = locations
        self.mpt_syntax = mpt_syntax
        self.names: dict[int, str] = {}
        self.lines: list[str] = []
        self.consts: dict[str, str] = {}
        self.tmp = 0

    # --- helpers
    def loc(self, node: Node | None) -> str:
        if not self.locations or node is None:
            return ""
        return f' loc("{node.layer}")'

    def fresh(self, prefix: str) -> str:
        self.tmp += 1
        return f"%{prefix}{self.tmp}"

    def const(self, value: float) -> str:
        lit = fmt_f32(value)
        name = self.consts.get(lit)
        if name is None:
            name = f"%cst{len(self.consts)}"
            self.consts[lit] = name
        return name

    def emit(self, text: str) -> None:
        self.lines.append(self.INDENT + text)

    def empty(self, shape, dtype="f32") -> str:
        e = self.fresh("e")
        self.emit(f"{e} = tensor.empty() : {tensor_type(shape, dtype)}")
        return e

    def filled(self, shape, value: float, node: Node | None) -> str:
        e = self.empty(shape)
        f = self.fresh("init")
        t = tensor_type(shape)
        self.emit(f"{f} = linalg.fill ins({self.const(value)} : f32) outs({e} : {t}) -> {t}{self.loc(node)}")
        return f

    def generic(self, node: Node, name: str, ins: Sequence[tuple[str, str, str]], out: tuple[str, str],
                maps: Sequence[str], iters: Sequence[str], body: Callable[[_Body, list[str], str], str]) -> None:
        """``ins``: (ssa, tensor type, element type); ``out``: (ssa init, tensor type)."""
        ins_names = ", ".join(i[0] for i in ins)
        ins_types = ", ".join(i[1] for i in ins)
        it = ", ".join(f'"{i}"' for i in iters)
        head = f"{name} = linalg.generic {{indexing_maps = [{', '.join(maps)}], iterator_types = [{it}]}}"
        if ins:
            head += f" ins({ins_names} : {ins_types})"
        head += f" outs({out[0]} : {out[1]}) {{"
        self.emit(head)
        args = [f"%in{i}" for i in range(len(ins))]
        bargs = ", ".join(f"{a}: {i[2]}" for a, i in zip(args, ins))
        self.emit(f"^bb0({bargs}{', ' if ins else ''}%out: f32):")
        b = _Body()
        res = body(b, args, "%out")
        for line in b.lines:
            self.emit("  " + line)
        self.emit(f"  linalg.yield {res} : f32")
        self.emit(f"}} -> {out[1]}{self.loc(node)}")

    def ty(self, node: Node) -> str:
        return tensor_type(node.shape, node.dtype)

    def arg(self, node: Node) -> tuple[str, str, str]:
        return self.names[node.id], self.ty(node), node.dtype

    # --- nodes
    def node(self, n: Node) -> None:
        name = f"%v{n.id}"
        alias = getattr(self, "_" + n.op)(n, name)
        self.names[n.id] = alias or name

    def _fill(self, n, name):
        e = self.empty(n.shape)
        t = self.ty(n)
        self.emit(f"{name} = linalg.fill ins({self.const(n.attrs['value'])} : f32) outs({e} : {t}) -> {t}"
                  f"{self.loc(n)}")

    def _ew(self, n, name):
        r = n.rank
        maps = [self.maps.identity(r) if d is None else self.maps.get(r, [f"d{i}" for i in d])
                for d in n.attrs["in_dims"]]
        maps.append(self.maps.identity(r))
        fn = n.attrs["fn"]
        consts = n.attrs["consts"]
        if fn == "onehot":
            def body(b, a, out):
                j = b.raw(f"linalg.index {r - 1} : index")
                lab = b.raw(f"arith.index_cast {a[0]} : i32 to index")
                eq = b.raw(f"arith.cmpi eq, {j}, {lab} : index")
                return b.raw(f"arith.select {eq}, {b.const(1.0)}, {b.const(0.0)} : f32")
        else:
            impl = EW_BODY[fn]

            def body(b, a, out):
                return impl(b, a, consts)
        self.generic(n, name, [self.arg(i) for i in n.inputs], (self.empty(n.shape), self.ty(n)), maps,
                     ["parallel"] * r, body)

    def _reduce(self, n, name):
        x = n.inputs[0]
        axes = n.attrs["axes"]
        kind = n.attrs["kind"]
        init = self.filled(n.shape, 0.0 if kind == "sum" else -math.inf, n)
        kept = [f"d{i}" for i in range(x.rank) if i not in axes]
        maps = [self.maps.identity(x.rank), self.maps.get(x.rank, kept)]
        iters = ["reduction" if i in axes else "parallel" for i in range(x.rank)]
        opn = "arith.addf" if kind == "sum" else "arith.maximumf"
        self.generic(n, name, [self.arg(x)], (init, self.ty(n)), maps, iters,
                     lambda b, a, out: b.op(opn, a[0], out))

    def _named_contraction(self, n, name, op, attrs=""):
        init = self.filled(n.shape, 0.0, n)
        a, b = n.inputs
        t = self.ty(n)
        self.emit(f"{name} = {op}{attrs} ins({self.names[a.id]}, {self.names[b.id]} : {self.ty(a)}, {self.ty(b)}) "
                  f"outs({init} : {t}) -> {t}{self.loc(n)}")

    def _matmul(self, n, name):
        self._named_contraction(n, name, "linalg.matmul")

    def _batch_matmul(self, n, name):
        self._named_contraction(n, name, "linalg.batch_matmul")

    def _conv2d(self, n, name):
        attrs = f" {{dilations = {_dense_i64(n.attrs['dilations'])}, strides = {_dense_i64(n.attrs['strides'])}}}"
        self._named_contraction(n, name, "linalg.conv_2d_nhwc_hwcf", attrs)

    @staticmethod
    def _mul_add(b, a, out):
        return b.op("arith.addf", out, b.op("arith.mulf", a[0], a[1]))

    def _conv2d_grad_input(self, n, name):
        # loops (n, h, w, c | kh, kw, f) = d0..d6
        z, k = n.inputs
        kh, kw = k.shape[:2]
        dh, dw = n.attrs["dilations"]
        zmap = self.maps.get(7, ["d0", _affine([(1, 1), (-dh, 4)], (kh - 1) * dh),
                                 _affine([(1, 2), (-dw, 5)], (kw - 1) * dw), "d6"])
        kmap = self.maps.get(7, ["d4", "d5", "d3", "d6"])
        omap = self.maps.get(7, ["d0", "d1", "d2", "d3"])
        init = self.filled(n.shape, 0.0, n)
        self.generic(n, name, [self.arg(z), self.arg(k)], (init, self.ty(n)), [zmap, kmap, omap],
                     ["parallel"] * 4 + ["reduction"] * 3, self._mul_add)

    def _conv2d_grad_filter(self, n, name):
        # loops (kh, kw, c, f | n, oh, ow) = d0..d6
        x, dy = n.inputs
        sh, sw = n.attrs["strides"]
        dh, dw = n.attrs["dilations"]
        xmap = self.maps.get(7, ["d4", _affine([(sh, 5), (dh, 0)]), _affine([(sw, 6), (dw, 1)]), "d2"])
        dymap = self.maps.get(7, ["d4", "d5", "d6", "d3"])
        omap = self.maps.get(7, ["d0", "d1", "d2", "d3"])
        init = self.filled(n.shape, 0.0, n)
        self.generic(n, name, [self.arg(x), self.arg(dy)], (init, self.ty(n)), [xmap, dymap, omap],
                     ["parallel"] * 4 + ["reduction"] * 3, self._mul_add)

    def _transpose(self, n, name):
        x = n.inputs[0]
        e = self.empty(n.shape, n.dtype)
        perm = ", ".join(map(str, n.attrs["perm"]))
        self.emit(f"{name} = linalg.transpose ins({self.names[x.id]} : {self.ty(x)}) outs({e} : {self.ty(n)}) "
                  f"permutation = [{perm}]{self.loc(n)}")

    def _reshape(self, n, name):
        x = n.inputs[0]
        src, dst = x.shape, n.shape
        if len(dst) < len(src):
            groups = _reassociation(src, dst)
            if groups is not None:
                self.emit(f"{name} = tensor.collapse_shape {self.names[x.id]} {_reassoc_str(groups)} : "
                          f"{self.ty(x)} into {self.ty(n)}{self.loc(n)}")
                return
        elif len(dst) > len(src):
            groups = _reassociation(dst, src)
            if groups is not None:
                self._expand(name, self.names[x.id], self.ty(x), n, groups)
                return
        # General reshape (both ranks >= 2 here): collapse to 1-d, then expand.
        flat = self.fresh("r")
        ft = tensor_type((x.size,), x.dtype)
        self.emit(f"{flat} = tensor.collapse_shape {self.names[x.id]} {_reassoc_str([list(range(x.rank))])} : "
                  f"{self.ty(x)} into {ft}{self.loc(n)}")
        self._expand(name, flat, ft, n, [list(range(n.rank))])

    def _expand(self, name, src, src_ty, n, groups):
        shape = ", ".join(map(str, n.shape))
        self.emit(f"{name} = tensor.expand_shape {src} {_reassoc_str(groups)} output_shape [{shape}] : "
                  f"{src_ty} into {self.ty(n)}{self.loc(n)}")

    def _pad(self, n, name):
        x = n.inputs[0]
        low, high, stride = n.attrs["low"], n.attrs["high"], n.attrs["stride"]
        value = n.attrs["value"]
        if all(s == 1 for s in stride):
            c = self.const(value)
            lo = ", ".join(map(str, low))
            hi = ", ".join(map(str, high))
            idx = ", ".join(f"%i{i}: index" for i in range(n.rank))
            self.emit(f"{name} = tensor.pad {self.names[x.id]} low[{lo}] high[{hi}] {{")
            self.emit(f"^bb0({idx}):")
            self.emit(f"  tensor.yield {c} : f32")
            self.emit(f"}} : {self.ty(x)} to {self.ty(n)}{self.loc(n)}")
            return
        dst = self.filled(n.shape, value, n)
        self.emit(f"{name} = tensor.insert_slice {self.names[x.id]} into {dst}[{', '.join(map(str, low))}] "
                  f"[{', '.join(map(str, x.shape))}] [{', '.join(map(str, stride))}] : {self.ty(x)} into "
                  f"{self.ty(n)}{self.loc(n)}")

    def _slice(self, n, name):
        x = n.inputs[0]
        self.emit(f"{name} = tensor.extract_slice {self.names[x.id]}[{', '.join(map(str, n.attrs['offsets']))}] "
                  f"[{', '.join(map(str, n.shape))}] [{', '.join(map(str, n.attrs['strides']))}] : "
                  f"{self.ty(x)} to {self.ty(n)}{self.loc(n)}")

    def _pool(self, n, name):
        x = n.inputs[0]
        kind = n.attrs["kind"]
        init = self.filled(n.shape, -math.inf if kind == "max" else 0.0, n)
        win = self.empty(n.attrs["window"])
        wt = tensor_type(n.attrs["window"])
        op = "linalg.pooling_nhwc_max" if kind == "max" else "linalg.pooling_nhwc_sum"
        t = self.ty(n)
        self.emit(f"{name} = {op} {{dilations = {_dense_i64((1, 1))}, strides = {_dense_i64(n.attrs['strides'])}}} "
                  f"ins({self.names[x.id]}, {win} : {self.ty(x)}, {wt}) outs({init} : {t}) -> {t}{self.loc(n)}")

    def _maxpool_select(self, n, name):
        # loops (n, oh, ow, kh, kw, c) = d0..d5. Each window's gradient goes
        # to its first maximal element in (kh, kw) order, as in PyTorch: the
        # window position of the first x == y (a minimum over the window),
        # then dy at that position only. Ties (common in f16/bf16) would
        # otherwise receive dy each.
        x, y, dy = n.inputs
        sh, sw = n.attrs["strides"]
        kh, kw = n.attrs["window"]
        xmap = self.maps.get(6, ["d0", _affine([(sh, 1), (1, 3)]), _affine([(sw, 2), (1, 4)]), "d5"])
        ymap = self.maps.get(6, ["d0", "d1", "d2", "d5"])
        n_, oh, ow, c = y.shape
        first_ty = tensor_type((n_, oh, ow, c), "i32")
        none = self.fresh("none")
        self.emit(f"{none} = arith.constant {kh * kw} : i32")
        init = self.fresh("init")
        self.emit(f"{init} = linalg.fill ins({none} : i32) outs({self.empty((n_, oh, ow, c), 'i32')} : {first_ty})"
                  f" -> {first_ty}{self.loc(n)}")
        first = self.fresh("first")
        it = ", ".join(f'"{i}"' for i in ["parallel"] * 3 + ["reduction"] * 2 + ["parallel"])
        xs, xt, _ = self.arg(x)
        ys, yt, _ = self.arg(y)
        # The window's shape, as linalg's pooling ops give it (the loop
        # ranges of kh and kw come from it; its values are not read).
        window = self.empty((kh, kw))
        wmap = self.maps.get(6, ["d3", "d4"])
        wt = tensor_type((kh, kw))
        self.emit(f"{first} = linalg.generic {{indexing_maps = [{xmap}, {wmap}, {ymap}, {ymap}], "
                  f"iterator_types = [{it}]}} ins({xs}, {window}, {ys} : {xt}, {wt}, {yt}) "
                  f"outs({init} : {first_ty}) {{")
        self.emit("^bb0(%in0: f32, %window: f32, %in1: f32, %out: i32):")
        b = _Body()
        pos = _window_position(b, kw)
        eq = b.raw("arith.cmpf oeq, %in0, %in1 : f32")
        smaller = b.op("arith.minsi", pos, "%out", ty="i32")
        hit = b.raw(f"arith.select {eq}, {smaller}, %out : i32")
        for line in b.lines + [f"linalg.yield {hit} : i32"]:
            self.emit("  " + line)
        self.emit(f"}} -> {first_ty}{self.loc(n)}")

        def route(b: _Body, a, out):
            at = b.raw(f"arith.cmpi eq, {_window_position(b, kw)}, {a[0]} : i32")
            return b.raw(f"arith.select {at}, {a[1]}, {b.const(0.0)} : f32")

        self.generic(n, name, [(first, first_ty, "i32"), self.arg(dy)], (self.empty(n.shape), self.ty(n)),
                     [ymap, ymap, self.maps.identity(6)], ["parallel"] * 6, route)

    def _window_sum(self, n, name):
        # loops (n, h, w, c | kh, kw) = d0..d5
        z = n.inputs[0]
        kh, kw = z.shape[3], z.shape[4]
        zmap = self.maps.get(6, ["d0", _affine([(1, 1), (-1, 4)], kh - 1), _affine([(1, 2), (-1, 5)], kw - 1),
                                 "d4", "d5", "d3"])
        omap = self.maps.get(6, ["d0", "d1", "d2", "d3"])
        init = self.filled(n.shape, 0.0, n)
        self.generic(n, name, [self.arg(z)], (init, self.ty(n)), [zmap, omap],
                     ["parallel"] * 4 + ["reduction"] * 2, lambda b, a, out: b.op("arith.addf", out, a[0]))

    def _loss(self, n, name):
        x = self.names[n.inputs[0].id]
        if self.mpt_syntax == "none":
            return x
        if self.mpt_syntax == "generic":
            self.emit(f'{name} = "mpt.loss"({x}) : (tensor<f32>) -> tensor<f32>{self.loc(n)}')
        else:
            self.emit(f"{name} = mpt.loss {x} : tensor<f32>{self.loc(n)}")

    def _grad_seed(self, n, name):
        x = self.names[n.inputs[0].id]
        if self.mpt_syntax == "none":
            e = self.empty(())
            self.emit(f"{name} = linalg.fill ins({self.const(1.0)} : f32) outs({e} : tensor<f32>) -> tensor<f32>"
                      f"{self.loc(n)}")
        elif self.mpt_syntax == "generic":
            self.emit(f'{name} = "mpt.grad_seed"({x}) : (tensor<f32>) -> tensor<f32>{self.loc(n)}')
        else:
            self.emit(f"{name} = mpt.grad_seed {x} : tensor<f32>{self.loc(n)}")

    # --- optimizer ops
    def mpt_op(self, op: str, results: Sequence[str], operands: Sequence[str], custom_operands: str,
               attrs: dict, ty: str, loc: str) -> None:
        """An optimizer op; ``ty`` is the parameter type (the Adam step count is ``tensor<f32>``)."""
        parts = []
        for k, v in attrs.items():
            parts.append(k if v is True else f"{k} = {fmt_f32(v)} : f32")
        attr = "{" + ", ".join(parts) + "}"
        lhs = ", ".join(results)
        if self.mpt_syntax == "generic":
            step = op == "mpt.adam"
            in_t = [ty] * (len(operands) - step) + ["tensor<f32>"] * step
            out_t = [ty] * (len(results) - step) + ["tensor<f32>"] * step
            rt = out_t[0] if len(out_t) == 1 else "(" + ", ".join(out_t) + ")"
            self.emit(f'{lhs} = "{op}"({", ".join(operands)}) {attr} : ({", ".join(in_t)}) -> {rt}{loc}')
        else:
            self.emit(f"{lhs} = {op} {custom_operands} {attr} : {ty}{loc}")


def _arg_attrs(spec) -> str:
    parts = [f"mpt.role = #mpt.role<{spec.role}>", f'mpt.name = "{spec.name}"']
    if spec.init is not None:
        parts.append(f"mpt.init = {init_attr(spec.init)}")
    return "{" + ", ".join(parts) + "}"


def init_attr(init) -> str:
    """The ``#mpt.init`` attribute of an :class:`mpt.init.InitSpec`."""
    if init.dist == "zeros":
        return "#mpt.init<dist = zeros>"
    if init.dist == "constant":
        return f"#mpt.init<dist = constant, value = {fmt_f64(init.value)}>"
    return (f"#mpt.init<dist = uniform, low = {fmt_f64(init.low)}, high = {fmt_f64(init.high)}, "
            f"seed = {int(init.seed)}>")


def _emit_nodes(f: _Func, g: Graph, roots: Sequence[Node]) -> None:
    live = g.reachable(roots)
    for n in g.nodes:
        if live[n.id] and n.id not in f.names:
            f.node(n)


def _signature(fname: str, args, arg_names, results) -> str:
    a = ", ".join(f"{nm}: {tensor_type(s.shape, s.dtype)} {_arg_attrs(s)}" for nm, s in zip(arg_names, args))
    r = ", ".join(f"{ty} {attrs}" for ty, attrs in results)
    return f"  func.func @{fname}({a}) -> ({r}) {{"


def _finish(f: _Func, header: str, rets: Sequence[str], ret_types: Sequence[str]) -> list[str]:
    consts = [f"    {name} = arith.constant {lit} : f32" for lit, name in f.consts.items()]
    out = [header] + consts + f.lines
    out.append(f"    return {', '.join(rets)} : {', '.join(ret_types)}")
    out.append("  }")
    return out


def _bind_args(f: _Func, step, args) -> list[str]:
    by_name = {p.attrs["name"]: p for p in step.params}
    by_name.update({x.attrs["name"]: x for x in step.inputs})
    names = []
    for i, s in enumerate(args):
        nm = f"%arg{i}"
        names.append(nm)
        node = by_name.get(s.name)
        if node is not None and s.role in ("param", "input"):
            f.names[node.id] = nm
    return names


def _emit_train(step, maps: _Maps, locations: bool, mpt_syntax: str) -> list[str]:
    g = step.graph
    f = _Func(maps, locations, mpt_syntax)
    args = step.train_arguments()
    arg_names = _bind_args(f, step, args)
    state_ssa = {s.name: nm for s, nm in zip(args, arg_names) if s.role == "opt_state"}
    _emit_nodes(f, g, [step.loss] + step.grads)
    opt = step.optimizer
    new_vals: dict[str, str] = {}
    for i, (p, gr) in enumerate(zip(step.params, step.grads)):
        pname = p.attrs["name"]
        pv, gv = f.names[p.id], f.names[gr.id]
        ty = tensor_type(p.shape)
        new_p = f"%new{i}"
        loc = f' loc("{pname}")' if locations else ""
        if opt.kind == "sgd":
            attrs = {"lr": opt.lr}
            if opt.momentum != 0:
                attrs["momentum"] = opt.momentum
                if opt.dampening != 0:
                    attrs["dampening"] = opt.dampening
            if opt.weight_decay != 0:
                attrs["weight_decay"] = opt.weight_decay
            if opt.nesterov:
                attrs["nesterov"] = True
            if opt.momentum != 0:
                m = state_ssa[f"{pname}.momentum"]
                new_m = f"%new{i}_m"
                f.mpt_op("mpt.sgd", [new_p, new_m], [pv, gv, m], f"{pv}, {gv} momentum_buffer({m})", attrs, ty, loc)
                new_vals[f"{pname}.momentum"] = new_m
            else:
                f.mpt_op("mpt.sgd", [new_p], [pv, gv], f"{pv}, {gv}", attrs, ty, loc)
        else:
            attrs = {"lr": opt.lr, "beta1": opt.beta1, "beta2": opt.beta2, "eps": opt.eps,
                     "weight_decay": opt.weight_decay}
            m, v, t = state_ssa[f"{pname}.adam_m"], state_ssa[f"{pname}.adam_v"], state_ssa["adam.step"]
            res = [new_p, f"%new{i}_m", f"%new{i}_v", f"%new{i}_t"]
            f.mpt_op("mpt.adam", res, [pv, gv, m, v, t], f"{pv}, {gv}, {m}, {v}, {t}", attrs, ty, loc)
            new_vals[f"{pname}.adam_m"] = res[1]
            new_vals[f"{pname}.adam_v"] = res[2]
            new_vals.setdefault("adam.step", res[3])
        new_vals[pname] = new_p
    results, rets, rtypes = [], [], []
    for s in args:
        if s.role in ("param", "opt_state"):
            ty = tensor_type(s.shape)
            results.append((ty, f'{{mpt.role = #mpt.role<{s.role}>, mpt.updates = "{s.name}"}}'))
            rets.append(new_vals[s.name])
            rtypes.append(ty)
    results.append(("tensor<f32>", '{mpt.role = #mpt.role<loss>}'))
    rets.append(f.names[step.loss.id])
    rtypes.append("tensor<f32>")
    return _finish(f, _signature("train_step", args, arg_names, results), rets, rtypes)


def _emit_eval(step, maps: _Maps, locations: bool) -> list[str]:
    f = _Func(maps, locations, "custom")
    args = step.eval_arguments()
    arg_names = _bind_args(f, step, args)
    roots = [step.loss_value] + ([step.output] if step.output is not None else [])
    _emit_nodes(f, step.graph, roots)
    results = [("tensor<f32>", '{mpt.role = #mpt.role<loss>}')]
    rets = [f.names[step.loss_value.id]]
    rtypes = ["tensor<f32>"]
    if step.output is not None:
        ty = tensor_type(step.output.shape, step.output.dtype)
        results.append((ty, '{mpt.role = #mpt.role<output>, mpt.name = "logits"}'))
        rets.append(f.names[step.output.id])
        rtypes.append(ty)
    return _finish(f, _signature("eval_step", args, arg_names, results), rets, rtypes)


def _emit_grad(step, maps: _Maps, locations: bool) -> list[str]:
    """Debug function ``@grad_step``: the loss, then the raw gradients in parameter order (role
    ``output``, named ``grad.<param>``), with no mpt ops, so stock MLIR can lower and run it."""
    f = _Func(maps, locations, "none")
    args = step.eval_arguments()
    arg_names = _bind_args(f, step, args)
    _emit_nodes(f, step.graph, [step.loss] + step.grads)
    results = [("tensor<f32>", '{mpt.role = #mpt.role<loss>}')]
    rets = [f.names[step.loss.id]]
    rtypes = ["tensor<f32>"]
    for p, gr in zip(step.params, step.grads):
        ty = tensor_type(p.shape)
        results.append((ty, f'{{mpt.role = #mpt.role<output>, mpt.name = "grad.{p.attrs["name"]}"}}'))
        rets.append(f.names[gr.id])
        rtypes.append(ty)
    return _finish(f, _signature("grad_step", args, arg_names, results), rets, rtypes)


def emit_module(step, *, functions: Sequence[str] = ("train_step", "eval_step"), locations: bool = True,
                mpt_syntax: str = "custom") -> str:
    """The MLIR text of ``step``.

    ``functions``: any of ``"train_step"``, ``"eval_step"`` and the debugging
    aid ``"grad_step"`` (returns the loss and the raw gradients, no ``mpt``
    ops). ``locations``: attach ``loc("<layer>")`` to every op.
    ``mpt_syntax``: ``"custom"`` (the mpt dialect's assembly format) or
    ``"generic"`` (quoted generic form, for stock ``mlir-opt
    --allow-unregistered-dialect``).
    """
    if mpt_syntax not in ("custom", "generic"):
        raise ValueError(f"mpt_syntax must be 'custom' or 'generic', got {mpt_syntax!r}")
    maps = _Maps()
    body: list[str] = []
    for fn in functions:
        if fn == "train_step":
            body += _emit_train(step, maps, locations, mpt_syntax)
        elif fn == "eval_step":
            body += _emit_eval(step, maps, locations)
        elif fn == "grad_step":
            body += _emit_grad(step, maps, locations)
        else:
            raise ValueError(f"unknown function {fn!r}")
    head = [f"// mpt frontend: model '{step.model.name}', optimizer {step.optimizer.kind}, "
            f"batch {step.batch_size}"]
    return "\n".join(head + maps.lines() + ["module {"] + body + ["}", ""])
