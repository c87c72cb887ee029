"""PyTorch training steps into mpt: ``python -m mpt.importers.torch``.

An ``nn.Module``, a loss function ``loss_fn(logits, labels)`` and an example
batch ``(x, y)`` become an mpt training-step module (``@train_step`` and
``@eval_step``) plus the module's initial values as a ``.npy`` state
directory. How (docs/importers.md tells the whole story):

1. ``make_fx`` traces ``fwd_bwd(params, buffers, x, y, cotangent)``: the
   forward pass in training mode through ``torch.func.functional_call``,
   ``torch.func.vjp`` of the loss applied to the cotangent, and the updated
   buffers (BatchNorm's running statistics); and ``eval(params, buffers, x,
   y)`` in ``eval()`` mode, returning ``(loss, logits)``, where
   :func:`fold_batchnorm` folds every inference-mode BatchNorm into the
   convolution before it (so that the conv + bias + ReLU fusion applies).
2. ``torch_mlir.fx.export_and_import(..., output_type="linalg-on-tensors")``
   turns each into linalg on tensors.
3. :func:`mpt.importers.common.build_module` writes the mpt contract: names
   from ``named_parameters()``/``named_buffers()``, roles, ``mpt.loss``,
   ``mpt.grad_seed`` in place of the cotangent, ``mpt.sgd``/``mpt.adam``.

Labels are int32 at the step's interface (mpt's data sets hold int32
labels) and converted to int64 inside the traced step, as PyTorch's losses
want them.
"""

from __future__ import annotations

import sys
import time

from ..optim import SGD, Adam
from .common import Exported, Imported, build_module, cli_main
from .mlir_text import ImportError_

EXAMPLES = ("mlp", "cnn", "resnet18")


def _need():
    try:
        import torch  # noqa: F401
        from torch_mlir import fx  # noqa: F401
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError_(f"the PyTorch importer needs torch and torch-mlir ({e}); install them with "
                           "`pip install -r requirements-importers.txt` (see docs/importers.md)") from e


def example(name: str, batch: int = 8, seed: int = 0):
    """A built-in example: ``(module, loss_fn, x, y)`` with a seeded initialisation.

    ``mlp``: 64 -> 32 -> 10 on flat inputs; ``cnn``: two 3x3 convolutions with
    ReLU and 2x2 max pooling and a linear head on 1x16x16 inputs (conv bias,
    padding); ``resnet18``: torchvision's ResNet-18 (BatchNorm, residual
    blocks) with 10 classes on 3x32x32 inputs.
    """
    _need()
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.manual_seed(seed)
    if name == "mlp":
        m = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        x = torch.randn(batch, 64)
    elif name == "cnn":
        m = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(16 * 4 * 4, 10))
        x = torch.randn(batch, 1, 16, 16)
    elif name == "resnet18":
        try:
            import torchvision
        except ImportError as e:
            raise ImportError_(f"--example resnet18 needs torchvision ({e})") from e
        m = torchvision.models.resnet18(num_classes=10)
        x = torch.randn(batch, 3, 32, 32)
    else:
        raise ImportError_(f"unknown example '{name}' (known: {', '.join(EXAMPLES)})")
    y = torch.randint(0, 10, (batch,))
    return m, F.cross_entropy, x, y


def export(module, loss_fn, x, y, *, model_name: str = "model") -> Exported:
    """Traces and exports ``module``'s training and evaluation steps (see the module docstring)."""
    _need()
    import torch
    from torch.fx.experimental.proxy_tensor import make_fx
    from torch.func import functional_call, vjp
    from torch_mlir import fx

    t0 = time.perf_counter()
    params = {k: v.detach() for k, v in module.named_parameters()}
    buffers = {k: v.detach() for k, v in module.named_buffers() if not k.endswith("num_batches_tracked")}
    tracked = {k: v.detach().clone() for k, v in module.named_buffers() if k.endswith("num_batches_tracked")}
    for k, v in list(params.items()) + list(buffers.items()):
        if v.dtype != torch.float32:
            raise ImportError_(f"'{k}' is {v.dtype}; the importer takes float32 models (mpt makes them mixed)")
    pn, bn = list(params), list(buffers)
    x = x.detach().to(torch.float32)
    if y.dtype.is_floating_point:
        raise ImportError_("the labels must be integer class indices")
    y32 = y.detach().to(torch.int32)

    def loss_of(p, b, xx, yy):
        out = functional_call(module, {**p, **b}, (xx,))
        return loss_fn(out, yy.to(torch.int64)), out

    def fwd_bwd(*a):
        p = dict(zip(pn, a[:len(pn)]))
        b_in = dict(zip(bn, a[len(pn):len(pn) + len(bn)]))
        xx, yy, cot = a[len(pn) + len(bn):]

        def f(pp):
            # Buffers are cloned inside the transformed function: BatchNorm
            # updates them in place, and functorch forbids mutating captures.
            b = {k: v.clone() for k, v in b_in.items()}
            b.update({k: v.clone() for k, v in tracked.items()})
            loss, _ = loss_of(pp, b, xx, yy)
            return loss, b

        loss, pull, b = vjp(f, p, has_aux=True)
        (g,) = pull(cot)
        return (loss, *[g[k] for k in pn], *[b[k] for k in bn])

    def evaluate(*a):
        p = dict(zip(pn, a[:len(pn)]))
        b = dict(zip(bn, a[len(pn):len(pn) + len(bn)]))
        xx, yy = a[len(pn) + len(bn):]
        loss, out = loss_of(p, b, xx, yy)
        return loss, out

    state_args = [*params.values(), *buffers.values()]
    cot = torch.tensor(1.0, dtype=torch.float32)
    was_training = module.training
    try:
        module.train()
        gm = make_fx(fwd_bwd)(*state_args, x, y32, cot)
        train = fx.export_and_import(gm, *state_args, x, y32, cot, output_type="linalg-on-tensors",
                                     func_name="fwd_bwd")
        module.eval()
        ge = make_fx(evaluate)(*state_args, x, y32)
        n_folded = fold_batchnorm(ge)
        ev = fx.export_and_import(ge, *state_args, x, y32, output_type="linalg-on-tensors", func_name="eval")
    finally:
        module.train(was_training)
    initial = {k: v.numpy().copy() for k, v in list(params.items()) + list(buffers.items())}
    return Exported("torch", model_name, str(train), str(ev), pn, bn, ["x", "y"], initial,
                    {"export_seconds": time.perf_counter() - t0, "batchnorm_folded": n_folded})


def fold_batchnorm(gm) -> int:
    """Folds inference-mode BatchNorm into the convolution before it, in a traced graph.

    ``bn(conv(x, W) + b)`` with running statistics is ``conv(x, W * s) + (b -
    mean) * s + beta`` with ``s = gamma / sqrt(var + eps)`` per output
    channel. The folded weight and bias are computed in the graph from the
    graph's own inputs (the parameters and running statistics stay
    arguments of ``@eval_step``), so mpt-fuse-conv-bias-relu then sees conv
    + bias (+ ReLU). A pair folds when the convolution is not transposed,
    BatchNorm is the only reader of its result, BatchNorm uses its running
    statistics (``training=False``) and only its normalized output is read.
    Returns the number of pairs folded.
    """
    import operator

    import torch
    aten = torch.ops.aten
    g = gm.graph
    folded = 0
    for bn in list(g.nodes):
        if bn.op != "call_function":
            continue
        if bn.target == aten.native_batch_norm.default:
            x, gamma, beta, mean, var, training, _, eps = bn.args[:8]
        elif bn.target == aten._native_batch_norm_legit_no_training.default:
            (x, gamma, beta, mean, var, _, eps), training = bn.args[:7], False
        else:
            continue
        if training or mean is None or var is None or getattr(x, "target", None) != aten.convolution.default:
            continue
        conv = x
        if len(conv.users) != 1 or conv.args[6]:  # another reader, or transposed
            continue
        outs = list(bn.users)
        if any(u.target is not operator.getitem or (u.args[1] != 0 and u.users) for u in outs):
            continue
        rank = len(conv.meta["val"].shape) if "val" in conv.meta else 4
        with g.inserting_before(conv):
            s = g.call_function(aten.rsqrt.default, (g.call_function(aten.add.Tensor, (var, eps)),))
            if gamma is not None:
                s = g.call_function(aten.mul.Tensor, (s, gamma))
            w = g.call_function(aten.mul.Tensor, (conv.args[1], g.call_function(
                aten.view.default, (s, [-1] + [1] * (rank - 1)))))
            b = conv.args[2]
            shifted = g.call_function(aten.sub.Tensor, (b, mean)) if b is not None else \
                g.call_function(aten.neg.default, (mean,))
            bias = g.call_function(aten.mul.Tensor, (shifted, s))
            if beta is not None:
                bias = g.call_function(aten.add.Tensor, (bias, beta))
            new = g.call_function(aten.convolution.default, (conv.args[0], w, bias, *conv.args[3:]))
        for u in outs:
            if u.args[1] == 0:
                u.replace_all_uses_with(new)
        for u in outs:
            g.erase_node(u)
        g.erase_node(bn)
        g.erase_node(conv)
        folded += 1
    if folded:
        g.lint()
        gm.recompile()
    return folded


def optimizer_from_torch(opt) -> SGD | Adam:
    """mpt's optimizer for a ``torch.optim.SGD``/``Adam``/``AdamW`` (its first param group)."""
    _need()
    import torch
    g = opt.param_groups[0]
    keys = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "betas", "eps")
    for other in opt.param_groups[1:]:
        if any(other.get(k) != g.get(k) for k in keys):
            raise ImportError_("the optimizer's parameter groups have different settings; mpt's "
                               "import takes one setting for all parameters")
    if isinstance(opt, torch.optim.SGD):
        return SGD(lr=g["lr"], momentum=g["momentum"], dampening=g["dampening"],
                   weight_decay=g["weight_decay"], nesterov=g["nesterov"])
    if isinstance(opt, (torch.optim.Adam, torch.optim.AdamW)):
        if g.get("amsgrad"):
            raise ImportError_("Adam with amsgrad has no mpt equivalent")
        wd = g["weight_decay"]
        if isinstance(opt, torch.optim.AdamW) or opt.__class__.__name__ == "AdamW":
            return Adam(lr=g["lr"], beta1=g["betas"][0], beta2=g["betas"][1], eps=g["eps"], weight_decay=wd)
        if wd:
            raise ImportError_("torch.optim.Adam with weight_decay adds it to the gradient (L2); mpt.adam "
                               "decays decoupled (AdamW): use torch.optim.AdamW or weight_decay=0")
        return Adam(lr=g["lr"], beta1=g["betas"][0], beta2=g["betas"][1], eps=g["eps"])
    raise ImportError_(f"optimizer {type(opt).__name__} is not supported (SGD, Adam, AdamW are)")


def import_model(module, loss_fn, x, y, optimizer, *, model_name: str = "model") -> Imported:
    """``module``'s training step as an mpt module (``optimizer``: mpt.optim or torch.optim)."""
    if not isinstance(optimizer, (SGD, Adam)):
        optimizer = optimizer_from_torch(optimizer)
    return build_module(export(module, loss_fn, x, y, model_name=model_name), optimizer)


def main(argv=None, framework: str = "torch") -> int:
    return cli_main(argv, prog=f"python -m mpt.importers.{framework}", framework="PyTorch",
                    examples=EXAMPLES, model_returns="module, loss_fn, x, y",
                    seed_help="torch.manual_seed", example=example, import_model=import_model)


if __name__ == "__main__":
    sys.exit(main())
