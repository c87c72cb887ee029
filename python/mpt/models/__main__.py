"""``python -m mpt.models {mlp,cnn,resnet,transformer} [options] -o out.mlir``: write a model's training step."""

from __future__ import annotations

import argparse
import math
import sys
import time

from ..errors import FrontendError
from ..emit_mlir import emit_module
from . import MODELS, build, make_optimizer


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(t) for t in text.replace("x", ",").split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad shape {text!r} (use e.g. 8,8,1)") from None
    if not shape:
        raise argparse.ArgumentTypeError(f"bad shape {text!r} (use e.g. 8,8,1)")
    return shape


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m mpt.models", description=__doc__)
    p.add_argument("model", choices=sorted(MODELS), help="which model")
    p.add_argument("--blocks", type=int, default=None,
                   help="size knob: hidden layers (mlp), conv blocks (cnn), residual blocks (resnet, 1..200), "
                        "encoder blocks (transformer)")
    p.add_argument("--batch", type=int, default=None, help="batch size (default 32 for mlp/cnn, 8 otherwise)")
    p.add_argument("--width", type=int, default=None, help="hidden units / base channels / embedding size")
    p.add_argument("--heads", type=int, default=None, help="attention heads (transformer)")
    p.add_argument("--input-shape", type=_shape, default=None, help="per-sample input shape, default 8,8,1")
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
    p.add_argument("--functions", default="train_step,eval_step",
                   help="comma-separated: train_step, eval_step, grad_step (debug)")
    p.add_argument("--generic-mpt", action="store_true",
                   help="print mpt ops in generic form (for stock mlir-opt --allow-unregistered-dialect)")
    p.add_argument("--no-locations", action="store_true", help="do not attach loc(\"layer\") to ops")
    p.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    args = p.parse_args(argv)

    kwargs = {}
    for k in ("blocks", "batch", "width", "input_shape", "classes"):
        v = getattr(args, k)
        if v is not None:
            kwargs[k] = v
    if args.heads is not None:
        if args.model != "transformer":
            p.error("--heads applies to the transformer only")
        kwargs["heads"] = args.heads
    t0 = time.perf_counter()
    try:
        opt = make_optimizer(args.optimizer, lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay,
                             nesterov=args.nesterov, beta1=args.beta1, beta2=args.beta2, eps=args.eps)
        step = build(args.model, opt, seed=args.seed, **kwargs)
        text = emit_module(step, functions=[f.strip() for f in args.functions.split(",") if f.strip()],
                           locations=not args.no_locations, mpt_syntax="generic" if args.generic_mpt else "custom")
    except (FrontendError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)
    nparams = sum(math.prod(p.shape) for p in step.params)
    print(f"{args.model}: {len(step.params)} parameter tensors ({nparams} values), batch {step.batch_size}, "
          f"{text.count(chr(10))} lines in {time.perf_counter() - t0:.2f}s", file=sys.stderr)
    return 0




if __name__ == "__main__":
    sys.exit(main())
