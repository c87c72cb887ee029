"""Write dataset directories for mpt-run.

``python -m mpt.data digits -o DIR`` writes the handwritten digits (train: the
first 1437 samples, test: the last 360) as ``DIR/{train,test}/{x,y}.npy``.
``python -m mpt.data synthetic --shape 8,8,1 --classes 10 -o DIR`` writes a
deterministic synthetic set of any input shape.
"""

from __future__ import annotations

import argparse
import sys

from . import DIGITS_TEST_SIZE, digits, synthetic, write_dataset


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(t) for t in text.replace("x", ",").split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad shape {text!r} (use e.g. 8,8,1)") from None
    if not shape or any(d < 1 for d in shape):
        raise argparse.ArgumentTypeError(f"bad shape {text!r} (use e.g. 8,8,1)")
    return shape


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m mpt.data", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="kind", required=True)
    d = sub.add_parser("digits", help="the handwritten digits (8x8x1, 10 classes)")
    d.add_argument("--test-size", type=int, default=DIGITS_TEST_SIZE, help="samples at the end used as test set")
    d.add_argument("--csv", default=None, help="path of digits.csv.gz (default: found automatically)")
    d.add_argument("-o", "--output", required=True, help="dataset directory")
    s = sub.add_parser("synthetic", help="deterministic synthetic inputs of any shape")
    s.add_argument("--shape", type=_shape, required=True, help="per-sample shape of x, e.g. 8,8,1")
    s.add_argument("--classes", type=int, default=10, help="class labels y (int32) in 0..classes-1")
    s.add_argument("--regression", type=int, default=0, help="instead of labels: float32 targets of this width")
    s.add_argument("--train", type=int, default=1024, help="training samples")
    s.add_argument("--test", type=int, default=256, help="test samples")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--x-name", default="x", help="input name of the samples")
    s.add_argument("--y-name", default="y", help="input name of the targets")
    s.add_argument("-o", "--output", required=True, help="dataset directory")
    args = p.parse_args(argv)
    try:
        if args.kind == "digits":
            splits = digits(args.test_size, args.csv)
        else:
            kw = dict(classes=args.classes, regression=args.regression, x_name=args.x_name, y_name=args.y_name)
            # One generator stream: the test set continues the training set's samples.
            full = synthetic(args.shape, args.train + args.test, seed=args.seed, **kw)
            splits = {"train": {k: v[:args.train] for k, v in full.items()},
                      "test": {k: v[args.train:] for k, v in full.items()}}
            if args.test == 0:
                del splits["test"]
        write_dataset(args.output, splits)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for split, arrays in splits.items():
        desc = ", ".join(f"{k} {v.dtype}{list(v.shape)}" for k, v in arrays.items())
        print(f"{args.output}/{split}: {desc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
