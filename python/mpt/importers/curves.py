"""The comparison curves of docs/importers.md: ``python -m mpt.importers.curves -o FILE.png``.

Trains the CNN example for ``--steps`` steps (default 200) four ways per
framework (mpt FP32, mpt FP16 or BF16, the framework's FP32 and its own mixed
precision: ``torch.autocast`` + ``GradScaler`` for FP16, autocast for BF16,
JAX with bf16 parameters and inputs) from the same initial values on the
same batches, and plots the losses, each run's distance to the framework's
own FP32 losses, and the loss-scale sequences of mpt and GradScaler. Also
writes the numbers as JSON next to the PNG.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np


def _runs(steps: int, growth_interval: int, frameworks):
    from .compare import compare_torch, rel
    out = {}
    for fw in frameworks:
        for prec in ("f16", "bf16") if fw == "torch" else ("bf16",):
            with tempfile.TemporaryDirectory() as d:
                if fw == "torch":
                    ours, f32, mixed = compare_torch("cnn", steps, prec, work=Path(d), amp=True,
                                                     growth_interval=growth_interval)
                else:
                    from .jax import compare
                    ours, f32, mixed = compare("cnn", steps, prec, work=Path(d), amp=True)
                with tempfile.TemporaryDirectory() as d2:
                    if fw == "torch":
                        ours32, _, _ = compare_torch("cnn", steps, "f32", work=Path(d2))
                    else:
                        ours32, _, _ = compare("cnn", steps, "f32", work=Path(d2))
            out[f"{fw}-{prec}"] = {
                "framework_f32": f32.losses.tolist(), "framework_mixed": mixed.losses.tolist(),
                "mpt_f32": ours32.losses.tolist(), "mpt_mixed": ours.losses.tolist(),
                "mpt_scale": ours.scales.tolist() if ours.scales is not None and prec == "f16" else None,
                "gradscaler_scale": mixed.scales.tolist() if mixed.scales is not None else None,
                "mean_rel_mpt_mixed": float(rel(ours.losses, f32.losses).mean()),
                "mean_rel_framework_mixed": float(rel(mixed.losses, f32.losses).mean()),
                "max_rel_mpt_f32": float(rel(ours32.losses, f32.losses).max()),
            }
    return out


def plot(data: dict, png: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    keys = list(data)
    fig, axes = plt.subplots(2, len(keys) + 1, figsize=(5 * (len(keys) + 1), 8))
    for j, k in enumerate(keys):
        d = data[k]
        fw, prec = k.split("-")
        ax = axes[0, j]
        ax.plot(d["framework_f32"], label=f"{fw} FP32", lw=1)
        ax.plot(d["framework_mixed"], label=f"{fw} {prec.upper()} (its own)", lw=1)
        ax.plot(d["mpt_mixed"], label=f"mpt {prec.upper()}", lw=1, ls="--")
        ax.set_title(f"CNN, {fw}: loss per step")
        ax.legend(fontsize=8)
        ax = axes[1, j]
        ref = np.array(d["framework_f32"])
        for name, lab in (("mpt_f32", "mpt FP32"), ("framework_mixed", f"{fw} {prec.upper()}"),
                          ("mpt_mixed", f"mpt {prec.upper()}")):
            r = np.abs(np.array(d[name]) - ref) / np.abs(ref)
            ax.semilogy(np.maximum(r, 1e-9), label=lab, lw=1)
        ax.set_title(f"|loss - {fw} FP32| / {fw} FP32")
        ax.legend(fontsize=8)
    ax = axes[0, -1]
    for k in keys:
        if data[k]["mpt_scale"]:
            ax.semilogy(data[k]["mpt_scale"], label="mpt FP16 loss scale", lw=2)
            ax.semilogy(data[k]["gradscaler_scale"], label="GradScaler", lw=1, ls="--")
    ax.set_title("loss scale after each step")
    ax.legend(fontsize=8)
    axes[1, -1].axis("off")
    fig.tight_layout()
    fig.savefig(png, dpi=80)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mpt.importers.curves", description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", required=True, help="the PNG to write (and FILE.json)")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--growth-interval", type=int, default=50,
                    help="loss-scale growth interval of both mpt and GradScaler (default 50)")
    ap.add_argument("--frameworks", default="torch,jax")
    a = ap.parse_args(argv)
    data = _runs(a.steps, a.growth_interval, a.frameworks.split(","))
    png = Path(a.output)
    png.with_suffix(".json").write_text(json.dumps(data))
    plot(data, png)
    for k, d in data.items():
        print(f"{k}: mean relative loss difference to the framework's FP32: mpt {d['mean_rel_mpt_mixed']:.3g}, "
              f"the framework's own mixed precision {d['mean_rel_framework_mixed']:.3g}; mpt FP32 max "
              f"{d['max_rel_mpt_f32']:.3g}")
        if d["mpt_scale"]:
            a_, b_ = np.array(d["mpt_scale"]), np.array(d["gradscaler_scale"])
            diff = np.nonzero(a_ != b_)[0]
            print(f"  loss scale: {'equal to GradScaler' if not len(diff) else f'first differs at step {diff[0] + 1}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
