"""``python -m mpt.models {mlp,cnn,resnet,transformer} [options] -o out.mlir``: write a model's training step."""

from __future__ import annotations

import argparse
import sys
import time

from ..emit_mlir import emit_module
from ..errors import FrontendError
from .cli import add_model_arguments, step_from_arguments


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m mpt.models", description=__doc__)
    add_model_arguments(p)
    p.add_argument("--functions", default="train_step,eval_step",
                   help="comma-separated: train_step, eval_step, grad_step (debug)")
    p.add_argument("--generic-mpt", action="store_true",
                   help="print mpt ops in generic form (for stock mlir-opt --allow-unregistered-dialect)")
    p.add_argument("--no-locations", action="store_true", help="do not attach loc(\"layer\") to ops")
    p.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    try:
        step = step_from_arguments(p, args)
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
    nparams = sum(p.size for p in step.params)
    print(f"{args.model}: {len(step.params)} parameter tensors ({nparams} values), batch {step.batch_size}, "
          f"{text.count(chr(10))} lines in {time.perf_counter() - t0:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
