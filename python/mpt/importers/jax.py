"""JAX training steps into mpt: ``python -m mpt.importers.jax``.

A model is Flax-shaped without needing Flax: ``apply(variables, x, train)``
returns ``(logits, new_batch_stats)``, where ``variables`` is
``{"params": pytree, "batch_stats": pytree}`` (``batch_stats`` may be empty;
a Flax ``nn.Module`` fits with ``lambda v, x, train: model.apply(v, x,
train=train, mutable=["batch_stats"] if train else False)`` and a small
adapter of the second result), and ``loss_fn(logits, labels)`` returns a
scalar. How it is exported (docs/importers.md):

1. ``jax.jit(fwd_bwd, keep_unused=True).lower(...)``: the forward pass in training mode,
   ``jax.vjp`` of the loss applied to a cotangent argument, and the updated
   batch statistics; ``eval`` in inference mode returns ``(loss, logits)``.
2. IREE's input conversion (``iree-compile --compile-to=input``, PyPI
   ``iree-base-compiler``) turns StableHLO into linalg on tensors.
3. :func:`mpt.importers.common.build_module` writes the mpt contract.

Parameter names are the pytree paths joined with dots
(``params.Dense_0.kernel``): mpt's tensor names become file names, so they
hold no ``/``.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

from ..optim import SGD, Adam
from .common import Exported, Imported, build_module, cli_main
from .mlir_text import ImportError_

EXAMPLES = ("mlp", "cnn", "resnet18")


def _need():
    try:
        import jax  # noqa: F401
        from iree.compiler import tools  # noqa: F401
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError_(f"the JAX importer needs jax and iree-base-compiler ({e}); install them with "
                           "`pip install -r requirements-importers.txt` (see docs/importers.md)") from e


# ---------------------------------------------------------------------------
# Built-in examples (pure JAX, Flax's naming and layouts: NHWC, HWIO kernels)
# ---------------------------------------------------------------------------

def _dense(key, fan_in, fan_out):
    import jax
    b = 1.0 / math.sqrt(fan_in)
    k1, k2 = jax.random.split(key)
    return {"kernel": jax.random.uniform(k1, (fan_in, fan_out), minval=-b, maxval=b),
            "bias": jax.random.uniform(k2, (fan_out,), minval=-b, maxval=b)}


def _conv_p(key, k, cin, cout, bias=True):
    import jax
    b = 1.0 / math.sqrt(k * k * cin)
    k1, k2 = jax.random.split(key)
    p = {"kernel": jax.random.uniform(k1, (k, k, cin, cout), minval=-b, maxval=b)}
    if bias:
        p["bias"] = jax.random.uniform(k2, (cout,), minval=-b, maxval=b)
    return p


def _conv(x, p, stride=1, pad=None):
    import jax
    k = p["kernel"].shape[0]
    pad = k // 2 if pad is None else pad
    y = jax.lax.conv_general_dilated(x, p["kernel"], (stride, stride), [(pad, pad), (pad, pad)],
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + p["bias"] if "bias" in p else y


def _max_pool(x, k=2, s=2, pad=0):
    """Max pooling (NHWC). Non-overlapping windows use ``reduce_window``;
    overlapping ones are the maximum of k*k strided slices, because JAX
    differentiates an overlapping ``reduce_window`` max into
    ``stablehlo.select_and_scatter``, which IREE's input conversion does not
    lower."""
    import jax
    import jax.numpy as jnp
    if k == s and pad == 0:
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, k, k, 1), (1, s, s, 1),
                                     [(0, 0), (0, 0), (0, 0), (0, 0)])
    xp = jnp.pad(x, [(0, 0), (pad, pad), (pad, pad), (0, 0)], constant_values=-jnp.inf)
    oh = (xp.shape[1] - k) // s + 1
    ow = (xp.shape[2] - k) // s + 1
    out = None
    for i in range(k):
        for j in range(k):
            sl = xp[:, i:i + s * (oh - 1) + 1:s, j:j + s * (ow - 1) + 1:s, :]
            out = sl if out is None else jnp.maximum(out, sl)
    return out


def _bn(x, p, s, train, momentum=0.9, eps=1e-5):
    """Flax BatchNorm: running average ``momentum * old + (1 - momentum) * batch`` (biased var)."""
    import jax.numpy as jnp
    if train:
        mean = x.mean(axis=(0, 1, 2))
        var = ((x - mean) ** 2).mean(axis=(0, 1, 2))
        new = {"mean": momentum * s["mean"] + (1 - momentum) * mean,
               "var": momentum * s["var"] + (1 - momentum) * var}
    else:
        mean, var, new = s["mean"], s["var"], s
    y = (x - mean) * (p["scale"] / jnp.sqrt(var + eps)) + p["bias"]
    return y, new


def cross_entropy(logits, labels):
    """Mean softmax cross-entropy with integer labels (optax's ``softmax_cross_entropy_with_integer_labels``)."""
    import jax
    import jax.numpy as jnp
    # bf16/f16 logits are widened to f32; f32 and f64 keep their type
    lp = jax.nn.log_softmax(logits.astype(jnp.promote_types(logits.dtype, jnp.float32)))
    return -jnp.mean(jnp.take_along_axis(lp, labels[:, None].astype(jnp.int32), axis=1))


def example(name: str, batch: int = 8, seed: int = 0):
    """``(apply, loss_fn, variables, x, y)`` of a built-in example.

    ``mlp``: 64 -> 32 -> 10; ``cnn``: two 3x3 convolutions with ReLU and 2x2
    max pooling, a dense head, 16x16x1 inputs; ``resnet18``: ResNet-18
    (BatchNorm with running statistics, basic blocks 2-2-2-2, 64-512
    channels, torchvision's stem) on 32x32x3 inputs, 10 classes.
    """
    _need()
    import jax
    import jax.numpy as jnp
    key = jax.random.PRNGKey(seed)
    ks = iter(jax.random.split(key, 64))
    if name == "mlp":
        params = {"Dense_0": _dense(next(ks), 64, 32), "Dense_1": _dense(next(ks), 32, 10)}

        def apply(v, x, train):
            p = v["params"]
            h = jax.nn.relu(x @ p["Dense_0"]["kernel"] + p["Dense_0"]["bias"])
            return h @ p["Dense_1"]["kernel"] + p["Dense_1"]["bias"], v["batch_stats"]
        xshape = (64,)
        stats = {}
    elif name == "cnn":
        params = {"Conv_0": _conv_p(next(ks), 3, 1, 8), "Conv_1": _conv_p(next(ks), 3, 8, 16),
                  "Dense_0": _dense(next(ks), 4 * 4 * 16, 10)}

        def apply(v, x, train):
            p = v["params"]
            h = _max_pool(jax.nn.relu(_conv(x, p["Conv_0"])))
            h = _max_pool(jax.nn.relu(_conv(h, p["Conv_1"])))
            h = h.reshape(h.shape[0], -1)
            return h @ p["Dense_0"]["kernel"] + p["Dense_0"]["bias"], v["batch_stats"]
        xshape = (16, 16, 1)
        stats = {}
    elif name == "resnet18":
        params, stats = {}, {}

        def bn_init(n, c):
            params[n] = {"scale": jnp.ones(c), "bias": jnp.zeros(c)}
            stats[n] = {"mean": jnp.zeros(c), "var": jnp.ones(c)}
        params["conv1"] = _conv_p(next(ks), 7, 3, 64, bias=False)
        bn_init("bn1", 64)
        cin = 64
        blocks = []
        for li, c in enumerate((64, 128, 256, 512)):
            for bi in range(2):
                stride = 2 if bi == 0 and li > 0 else 1
                n = f"layer{li + 1}_{bi}"
                params[f"{n}_conv1"] = _conv_p(next(ks), 3, cin, c, bias=False)
                bn_init(f"{n}_bn1", c)
                params[f"{n}_conv2"] = _conv_p(next(ks), 3, c, c, bias=False)
                bn_init(f"{n}_bn2", c)
                down = stride != 1 or cin != c
                if down:
                    params[f"{n}_down"] = _conv_p(next(ks), 1, cin, c, bias=False)
                    bn_init(f"{n}_down_bn", c)
                blocks.append((n, stride, down))
                cin = c
        params["fc"] = _dense(next(ks), 512, 10)

        def apply(v, x, train):
            p, s = v["params"], v["batch_stats"]
            new = {}

            def bn(h, n):
                y, new[n] = _bn(h, p[n], s[n], train)
                return y
            h = jax.nn.relu(bn(_conv(x, p["conv1"], 2, 3), "bn1"))
            h = _max_pool(h, 3, 2, 1)
            for n, stride, down in blocks:
                r = jax.nn.relu(bn(_conv(h, p[f"{n}_conv1"], stride), f"{n}_bn1"))
                r = bn(_conv(r, p[f"{n}_conv2"]), f"{n}_bn2")
                sc = bn(_conv(h, p[f"{n}_down"], stride, 0), f"{n}_down_bn") if down else h
                h = jax.nn.relu(r + sc)
            h = h.mean(axis=(1, 2))
            return h @ p["fc"]["kernel"] + p["fc"]["bias"], new
        xshape = (32, 32, 3)
    else:
        raise ImportError_(f"unknown example '{name}' (known: {', '.join(EXAMPLES)})")
    x = jax.random.normal(next(ks), (batch, *xshape))
    y = jax.random.randint(next(ks), (batch,), 0, 10)
    return apply, cross_entropy, {"params": params, "batch_stats": stats}, x, y


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

def _names(tree, prefix: str) -> list[str]:
    import jax
    out = []
    for path, _ in jax.tree_util.tree_flatten_with_path(tree)[0]:
        keys = [str(getattr(k, "key", getattr(k, "idx", getattr(k, "name", k)))) for k in path]
        out.append(".".join([prefix] + keys))
    return out


def _to_linalg(lowered) -> str:
    from iree.compiler import tools as ireec
    text = lowered.as_text()
    try:
        out = ireec.compile_str(text, input_type="stablehlo", extra_args=["--compile-to=input"])
    except ireec.CompilerToolError as e:
        msg = str(e)
        first = next((l.strip() for l in msg.splitlines() if "error:" in l), msg.strip().splitlines()[0])
        hint = ""
        if "select_and_scatter" in msg:
            hint = (" (an overlapping max pool: JAX differentiates it into stablehlo.select_and_scatter; "
                    "write the pool as the maximum of strided slices, as the resnet18 example does)")
        raise ImportError_(f"IREE's input conversion failed on the lowered step: {first[:300]}{hint}") from e
    return out.decode() if isinstance(out, bytes) else out


def export(apply, loss_fn, variables, x, y, *, model_name: str = "model") -> Exported:
    """Lowers the training and evaluation steps (see the module docstring)."""
    _need()
    import jax
    import jax.numpy as jnp
    t0 = time.perf_counter()
    params = variables["params"]
    stats = variables.get("batch_stats", {})
    p_leaves, p_tree = jax.tree_util.tree_flatten(params)
    s_leaves, s_tree = jax.tree_util.tree_flatten(stats)
    pn, sn = _names(params, "params"), _names(stats, "batch_stats")
    for n, v in zip(pn + sn, p_leaves + s_leaves):
        if jnp.asarray(v).dtype != jnp.float32:
            raise ImportError_(f"'{n}' is {jnp.asarray(v).dtype}; the importer takes float32 models")
    y = jnp.asarray(y).astype(jnp.int32)
    x = jnp.asarray(x, jnp.float32)

    def fwd_bwd(pl, sl, xx, yy, cot):
        st = jax.tree_util.tree_unflatten(s_tree, sl)

        def f(pp):
            logits, new = apply({"params": pp, "batch_stats": st}, xx, True)
            return loss_fn(logits, yy), new
        loss, pull, new = jax.vjp(f, jax.tree_util.tree_unflatten(p_tree, pl), has_aux=True)
        (g,) = pull(cot)
        return (loss, *jax.tree_util.tree_leaves(g), *jax.tree_util.tree_leaves(new))

    def evaluate(pl, sl, xx, yy):
        v = {"params": jax.tree_util.tree_unflatten(p_tree, pl),
             "batch_stats": jax.tree_util.tree_unflatten(s_tree, sl)}
        logits, _ = apply(v, xx, False)
        return loss_fn(logits, yy), logits

    train = _to_linalg(jax.jit(fwd_bwd, keep_unused=True).lower(p_leaves, s_leaves, x, y, jnp.float32(1.0)))
    ev = _to_linalg(jax.jit(evaluate, keep_unused=True).lower(p_leaves, s_leaves, x, y))
    initial = {n: np.asarray(v, np.float32) for n, v in zip(pn + sn, p_leaves + s_leaves)}
    return Exported("jax", model_name, train, ev, pn, sn, ["x", "y"], initial,
                    {"export_seconds": time.perf_counter() - t0})


def import_model(apply, loss_fn, variables, x, y, optimizer, *, model_name: str = "model") -> Imported:
    """The model's training step as an mpt module (``optimizer``: mpt.optim.SGD or Adam)."""
    return build_module(export(apply, loss_fn, variables, x, y, model_name=model_name), optimizer)


# ---------------------------------------------------------------------------
# JAX's own training (the reference of the comparison and the tests)
# ---------------------------------------------------------------------------

def _sgd_step(apply, loss_fn, opt: SGD, bf16: bool = False):
    """One jitted training step ``(params, stats, mom, x, y) -> (params, stats, mom, loss)`` with
    torch.optim.SGD's momentum rule; it computes in the dtype of its arguments."""
    import jax
    import jax.numpy as jnp

    @jax.jit
    def step(params, stats, mom, xb, yb):
        def f(p):
            if bf16:
                pc = jax.tree_util.tree_map(lambda a: a.astype(jnp.bfloat16), p)
                logits, new = apply({"params": pc, "batch_stats": stats}, xb.astype(jnp.bfloat16), True)
                new = jax.tree_util.tree_map(lambda a: a.astype(jnp.float32), new)
            else:
                logits, new = apply({"params": p, "batch_stats": stats}, xb, True)
            return loss_fn(logits, yb), new
        (loss, new), g = jax.value_and_grad(f, has_aux=True)(params)
        g = jax.tree_util.tree_map(lambda gi, p: gi.astype(p.dtype) + opt.weight_decay * p, g, params)
        mom = jax.tree_util.tree_map(lambda m, gi: opt.momentum * m + gi, mom, g) if opt.momentum else g
        params = jax.tree_util.tree_map(lambda p, m: p - opt.lr * m, params, mom)
        return params, new, mom, loss
    return step


def _state(params, stats, mom) -> dict[str, np.ndarray]:
    """mpt's names: parameters, batch statistics and, unless ``mom`` is None, ``<param>.momentum``."""
    import jax
    pn = _names(params, "params")
    out = dict(zip(pn, [np.asarray(v) for v in jax.tree_util.tree_leaves(params)]))
    out.update(zip(_names(stats, "batch_stats"), [np.asarray(v) for v in jax.tree_util.tree_leaves(stats)]))
    if mom is not None:
        out.update(zip([f"{n}.momentum" for n in pn], [np.asarray(v) for v in jax.tree_util.tree_leaves(mom)]))
    return out


def _tree(like, names: list[str], state: dict[str, np.ndarray], dtype: str):
    """The pytree shaped like ``like`` whose leaves are ``state[name]`` in ``dtype``."""
    import jax
    import jax.numpy as jnp
    return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(like),
                                        [jnp.asarray(state[n], dtype) for n in names])


def jax_train(apply, loss_fn, variables, x, y, batch: int, steps: int, opt: SGD, bf16: bool = False):
    """SGD with torch.optim.SGD's momentum rule in JAX; ``bf16``: params and inputs cast to bf16 in the step."""
    import jax
    import jax.numpy as jnp
    from .compare import Run
    params, stats = variables["params"], variables.get("batch_stats", {})
    mom = jax.tree_util.tree_map(jnp.zeros_like, params)
    step = _sgd_step(apply, loss_fn, opt, bf16)
    losses = []
    per = len(x) // batch
    for s in range(steps):
        b = s % per
        params, stats, mom, loss = step(params, stats, mom, x[b * batch:(b + 1) * batch],
                                        y[b * batch:(b + 1) * batch])
        losses.append(float(loss))
    return Run(np.array(losses), None, None, _state(params, stats, mom if opt.momentum else None))


def jax_steps_from(apply, loss_fn, variables, x, y, batch: int, starts: list[dict[str, np.ndarray]],
                   opt: SGD, dtype: str = "float32"):
    """JAX's step k from ``starts[k - 1]`` on batch k, for every k: one step each, in ``dtype``
    (``"float64"`` runs under ``jax.enable_x64``), as :func:`mpt.importers.compare.torch_steps_from`
    does for PyTorch. ``variables`` gives the pytree structure; ``Run.states[k - 1]`` holds the
    parameters, batch statistics and momentum after step k under mpt's names."""
    import jax
    import jax.numpy as jnp
    from .compare import Run
    params, stats = variables["params"], variables.get("batch_stats", {})
    pn, sn = _names(params, "params"), _names(stats, "batch_stats")
    losses, states = [], []
    with jax.enable_x64(dtype == "float64"):
        step = _sgd_step(apply, loss_fn, opt)
        for k, start in enumerate(starts):
            b = k % (len(x) // batch)
            p = _tree(params, pn, start, dtype)
            mom = _tree(params, [f"{n}.momentum" for n in pn], start, dtype) if opt.momentum else \
                jax.tree_util.tree_map(jnp.zeros_like, p)
            p, st, m, loss = step(p, _tree(stats, sn, start, dtype), mom,
                                  jnp.asarray(x[b * batch:(b + 1) * batch], dtype), y[b * batch:(b + 1) * batch])
            losses.append(float(loss))
            states.append(_state(p, st, m if opt.momentum else None))
    return Run(np.array(losses), state=states[-1], states=states)


def jax_loss(apply, loss_fn, variables, state: dict[str, np.ndarray], x, y, dtype: str = "float64",
             train: bool = False) -> float:
    """The loss of ``state`` on ``(x, y)`` in ``dtype``: inference mode (running statistics), or
    training mode (batch statistics) with ``train``."""
    import jax
    import jax.numpy as jnp
    params, stats = variables["params"], variables.get("batch_stats", {})
    with jax.enable_x64(dtype == "float64"):
        v = {"params": _tree(params, _names(params, "params"), state, dtype),
             "batch_stats": _tree(stats, _names(stats, "batch_stats"), state, dtype)}
        logits, _ = apply(v, jnp.asarray(x, dtype), train)
        return float(loss_fn(logits, y))


def compare(example_name: str, steps: int, precision: str = "f32", batch: int = 8, lr: float = 0.02,
            momentum: float = 0.9, work: Path | None = None, amp: bool = False, seed: int = 0):
    """(mpt run, JAX FP32 run, JAX bf16 run or None) on the same start and batches."""
    from .compare import import_and_run_mpt, teacher_data, work_dir
    apply, loss_fn, variables, x0, _ = example(example_name, batch, seed)
    x, y = teacher_data(tuple(x0.shape[1:]), batch * steps, seed=seed + 1)
    opt = SGD(lr=lr, momentum=momentum)
    with work_dir(work) as w:
        ours = import_and_run_mpt(
            lambda: import_model(apply, loss_fn, variables, x[:batch], y[:batch], opt, model_name=example_name),
            example_name, x, y, precision, steps, w)
    theirs = jax_train(apply, loss_fn, variables, x, y, batch, steps, opt)
    mixed = jax_train(apply, loss_fn, variables, x, y, batch, steps, opt, bf16=True) if amp else None
    return ours, theirs, mixed


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def main(argv=None) -> int:
    return cli_main(argv, prog="python -m mpt.importers.jax", framework="JAX", examples=EXAMPLES,
                    model_returns="apply, loss_fn, variables, x, y", seed_help="PRNG seed",
                    example=example, import_model=import_model)


if __name__ == "__main__":
    sys.exit(main())
