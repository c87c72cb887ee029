"""Command-line options shared by ``python -m mpt.models`` and ``python -m mpt.reference``."""

from __future__ import annotations

import argparse

from . import MODELS, build, make_optimizer


def parse_shape(text: str) -> tuple[int, ...]:
    """``"8,8,1"`` or ``"8x8x1"`` -> ``(8, 8, 1)``."""
    try:
        shape = tuple(int(t) for t in text.replace("x", ",").split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad shape {text!r} (use e.g. 8,8,1)") from None
    if not shape:
        raise argparse.ArgumentTypeError(f"bad shape {text!r} (use e.g. 8,8,1)")
    return shape


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    """The model, its size and the optimizer."""
    p.add_argument("model", choices=sorted(MODELS), help="which model")
    p.add_argument("--blocks", type=int, default=None,
                   help="size knob: hidden layers (mlp), conv blocks (cnn), residual blocks (resnet, 1..200), "
                        "encoder blocks (transformer)")
    p.add_argument("--batch", type=int, default=None, help="batch size (default 32 for mlp/cnn, 8 otherwise)")
    p.add_argument("--width", type=int, default=None, help="hidden units / base channels / embedding size")
    p.add_argument("--heads", type=int, default=None, help="attention heads (transformer)")
    p.add_argument("--input-shape", type=parse_shape, default=None, help="per-sample input shape, default 8,8,1")
    p.add_argument("--classes", type=int, default=None, help="number of classes, default 10")
    p.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    p.add_argument("--lr", type=float, default=None, help="learning rate (default 0.1 sgd, 0.001 adam)")
    p.add_argument("--momentum", type=float, default=0.0, help="sgd momentum")
    p.add_argument("--nesterov", action="store_true", help="sgd Nesterov momentum")
    p.add_argument("--weight-decay", type=float, default=0.0, help="sgd L2 / adam decoupled weight decay")
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.999)
    p.add_argument("--eps", type=float, default=1e-8)
    p.add_argument("--seed", type=int, default=0, help="model seed (parameter init seeds derive from it)")


def step_from_arguments(p: argparse.ArgumentParser, args: argparse.Namespace):
    """The :class:`mpt.TrainStep` the options describe (raises :class:`mpt.FrontendError`)."""
    kwargs = {}
    for k in ("blocks", "batch", "width", "input_shape", "classes"):
        v = getattr(args, k)
        if v is not None:
            kwargs[k] = v
    if args.heads is not None:
        if args.model != "transformer":
            p.error("--heads applies to the transformer only")
        kwargs["heads"] = args.heads
    opt = make_optimizer(args.optimizer, lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay,
                         nesterov=args.nesterov, beta1=args.beta1, beta2=args.beta2, eps=args.eps)
    return build(args.model, opt, seed=args.seed, **kwargs)
