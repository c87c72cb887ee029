#!/usr/bin/env python3
"""Step temporaries kept between steps (mpt-compile --reuse-temporaries)
against handing them back to malloc, side by side.

glibc gives free memory at the top of its heap back to the kernel, and the
next step faults it in again; whether a step's frees leave enough there
depends on where its blocks landed, down to the length of the artifact's
file name. So every model and precision of --models/--precisions is
compiled twice (default, and --reuse-temporaries=false), and each round
runs both, each copied to every file name of NAMES, one after the other.
Per run: the median step time (``steps[].ms``, the first --warmup steps
left out) and the minor page faults of the whole mpt-run process
(getrusage of the child). glibc's own settings are left as they are
(GLIBC_TUNABLES is removed from mpt-run's environment).

Usage: python3 bench/step_temporaries.py [--steps 200] [--rounds 3]
           [--models resnet16] [--precisions f32,f16,bf16] [--markdown]
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys

from cpu_steps import MODELS, PRECISIONS, ROOT, machine, run, tool

NAMES = ("a", "mid_name_x", "a_much_longer_artifact_name_for_the_same_code")
VARIANTS = (("reuse", []), ("malloc", ["--reuse-temporaries=false"]))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build-dir", default=os.environ.get(
        "MPT_BUILD_DIR", os.path.join(ROOT, "build")))
    p.add_argument("--out", default=os.path.join(ROOT, "out", "bench",
                                                 "step_temporaries"))
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--models", default="resnet16")
    p.add_argument("--precisions", default=",".join(PRECISIONS))
    p.add_argument("--markdown", action="store_true")
    a = p.parse_args(argv)
    models = [m for m in a.models.split(",") if m]
    precisions = [x for x in a.precisions.split(",") if x]
    for m in models:
        if m not in MODELS:
            p.error(f"unknown model '{m}' (known: {', '.join(MODELS)})")
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import mpt.models

    compile_tool = tool(a.build_dir, "mpt-compile")
    run_tool = tool(a.build_dir, "mpt-run")
    os.makedirs(a.out, exist_ok=True)
    info = machine()
    env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
    arts = {}
    for m in models:
        name, kw, _ = MODELS[m]
        src = os.path.join(a.out, f"{m}.mlir")
        with open(src, "w") as f:
            f.write(mpt.models.build(name, **kw).to_mlir(functions=("train_step",)))
        for prec in precisions:
            for v, flags in VARIANTS:
                arts[(m, prec, v)] = os.path.join(a.out, f"{m}_{prec}_{v}.mpt")
                run([compile_tool, src, f"--precision={prec}", *flags, "-o", arts[(m, prec, v)]])

    results = {}
    report = os.path.join(a.out, "report.json")
    for r in range(a.rounds):
        for key, art in arts.items():
            for n in NAMES:
                copy = os.path.join(a.out, n + ".mpt")
                shutil.copyfile(art, copy)
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
                subprocess.run([run_tool, copy, "--data=digits", f"--steps={a.steps}",
                                f"--report={report}", "--progress=none"],
                               check=True, capture_output=True, env=env)
                faults = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before
                with open(report) as f:
                    ms = [s["ms"] for s in json.load(f)["steps"][a.warmup:]]
                results.setdefault(key + (n,), []).append((statistics.median(ms), faults))
        print(f"round {r + 1}/{a.rounds} done", flush=True)
    info["load_average_end"] = os.getloadavg()

    lines = [f"{info['cpu']}, {info['cores']} cores, {info['date']}, load average "
             f"{info['load_average'][0]:.1f} at the start, {info['load_average_end'][0]:.1f} at the end; "
             f"{a.rounds} rounds of {a.steps} steps per run.", "",
             "| model | precision | name length | reuse ms | malloc ms | malloc / reuse | "
             "reuse page faults | malloc page faults |", "|---|---|---|---|---|---|---|---|"]
    for m in models:
        for prec in precisions:
            for n in NAMES:
                row = {}
                for v, _ in VARIANTS:
                    runs = results[(m, prec, v, n)]
                    lo, hi = min(x[1] for x in runs), max(x[1] for x in runs)
                    row[v] = (statistics.median(x[0] for x in runs),
                              f"{lo:,}" if lo == hi else f"{lo:,}-{hi:,}")
                lines.append(f"| {MODELS[m][2]} | {prec} | {len(n)} | {row['reuse'][0]:.2f} | "
                             f"{row['malloc'][0]:.2f} | {row['malloc'][0] / row['reuse'][0]:.2f} | "
                             f"{row['reuse'][1]} | {row['malloc'][1]} |")
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
