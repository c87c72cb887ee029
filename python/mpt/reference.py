"""FP64 reference training runs, for comparing compiled steps (``mpt-run``) against.

``python -m mpt.reference MODEL [model options] --data DIR --steps N -o REF``
builds the same training step as ``python -m mpt.models MODEL [options]``,
runs ``N`` steps of it in FP64 numpy on consecutive batches of ``DIR/<split>``
(wrapping around to the first batch when the split runs out; a last partial
batch is skipped), and writes ``.npy`` files (float64 unless noted)::

    REF/loss.npy             [N]   the loss of each step (before its update)
    REF/init/<name>.npy      the initial parameters and optimizer state (float32, from mpt.init)
    REF/final/<name>.npy     parameters and optimizer state after N steps
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from .data import read_dataset
from .errors import FrontendError
from .models.cli import add_model_arguments, step_from_arguments


def reference_run(step, split: dict, steps: int):
    """``(losses, init, final)`` of ``steps`` FP64 steps over consecutive batches of ``split``."""
    b = step.batch_size
    names = [x.attrs["name"] for x in step.inputs]
    missing = [n for n in names if n not in split]
    if missing:
        raise ValueError(f"the dataset has no {', '.join(missing)}.npy (the step's inputs: {', '.join(names)})")
    n = len(split[names[0]])
    nb = n // b
    if nb == 0:
        raise ValueError(f"the split has {n} samples, fewer than one batch of {b}")
    for x in step.inputs:
        got = split[x.attrs["name"]].shape[1:]
        if got != x.shape[1:]:
            raise ValueError(f"input '{x.attrs['name']}': samples of shape {got}, the step expects {x.shape[1:]}")
    params, state = step.init_params(), step.init_state()
    init = {**params, **state}
    losses = []
    for k in range(steps):
        i = (k % nb) * b
        batch = {name: split[name][i:i + b] for name in names}
        params, state, loss = step.step(params, state, batch)
        losses.append(loss)
    return np.array(losses), init, {**params, **{k: np.asarray(v, np.float64) for k, v in state.items()}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m mpt.reference", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_arguments(p)
    p.add_argument("--data", required=True, help="dataset directory (python -m mpt.data ...)")
    p.add_argument("--split", default="train")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("-o", "--output", required=True, help="reference directory")
    args = p.parse_args(argv)
    try:
        step = step_from_arguments(p, args)
        split = read_dataset(args.data).get(args.split)
        if split is None:
            raise ValueError(f"{args.data} has no split '{args.split}'")
        losses, init, final = reference_run(step, split, args.steps)
    except (FrontendError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "loss.npy", losses)
    for sub, values, dtype in (("init", init, "<f4"), ("final", final, "<f8")):
        (out / sub).mkdir(exist_ok=True)
        for name, v in values.items():
            np.save(out / sub / f"{name}.npy", np.ascontiguousarray(v, dtype))
    print(f"{args.model}: {args.steps} FP64 steps, loss {losses[0]:.6f} -> {losses[-1]:.6f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
