#!/usr/bin/env python3
"""CPU training-step benchmark: FP32 vs FP16 vs BF16 compiled steps.

Builds the frontend's MLP (2 x 64, batch 32), CNN (2 conv blocks, batch 32),
and a 16-block ResNet (batch 8) as FP32 training steps, compiles each with
mpt-compile in FP32, FP16 (dynamic loss scaling) and BF16, and trains each on
the digits with mpt-run, interleaved round-robin (round 1: every model and
precision, round 2: again, ...) so that load on a shared machine spreads over
all of them. Reports, per model and precision:

- step time: the median (and 10th/90th percentiles) of the per-step
  wall-clock times of mpt-run's report (`steps[].ms`, the time of the
  compiled step call alone), over all rounds, the first WARMUP steps of each
  run left out;
- memory, from the report's `memory` section: `state_bytes` (parameters,
  working copies, optimizer and loss-scale state, one copy),
  `device_peak_bytes` (the peak of the buffers the runtime allocates: state
  double buffers, step inputs and outputs), `step_scratch_peak_bytes` (the
  most temporary memory the compiled step itself held, measured by the
  step), `host_peak_rss_bytes` (the process's VmHWM);
- the bytes of forward values the backward pass keeps: mpt-compile's figure
  for the compiled step (the report's `artifact.stats.train_step.
  saved_activation_bytes`), else its --autocast-report (FP32: the report's
  FP32 count).

These are CPU figures: FP16/BF16 arithmetic is emulated in FP32 with one
rounding per op (contractions accumulate in FP32), so the low-precision steps
are slower than FP32 here.

Usage: python3 bench/cpu_steps.py [--build-dir build] [--steps 200]
           [--rounds 3] [--models mlp,cnn,resnet16] [--markdown]
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

MODELS = {
    "mlp": ("mlp", dict(batch=32, blocks=2, width=64), "MLP 2x64, batch 32"),
    "cnn": ("cnn", dict(batch=32), "CNN 2 conv blocks, batch 32"),
    "resnet16": ("resnet", dict(batch=8, blocks=16), "ResNet 16 blocks, batch 8"),
    "transformer": ("transformer", dict(batch=32, blocks=2, width=64, heads=4),
                    "Transformer 2 blocks x 64, batch 32"),
}
PRECISIONS = ("f32", "f16", "bf16")



def autocast_summary(report, function="train_step"):
    """The figures of ``function``'s summary remark in an mpt-autocast JSON
    report (the report lists the pass's remarks)."""
    for remark in report["remarks"]:
        if remark["name"] == "summary" and remark["function"] == function:
            return remark["args"]
    raise SystemExit(f"autocast report: no summary remark for @{function}")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build-dir",
                   default=os.environ.get("MPT_BUILD_DIR",
                                          os.path.join(ROOT, "build")))
    p.add_argument("--out", default=os.path.join(ROOT, "out", "bench",
                                                 "cpu_steps"))
    p.add_argument("--steps", type=int, default=200,
                   help="steps per run (default 200)")
    p.add_argument("--rounds", type=int, default=3,
                   help="interleaved runs of every model and precision")
    p.add_argument("--warmup", type=int, default=5,
                   help="steps of each run left out of the statistics")
    p.add_argument("--models", default=",".join(MODELS))
    p.add_argument("--precisions", default=",".join(PRECISIONS))
    p.add_argument("--markdown", action="store_true",
                   help="also print the table as Markdown")
    args = p.parse_args(argv)
    args.models = [m for m in args.models.split(",") if m]
    args.precisions = [x for x in args.precisions.split(",") if x]
    for m in args.models:
        if m not in MODELS:
            p.error(f"unknown model '{m}' (known: {', '.join(MODELS)})")
    for x in args.precisions:
        if x not in PRECISIONS:
            p.error(f"unknown precision '{x}'")
    if args.warmup >= args.steps:
        p.error("--warmup must be smaller than --steps")
    return args


def tool(build, name):
    path = os.path.join(build, "bin", name)
    if not os.access(path, os.X_OK):
        sys.exit(f"error: {path} not found (scripts/build.sh {name})")
    return path


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed ({p.returncode}):\n"
                 f"{p.stdout}{p.stderr}")
    return p


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(),
            "date": datetime.date.today().isoformat(),
            "load_average": os.getloadavg()}


def percentile(values, q):
    v = sorted(values)
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def kib(n):
    return "-" if n is None else f"{n / 1024:.1f}"


def main(argv=None):
    args = parse_args(argv)
    import mpt.models

    compile_tool = tool(args.build_dir, "mpt-compile")
    run_tool = tool(args.build_dir, "mpt-run")
    os.makedirs(args.out, exist_ok=True)
    info = machine()
    print(f"{info['cpu']}, {info['cores']} cores, {info['date']}, load "
          f"average {info['load_average'][0]:.2f}", flush=True)

    # Compile everything first.
    results = {}
    for m in args.models:
        name, kw, _ = MODELS[m]
        step = mpt.models.build(name, **kw)
        src = os.path.join(args.out, f"{m}.mlir")
        with open(src, "w") as f:
            f.write(step.to_mlir(functions=("train_step",)))
        for p in args.precisions:
            art = os.path.join(args.out, f"{m}_{p}.mpt")
            cmd = [compile_tool, src, f"--precision={p}", "-o", art]
            ac_path = None
            if p != "f32":
                ac_path = os.path.join(args.out, f"{m}_{p}.autocast.json")
                cmd.append(f"--autocast-report={ac_path}")
            t0 = time.perf_counter()
            run(cmd)
            secs = time.perf_counter() - t0
            ac = (autocast_summary(json.load(open(ac_path))) if ac_path
                  else None)
            results[(m, p)] = {"artifact": art, "compile_s": secs,
                               "autocast": ac, "ms": [], "reports": []}
            print(f"compiled {m} {p} in {secs:.1f} s", flush=True)

    # Then run them round-robin.
    for r in range(args.rounds):
        for m in args.models:
            for p in args.precisions:
                res = results[(m, p)]
                report = os.path.join(args.out, f"{m}_{p}.report.json")
                run([run_tool, res["artifact"], "--data=digits",
                     f"--steps={args.steps}", f"--report={report}",
                     "--progress=none"])
                rep = json.load(open(report))
                res["ms"] += [s["ms"] for s in rep["steps"][args.warmup:]]
                res["reports"].append(rep)
        print(f"round {r + 1}/{args.rounds} done", flush=True)
    info["load_average_end"] = os.getloadavg()

    rows = []
    for m in args.models:
        fp32_saved = None
        for p in args.precisions:
            ac = results[(m, p)]["autocast"]
            if ac:
                fp32_saved = ac["saved_activation_bytes_fp32_before"]
        base = None
        for p in args.precisions:
            res = results[(m, p)]
            last = res["reports"][-1]
            mem = last["memory"]
            stats = ((last["artifact"].get("stats") or {})
                     .get("train_step") or {})
            med = statistics.median(res["ms"])
            if p == "f32":
                base = med
            ac = res["autocast"]
            saved = stats.get("saved_activation_bytes")
            if saved is None:
                saved = (ac["saved_activation_bytes_after"] if ac
                         else fp32_saved)
            rows.append({
                "model": m, "description": MODELS[m][2], "precision": p,
                "step_ms_median": med,
                "step_ms_p10": percentile(res["ms"], 0.1),
                "step_ms_p90": percentile(res["ms"], 0.9),
                "vs_f32": med / base if base else None,
                "steps_measured": len(res["ms"]),
                "compile_s": res["compile_s"],
                "state_bytes": mem["state_bytes"],
                "parameter_bytes": mem["parameter_bytes"],
                "device_peak_bytes": mem["device_peak_bytes"],
                "host_peak_rss_bytes": mem["host_peak_rss_bytes"],
                "step_scratch_peak_bytes": mem.get("step_scratch_peak_bytes"),
                "saved_activation_bytes": saved,
                "autocast_saved_activation_bytes":
                    ac["saved_activation_bytes_after"] if ac else fp32_saved,
            })

    head = ["model", "prec", "ms/step (median)", "p10-p90", "vs f32",
            "state KiB", "runtime peak KiB", "step scratch peak KiB",
            "peak RSS MiB", "saved act. KiB", "compile s"]
    body = []
    for r in rows:
        line = [r["model"], r["precision"], f"{r['step_ms_median']:.2f}",
                f"{r['step_ms_p10']:.2f}-{r['step_ms_p90']:.2f}",
                f"{r['vs_f32']:.2f}x" if r["vs_f32"] else "-",
                kib(r["state_bytes"]), kib(r["device_peak_bytes"]),
                kib(r["step_scratch_peak_bytes"]),
                f"{r['host_peak_rss_bytes'] / 2**20:.1f}",
                kib(r["saved_activation_bytes"]), f"{r['compile_s']:.1f}"]
        body.append(line)
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(head, widths)))
    for line in body:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)))
    if args.markdown:
        print()
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join("---" for _ in head) + "|")
        for line in body:
            print("| " + " | ".join(line) + " |")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"machine": info, "steps": args.steps,
                   "rounds": args.rounds, "warmup": args.warmup,
                   "rows": rows}, f, indent=2)
        f.write("\n")
    print(f"\n{args.rounds} rounds x {args.steps} steps per model and "
          f"precision; load average {info['load_average'][0]:.2f} -> "
          f"{info['load_average_end'][0]:.2f}; results in "
          f"{os.path.join(args.out, 'results.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
