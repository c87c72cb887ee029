#!/usr/bin/env python3
"""Times mpt-autocast + mpt-fuse-conv-bias-relu against --canonicalize --cse.

Both run in mpt-opt on the same generated ResNet-style FP32 training graphs
(about 1k, 8k and 64k operations), side by side in one run, alternating
between the two commands. Reports the median of each, their ratio, and the
growth from 8k to 64k ops (linear growth is a ratio of about 8), for the whole
process (parse + passes + print) and for the passes alone (-mlir-timing).

    python3 bench/autocast_fusion.py [--build build] [--repeats 5] [--json out.json]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

from mpt.models import build  # noqa: E402

MPT_PIPELINE = ("builtin.module(mpt-autocast{summary=false},"
                "func.func(mpt-fuse-conv-bias-relu))")
BASELINE_PIPELINE = "builtin.module(canonicalize,cse)"
# Pass rows of -mlir-timing's report (everything but parsing and printing).
NOT_PASSES = {"Parser", "Output", "Rest", "Total"}


def count_ops(mpt_opt, path):
    out = subprocess.run([mpt_opt, path, "--print-op-stats", "-o", "/dev/null"],
                         capture_output=True, text=True, check=True).stderr
    return sum(int(m.group(1)) for m in re.finditer(r",\s*(\d+)\s*$", out, re.M))


def run(mpt_opt, path, pipeline):
    """Wall time of the process and of the passes (from -mlir-timing)."""
    start = time.perf_counter()
    proc = subprocess.run([mpt_opt, path, f"--pass-pipeline={pipeline}",
                           "-mlir-timing", "-o", "/dev/null"],
                          capture_output=True, text=True)
    total = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"mpt-opt failed on {path}:\n{proc.stderr[-2000:]}")
    passes = 0.0
    for line in proc.stderr.splitlines():
        m = re.match(r"\s*([\d.]+)\s+\(\s*[\d.]+%\)\s+(\S.*)$", line)
        # Top-level rows only (nested rows are indented further).
        if m and not line.startswith("      ") and m.group(2).strip() not in NOT_PASSES:
            passes += float(m.group(1))
    return total, passes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    mpt_opt = os.path.join(args.build, "bin", "mpt-opt")

    # ops(blocks) is about 204 + 106 * blocks for this configuration.
    sizes = {"1k": 8, "8k": 74, "64k": 602}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, blocks in sizes.items():
            path = os.path.join(tmp, f"resnet{blocks}.mlir")
            step = build("resnet", blocks=blocks, batch=2, width=4)
            with open(path, "w") as f:
                f.write(step.to_mlir(functions=("train_step",)))
            ops = count_ops(mpt_opt, path)
            mpt, base = [], []
            for _ in range(args.repeats):
                mpt.append(run(mpt_opt, path, MPT_PIPELINE))
                base.append(run(mpt_opt, path, BASELINE_PIPELINE))
            row = {
                "graph": label, "blocks": blocks, "ops": ops,
                "mpt_total_s": statistics.median(t for t, _ in mpt),
                "baseline_total_s": statistics.median(t for t, _ in base),
                "mpt_passes_s": statistics.median(p for _, p in mpt),
                "baseline_passes_s": statistics.median(p for _, p in base),
            }
            row["total_ratio"] = row["mpt_total_s"] / row["baseline_total_s"]
            row["passes_ratio"] = row["mpt_passes_s"] / row["baseline_passes_s"]
            rows.append(row)

    print(f"mpt-autocast + mpt-fuse-conv-bias-relu vs canonicalize + cse "
          f"(median of {args.repeats}, CPU wall time)")
    print(f"{'graph':>6} {'ops':>7} | {'mpt s':>8} {'c+c s':>8} {'ratio':>6} | "
          f"{'mpt pass s':>10} {'c+c pass s':>10} {'ratio':>6}")
    for r in rows:
        print(f"{r['graph']:>6} {r['ops']:>7} | {r['mpt_total_s']:8.3f} "
              f"{r['baseline_total_s']:8.3f} {r['total_ratio']:6.2f} | "
              f"{r['mpt_passes_s']:10.4f} {r['baseline_passes_s']:10.4f} "
              f"{r['passes_ratio']:6.2f}")
    by = {r["graph"]: r for r in rows}
    growth_total = by["64k"]["mpt_total_s"] / by["8k"]["mpt_total_s"]
    growth_passes = by["64k"]["mpt_passes_s"] / by["8k"]["mpt_passes_s"]
    ops_growth = by["64k"]["ops"] / by["8k"]["ops"]
    print(f"64k/8k time ratio: {growth_total:.2f} (whole process), "
          f"{growth_passes:.2f} (passes); op ratio {ops_growth:.2f}")
    worst = max(r["total_ratio"] for r in rows)
    print(f"targets: ratio <= 1.5 -> worst {worst:.2f} "
          f"({'met' if worst <= 1.5 else 'MISSED'}); 64k/8k <= 9 -> "
          f"{growth_total:.2f} ({'met' if growth_total <= 9 else 'MISSED'})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "growth_64k_8k_total": growth_total,
                       "growth_64k_8k_passes": growth_passes,
                       "op_growth_64k_8k": ops_growth}, f, indent=2)


if __name__ == "__main__":
    main()
