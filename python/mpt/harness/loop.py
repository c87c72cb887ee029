"""A training step with ``scf.for`` regions, written from a template.

The frontend emits straight-line functions only, so the ``scf.for`` case of
the harness is a hand-written template: a residual MLP whose ``trips``
blocks share one weight ``W`` and bias ``b``::

    h_0     = x @ W_in                                   [B, D]
    h_{t+1} = h_t + act(h_t @ W + b)     t = 0 .. T-1    (one scf.for)
    logits  = h_T @ W_out + b_out                        [B, K]
    loss    = mean softmax cross-entropy(logits, y)

The forward loop stores every ``h_t`` into a ``[T, B, D]`` stack
(``tensor.insert_slice`` on a loop-carried tensor); the backward pass is a
second ``scf.for`` that walks the stack in reverse (``tensor.extract_slice``
at ``T - 1 - i``), recomputes ``z = h_t @ W + b`` and carries ``dh``, ``dW``
and ``db`` as loop values::

    dz  = dh * act'(z)        dW += h_t^T @ dz        db += sum_b dz
    dh  = dh + dz @ W^T

The FP64 reference is independent of the template: the same network built
from the frontend's primitives, unrolled ``T`` times over the shared
parameter nodes (:class:`LoopStep` wraps that :class:`mpt.TrainStep` and uses
its signature, initial values and FP64 step). The emitted functions take the
frontend's arguments in the frontend's order, so the runtime binds both
alike.
"""

from __future__ import annotations

import math
import random

from .. import init as init_mod
from ..emit_mlir import _signature, fmt_f32, tensor_type
from ..ops import Model

ACTS = ("relu", "tanh")


def random_loop_spec(r: random.Random, seed: int) -> dict:
    from .generate import random_optimizer
    return {"kind": "loop", "seed": seed, "batch": r.randint(1, 5), "features": r.randint(1, 9),
            "hidden": r.randint(1, 9), "classes": r.randint(2, 6), "trips": r.randint(1, 4),
            "act": r.choice(ACTS), "optimizer": random_optimizer(r)}


class LoopStep:
    """The template's step: the reference :class:`mpt.TrainStep` (unrolled) plus
    :meth:`to_mlir` (looped)."""

    def __init__(self, spec: dict):
        from .generate import make_optimizer
        self.spec = spec
        b, f, d, k, t = (spec[n] for n in ("batch", "features", "hidden", "classes", "trips"))
        if min(b, f, d, t) < 1 or k < 2 or spec["act"] not in ACTS:
            raise ValueError(f"bad loop spec {spec}")
        m = Model("loop", seed=spec["seed"])
        g = m.graph
        x = m.input("x", (b, f))
        y = m.input("y", (b,), "i32")
        u = m._uniform
        win = m.param("in.weight", (f, d), u("in.weight", math.sqrt(6.0 / f)))
        w = m.param("block.weight", (d, d), u("block.weight", math.sqrt(6.0 / d) / math.sqrt(t)))
        bias = m.param("block.bias", (d,), u("block.bias", 0.1))
        wout = m.param("head.weight", (d, k), u("head.weight", math.sqrt(6.0 / (d + k))))
        bout = m.param("head.bias", (k,), init_mod.zeros())
        with g.layer("in", "dense"):
            h = g.matmul(x, win)
        for i in range(t):
            with g.layer(f"block{i}", "block"):
                z = g.ew("add", [g.matmul(h, w), bias], in_dims=[None, (1,)])
                h = g.ew("add", [h, g.ew(spec["act"], [z])])
        with g.layer("head", "dense"):
            logits = g.ew("add", [g.matmul(h, wout), bout], in_dims=[None, (1,)])
        loss = m.softmax_cross_entropy(logits, y, name="loss_xent")
        self.reference = m.compile(loss, make_optimizer(spec["optimizer"]), output=logits)
        self.optimizer = self.reference.optimizer
        self.output = logits
        self.classes = k
        self.functions = ("train_step",)

    # The reference's signature, values and FP64 step are the step's.
    def __getattr__(self, name):
        return getattr(self.__dict__["reference"], name)

    def to_mlir(self, **_options) -> str:
        return _emit(self)


def _emit(step: LoopStep) -> str:
    s = step.spec
    B, F, D, K, T = (s[n] for n in ("batch", "features", "hidden", "classes", "trips"))
    act = s["act"]
    ty = tensor_type
    tBD, tBF, tBK, tDD, tD, tK, tFD, tDK = (ty((B, D)), ty((B, F)), ty((B, K)), ty((D, D)), ty((D,)), ty((K,)),
                                             ty((F, D)), ty((D, K)))
    tB, tS, tTBD = ty((B,)), "tensor<f32>", ty((T, B, D))
    args = step.train_arguments()
    names = [f"%arg{i}" for i in range(len(args))]
    by = {a.name: n for a, n in zip(args, names)}
    win, w, bias, wout, bout, x, y = (by[n] for n in ("in.weight", "block.weight", "block.bias", "head.weight",
                                                       "head.bias", "x", "y"))
    L: list[str] = []
    tmp = [0]

    def e(line: str):
        L.append("    " + line)

    def new(p="t"):
        tmp[0] += 1
        return f"%{p}{tmp[0]}"

    def zeros(t):
        a, b = new("e"), new("z")
        e(f"{a} = tensor.empty() : {t}")
        e(f"{b} = linalg.fill ins(%zero : f32) outs({a} : {t}) -> {t}")
        return b

    def matmul(a, b, ta, tb, tout):
        r = new("mm")
        e(f"{r} = linalg.matmul ins({a}, {b} : {ta}, {tb}) outs({zeros(tout)} : {tout}) -> {tout}")
        return r

    def transpose(a, ta, tout):
        o, r = new("e"), new("tr")
        e(f"{o} = tensor.empty() : {tout}")
        e(f"{r} = linalg.transpose ins({a} : {ta}) outs({o} : {tout}) permutation = [1, 0]")
        return r

    def generic(ins, maps, iters, out, tout, body, out_is_init=False):
        """``ins``: [(ssa, type, elem)]; ``body``: lines using %a0.. and %o, the last value yielded."""
        r = new("g")
        if out_is_init:
            init = out
        else:
            init = new("e")
            e(f"{init} = tensor.empty() : {tout}")
        it = ", ".join(f'"{i}"' for i in iters)
        e(f"{r} = linalg.generic {{indexing_maps = [{', '.join(maps)}], iterator_types = [{it}]}} "
          f"ins({', '.join(i[0] for i in ins)} : {', '.join(i[1] for i in ins)}) outs({init} : {tout}) {{")
        bargs = ", ".join(f"%a{j}: {i[2]}" for j, i in enumerate(ins))
        e(f"^bb0({bargs}, %o: f32):")
        for line in body[:-1]:
            e("  " + line)
        e(f"  linalg.yield {body[-1]} : f32")
        e(f"}} -> {tout}")
        return r

    def bias_add(a, b, tb):
        return generic([(a, tBD if tb == tD else tBK, "f32"), (b, tb, "f32")], ["#id2", "#col", "#id2"],
                       ["parallel", "parallel"], None, tBD if tb == tD else tBK, ["%r = arith.addf %a0, %a1 : f32", "%r"])

    def col_sum(a, ta, tout):
        return generic([(a, ta, "f32")], ["#id2", "#col"], ["reduction", "parallel"], zeros(tout), tout,
                       ["%r = arith.addf %a0, %o : f32", "%r"], out_is_init=True)

    def add(a, b, t, maps="#id2"):
        return generic([(a, t, "f32"), (b, t, "f32")], [maps] * 3 if maps == "#id2" else maps,
                       ["parallel"] * (2 if t not in (tD,) else 1), None, t,
                       ["%r = arith.addf %a0, %a1 : f32", "%r"])

    def act_body(z):
        if act == "relu":
            return [f"%r = arith.maximumf {z}, %c0f : f32", "%r"]
        return [f"%r = math.tanh {z} : f32", "%r"]

    # ---- forward
    e("%c0 = arith.constant 0 : index")
    e("%c1 = arith.constant 1 : index")
    e(f"%cT = arith.constant {T} : index")
    e(f"%cTm1 = arith.constant {T - 1} : index")
    e("%zero = arith.constant 0.0 : f32")
    e("%ninf = arith.constant 0xFF800000 : f32")
    h0 = matmul(x, win, tBF, tFD, tBD)
    e(f"%stack0 = tensor.empty() : {tTBD}")
    e(f"%hT, %stack = scf.for %i = %c0 to %cT step %c1 iter_args(%h = {h0}, %st = %stack0) -> ({tBD}, {tTBD}) {{")
    e(f"  %st2 = tensor.insert_slice %h into %st[%i, 0, 0] [1, {B}, {D}] [1, 1, 1] : {tBD} into {tTBD}")
    mm = matmul("%h", w, tBD, tDD, tBD)
    body = ["%c0f = arith.constant 0.0 : f32", "%z = arith.addf %a0, %a1 : f32"] + act_body("%z")[:-1] + \
        ["%n = arith.addf %a2, %r : f32", "%n"]
    hn = generic([(mm, tBD, "f32"), (bias, tD, "f32"), ("%h", tBD, "f32")], ["#id2", "#col", "#id2", "#id2"],
                 ["parallel", "parallel"], None, tBD, body)
    e(f"  scf.yield {hn}, %st2 : {tBD}, {tTBD}")
    e("}")
    logits = bias_add(matmul("%hT", wout, tBD, tDK, tBK), bout, tK)
    # ---- loss: mean softmax cross-entropy with class indices
    mx0 = new("e")
    e(f"{mx0} = tensor.empty() : {tB}")
    mxi = new("mxi")
    e(f"{mxi} = linalg.fill ins(%ninf : f32) outs({mx0} : {tB}) -> {tB}")
    mx = generic([(logits, tBK, "f32")], ["#id2", "#row"], ["parallel", "reduction"], mxi, tB,
                 ["%r = arith.maximumf %a0, %o : f32", "%r"], out_is_init=True)
    sh = generic([(logits, tBK, "f32"), (mx, tB, "f32")], ["#id2", "#row", "#id2"], ["parallel", "parallel"],
                 None, tBK, ["%r = arith.subf %a0, %a1 : f32", "%r"])
    se = generic([(sh, tBK, "f32")], ["#id2", "#row"], ["parallel", "reduction"], zeros(tB), tB,
                 ["%x = math.exp %a0 : f32", "%r = arith.addf %x, %o : f32", "%r"], out_is_init=True)
    pick = ["%c0f = arith.constant 0.0 : f32", "%k = linalg.index 1 : index",
            "%yi = arith.index_cast %a2 : i32 to index", "%eq = arith.cmpi eq, %k, %yi : index",
            "%l = math.log %a1 : f32", "%d = arith.subf %a0, %l : f32",
            "%s = arith.select %eq, %d, %c0f : f32", "%r = arith.addf %s, %o : f32", "%r"]
    tot = generic([(sh, tBK, "f32"), (se, tB, "f32"), (y, ty((B,), "i32"), "i32")], ["#id2", "#row", "#row", "#sc2"],
                  ["reduction", "reduction"], zeros(tS), tS, pick, out_is_init=True)
    lossv = generic([(tot, tS, "f32")], ["#s0", "#s0"], [], None, tS,
                    [f"%c = arith.constant {fmt_f32(-1.0 / B)} : f32", "%r = arith.mulf %a0, %c : f32", "%r"])
    e(f"%loss = mpt.loss {lossv} : {tS}")
    e(f"%seed = mpt.grad_seed %loss : {tS}")
    # ---- backward
    dl = ["%c0f = arith.constant 0.0 : f32", "%c1f = arith.constant 1.0 : f32",
          f"%cb = arith.constant {fmt_f32(1.0 / B)} : f32", "%k = linalg.index 1 : index",
          "%yi = arith.index_cast %a2 : i32 to index", "%eq = arith.cmpi eq, %k, %yi : index",
          "%x = math.exp %a0 : f32", "%p = arith.divf %x, %a1 : f32", "%oh = arith.select %eq, %c1f, %c0f : f32",
          "%d = arith.subf %p, %oh : f32", "%s = arith.mulf %a3, %cb : f32", "%r = arith.mulf %d, %s : f32", "%r"]
    dlog = generic([(sh, tBK, "f32"), (se, tB, "f32"), (y, ty((B,), "i32"), "i32"), ("%seed", tS, "f32")],
                   ["#id2", "#row", "#row", "#sc2", "#id2"], ["parallel", "parallel"], None, tBK, dl)
    gwout = matmul(transpose("%hT", tBD, ty((D, B))), dlog, ty((D, B)), tBK, tDK)
    gbout = col_sum(dlog, tBK, tK)
    dhT = matmul(dlog, transpose(wout, tDK, ty((K, D))), tBK, ty((K, D)), tBD)
    gw0, gb0 = zeros(tDD), zeros(tD)
    e(f"%dh0, %gw, %gb = scf.for %j = %c0 to %cT step %c1 iter_args(%dh = {dhT}, %gwa = {gw0}, %gba = {gb0}) "
      f"-> ({tBD}, {tDD}, {tD}) {{")
    e("  %t = arith.subi %cTm1, %j : index")
    e(f"  %ht = tensor.extract_slice %stack[%t, 0, 0] [1, {B}, {D}] [1, 1, 1] : {tTBD} to {tBD}")
    zt = bias_add(matmul("%ht", w, tBD, tDD, tBD), bias, tD)
    if act == "relu":
        dbody = ["%c0f = arith.constant 0.0 : f32", "%c = arith.cmpf ogt, %a0, %c0f : f32",
                 "%r = arith.select %c, %a1, %c0f : f32", "%r"]
    else:
        dbody = ["%c1f = arith.constant 1.0 : f32", "%th = math.tanh %a0 : f32", "%q = arith.mulf %th, %th : f32",
                 "%s = arith.subf %c1f, %q : f32", "%r = arith.mulf %a1, %s : f32", "%r"]
    dz = generic([(zt, tBD, "f32"), ("%dh", tBD, "f32")], ["#id2"] * 3, ["parallel", "parallel"], None, tBD, dbody)
    gwp = matmul(transpose("%ht", tBD, ty((D, B))), dz, ty((D, B)), tBD, tDD)
    gwn = add("%gwa", gwp, tDD)
    gbp = col_sum(dz, tBD, tD)
    gbn = generic([("%gba", tD, "f32"), (gbp, tD, "f32")], ["#id1"] * 3, ["parallel"], None, tD,
                  ["%r = arith.addf %a0, %a1 : f32", "%r"])
    dhn = add("%dh", matmul(dz, transpose(w, tDD, tDD), tBD, tDD, tBD), tBD)
    e(f"  scf.yield {dhn}, {gwn}, {gbn} : {tBD}, {tDD}, {tD}")
    e("}")
    gwin = matmul(transpose(x, tBF, ty((F, B))), "%dh0", ty((F, B)), tBD, tFD)
    grads = {"in.weight": gwin, "block.weight": "%gw", "block.bias": "%gb", "head.weight": gwout,
             "head.bias": gbout}
    # ---- optimizer
    opt = step.optimizer
    new_vals = {}
    for i, p in enumerate(step.params):
        pn = p.attrs["name"]
        pt = ty(p.shape)
        pv, gv = by[pn], grads[pn]
        if opt.kind == "sgd":
            attrs = [f"lr = {fmt_f32(opt.lr)} : f32"]
            if opt.momentum:
                attrs.append(f"momentum = {fmt_f32(opt.momentum)} : f32")
                if opt.dampening:
                    attrs.append(f"dampening = {fmt_f32(opt.dampening)} : f32")
            if opt.weight_decay:
                attrs.append(f"weight_decay = {fmt_f32(opt.weight_decay)} : f32")
            if opt.nesterov:
                attrs.append("nesterov")
            if opt.momentum:
                m = by[f"{pn}.momentum"]
                e(f"%new{i}, %new{i}_m = mpt.sgd {pv}, {gv} momentum_buffer({m}) {{{', '.join(attrs)}}} : {pt}")
                new_vals[f"{pn}.momentum"] = f"%new{i}_m"
            else:
                e(f"%new{i} = mpt.sgd {pv}, {gv} {{{', '.join(attrs)}}} : {pt}")
        else:
            attrs = ", ".join(f"{k} = {fmt_f32(getattr(opt, k))} : f32"
                              for k in ("lr", "beta1", "beta2", "eps", "weight_decay"))
            m, v, st = by[f"{pn}.adam_m"], by[f"{pn}.adam_v"], by["adam.step"]
            e(f"%new{i}, %new{i}_m, %new{i}_v, %new{i}_t = mpt.adam {pv}, {gv}, {m}, {v}, {st} {{{attrs}}} : {pt}")
            new_vals[f"{pn}.adam_m"], new_vals[f"{pn}.adam_v"] = f"%new{i}_m", f"%new{i}_v"
            new_vals.setdefault("adam.step", f"%new{i}_t")
        new_vals[pn] = f"%new{i}"
    results, rets, rtypes = [], [], []
    for a in args:
        if a.role in ("param", "opt_state"):
            results.append((ty(a.shape), f'{{mpt.role = #mpt.role<{a.role}>, mpt.updates = "{a.name}"}}'))
            rets.append(new_vals[a.name])
            rtypes.append(ty(a.shape))
    results.append((tS, '{mpt.role = #mpt.role<loss>}'))
    rets.append("%loss")
    rtypes.append(tS)
    e(f"return {', '.join(rets)} : {', '.join(rtypes)}")
    head = [f"// mpt harness: loop template {s}",
            "#id2 = affine_map<(d0, d1) -> (d0, d1)>", "#row = affine_map<(d0, d1) -> (d0)>",
            "#col = affine_map<(d0, d1) -> (d1)>", "#sc2 = affine_map<(d0, d1) -> ()>",
            "#id1 = affine_map<(d0) -> (d0)>", "#s0 = affine_map<() -> ()>", "module {",
            _signature("train_step", args, names, results)]
    return "\n".join(head + L + ["  }", "}", ""])
