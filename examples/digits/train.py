#!/usr/bin/env python3
"""The main job: one FP32 training step, compiled three ways and trained.

Compiles the bundled FP32 CNN training step (``cnn_train_step.mlir``, written
once by ``python3 -m mpt.models cnn --batch 32``) with ``mpt-compile`` in FP32,
FP16 (dynamic loss scaling) and BF16, trains each on the handwritten digits on
the CPU with ``mpt-run`` (same initial weights, same batches, same number of
steps), evaluates it on the test split, and

- prints a comparison table: test accuracy, final loss (mean over the last
  epoch), skipped steps, median step time, parameter and state memory, the
  bytes of forward values the backward pass keeps (mpt-compile's figure,
  carried in the artifact; mpt-compile's ``--autocast-report`` when an
  artifact has none) and the step's measured scratch-memory peak;
- writes the loss and loss-scale curves to ``OUT/curves.png`` and the
  numbers to ``OUT/summary.json``;
- then compiles the same step with ``--target=cuda`` (PTX and a launch plan),
  runs the first ``--gpu-steps`` steps on ``cuda-emu`` (every kernel executed
  by mpt's PTX emulator) and prints a second table next to the CPU runs'
  first steps: kernels, launches per step, arena, device peak memory, the
  losses of both devices, and how to run the artifact on a real GPU
  (``mpt-run --device=cuda``).

Usage: python3 examples/digits/train.py [--steps 1500] [--out out/digits]
           [--build-dir build] [--growth-interval 100]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STEP = os.path.join(HERE, "cnn_train_step.mlir")
PRECISIONS = ("f32", "f16", "bf16")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=1500,
                   help="training steps per precision (default 1500, about "
                        "33 epochs of the 1437 training digits)")
    p.add_argument("--out", default=os.path.join(ROOT, "out", "digits"),
                   help="output directory (artifacts, reports, curves.png)")
    p.add_argument("--build-dir",
                   default=os.environ.get("MPT_BUILD_DIR",
                                          os.path.join(ROOT, "build")),
                   help="the build with bin/mpt-compile and bin/mpt-run")
    p.add_argument("--growth-interval", type=int, default=100,
                   help="FP16 loss scale: clean steps before it doubles "
                        "(default 100, so the run shows the scaler at work; "
                        "GradScaler's default is 2000)")
    p.add_argument("--data", default="digits",
                   help="mpt-run --data source (default: digits)")
    p.add_argument("--gpu-steps", type=int, default=20,
                   help="steps of the --target=cuda artifacts on cuda-emu "
                        "(default 20; 0 skips the GPU table)")
    return p.parse_args(argv)


def tool(build, name):
    path = os.path.join(build, "bin", name)
    if not os.access(path, os.X_OK):
        sys.exit(f"error: {path} not found; build it with "
                 f"scripts/build.sh {name}")
    return path


def run(cmd, what):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"error: {what} failed (exit {p.returncode}):\n"
                 f"$ {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p


def human_bytes(n):
    if n is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def shown(path):
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def moving_average(values, window):
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def train_one(precision, args, out):
    compile_tool = tool(args.build_dir, "mpt-compile")
    run_tool = tool(args.build_dir, "mpt-run")
    artifact = os.path.join(out, f"cnn_{precision}.mpt")
    cmd = [compile_tool, STEP, f"--precision={precision}", "-o", artifact]
    autocast = None
    if precision != "f32":
        autocast = os.path.join(out, f"autocast_{precision}.json")
        cmd.append(f"--autocast-report={autocast}")
    if precision == "f16":
        cmd.append(f"--growth-interval={args.growth_interval}")
    t0 = time.perf_counter()
    run(cmd, f"mpt-compile --precision={precision}")
    compile_s = time.perf_counter() - t0

    report = os.path.join(out, f"report_{precision}.json")
    print(f"[{precision}] compiled in {compile_s:.1f} s; training "
          f"{args.steps} steps ...", flush=True)
    t0 = time.perf_counter()
    run([run_tool, artifact, f"--data={args.data}", f"--steps={args.steps}",
         "--eval", f"--report={report}", "--progress=none"],
        f"mpt-run ({precision})")
    wall_s = time.perf_counter() - t0
    with open(report) as f:
        rep = json.load(f)
    ac = None
    if autocast:
        with open(autocast) as f:
            ac = autocast_summary(json.load(f))
    return {"report": rep, "autocast": ac, "compile_s": compile_s,
            "run_s": wall_s}



def autocast_summary(report, function="train_step"):
    """The figures of ``function``'s summary remark in an mpt-autocast JSON
    report (the report lists the pass's remarks)."""
    for remark in report["remarks"]:
        if remark["name"] == "summary" and remark["function"] == function:
            return remark["args"]
    raise SystemExit(f"autocast report: no summary remark for @{function}")


def summarize(precision, r, fp32_saved):
    rep = r["report"]
    losses = [float(s["loss"]) for s in rep["steps"]]
    per_epoch = rep["data"]["train_batches_per_epoch"] or 1
    tail = losses[-per_epoch:]
    mem = rep["memory"]
    # The bytes of forward values the backward pass keeps: the compiled
    # step's own figure (artifact stats, after fusion, at the precision the
    # step keeps them), else mpt-autocast's report (before fusion).
    stats = (rep["artifact"].get("stats") or {}).get("train_step") or {}
    saved = stats.get("saved_activation_bytes")
    ac = r["autocast"]
    if saved is None:
        saved = ac["saved_activation_bytes_after"] if ac else fp32_saved
    return {
        "precision": precision,
        "test_accuracy": rep["eval"]["accuracy"],
        "test_samples": rep["eval"]["samples"],
        "final_loss": sum(tail) / len(tail),
        "skipped_steps": rep["summary"]["skipped_steps"],
        "final_scale": rep["summary"]["final_scale"],
        "step_ms_median": rep["timing"]["step_ms"]["median"],
        "parameter_bytes": mem["parameter_bytes"],
        "state_bytes": mem["state_bytes"],
        "saved_activation_bytes": saved,
        "autocast_saved_activation_bytes":
            ac["saved_activation_bytes_after"] if ac else fp32_saved,
        "step_scratch_peak_bytes": mem.get("step_scratch_peak_bytes"),
        "compile_s": r["compile_s"],
        "run_s": r["run_s"],
    }


def print_table(rows, steps):
    head = ["precision", "test acc", "final loss", "skipped", "ms/step",
            "params", "state", "saved activations", "step scratch peak"]
    body = []
    for s in rows:
        body.append([
            s["precision"],
            f"{100 * s['test_accuracy']:.2f}%",
            f"{s['final_loss']:.4f}",
            str(s["skipped_steps"]),
            f"{s['step_ms_median']:.2f}",
            human_bytes(s["parameter_bytes"]),
            human_bytes(s["state_bytes"]),
            human_bytes(s["saved_activation_bytes"]),
            human_bytes(s["step_scratch_peak_bytes"]),
        ])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths)))
    print()
    print(f"CNN on digits, {steps} steps of batch 32, CPU "
          f"(test accuracy on {rows[0]['test_samples']} test images)")
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in body:
        print(line(r))
    print()
    print("final loss: mean training loss over the last epoch. ms/step: "
          "median. params: the FP32 master\nparameters. state: everything "
          "carried between steps (parameters, f16/bf16 working copies,\n"
          "loss-scale state). saved activations: forward values the backward "
          "pass keeps, as compiled\n(mpt-compile's figure in the artifact). "
          "step scratch peak: the most temporary memory the\ncompiled step "
          "held (measured). FP16/BF16 arithmetic is emulated in FP32 with a "
          "rounding per\nop on the CPU, so they are slower here; their speed "
          "comes on GPUs.")


def train_gpu(precision, args, out):
    """The --target=cuda artifact of `precision`, --gpu-steps steps on
    cuda-emu; returns its report."""
    artifact = os.path.join(out, f"cnn_{precision}_cuda.mpt")
    cmd = [tool(args.build_dir, "mpt-compile"), STEP, "--target=cuda",
           f"--precision={precision}", "-o", artifact, "--quiet"]
    if precision == "f16":
        cmd.append(f"--growth-interval={args.growth_interval}")
    run(cmd, f"mpt-compile --target=cuda --precision={precision}")
    report = os.path.join(out, f"report_{precision}_cuda.json")
    run([tool(args.build_dir, "mpt-run"), artifact, "--device=cuda-emu",
         f"--data={args.data}", f"--steps={args.gpu_steps}",
         f"--report={report}", "--progress=none"],
        f"mpt-run --device=cuda-emu ({precision})")
    with open(report) as f:
        return json.load(f)


def gpu_rows(results, gpu):
    rows = []
    for p, rep in gpu.items():
        cpu_steps = results[p]["report"]["steps"][:len(rep["steps"])]
        diffs = [abs(g["loss"] - c["loss"]) / abs(c["loss"])
                 for g, c in zip(rep["steps"], cpu_steps)]
        dev = rep["device"]
        steps = len(rep["steps"])
        rows.append({
            "precision": p,
            "kernels": dev.get("kernels"),
            "launches_per_step": dev.get("launches_per_call", {}).get(
                "train_step"),
            "arena_bytes": rep["memory"].get("step_scratch_peak_bytes"),
            "device_peak_bytes": rep["memory"]["device_peak_bytes"],
            "loss_cpu": cpu_steps[-1]["loss"],
            "loss_gpu": rep["steps"][-1]["loss"],
            "max_loss_rel_diff": max(diffs),
            "same_skips": [s["skipped"] for s in rep["steps"]] ==
                          [s["skipped"] for s in cpu_steps],
            "thread_instructions_per_step":
                dev.get("thread_instructions", 0) // max(steps, 1),
        })
    return rows


def print_gpu_table(rows, steps, out):
    head = ["precision", "kernels", "launches/step", "arena", "device peak",
            f"loss @{steps} cpu", f"loss @{steps} cuda-emu", "max rel diff",
            "same skips", "emulated instr/step"]
    body = [[r["precision"], str(r["kernels"]), str(r["launches_per_step"]),
             human_bytes(r["arena_bytes"]), human_bytes(r["device_peak_bytes"]),
             f"{r['loss_cpu']:.6f}", f"{r['loss_gpu']:.6f}",
             f"{r['max_loss_rel_diff']:.1e}", "yes" if r["same_skips"] else "NO",
             f"{r['thread_instructions_per_step'] / 1e6:.1f} M"] for r in rows]
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths)))
    print()
    print(f"The same CNN compiled with --target=cuda (PTX for sm_80 and a "
          f"launch plan), its first {steps} steps\non cuda-emu (every kernel "
          f"run by mpt's PTX emulator) next to the CPU runs above")
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in body:
        print(line(r))
    print()
    print("arena: the step's temporaries, planned at compile time. device "
          "peak: everything allocated\non the device (state double buffers, "
          "batch, arena). max rel diff: largest relative loss\ndifference "
          "over the steps (only the order of f32 sums differs). On a machine "
          "with an NVIDIA GPU\n(sm_80 or later) and its driver, run the same "
          "artifact there:\n  build/bin/mpt-run "
          f"{shown(os.path.join(out, 'cnn_f16_cuda.mpt'))} --device=cuda "
          "--data=digits --steps=1500 --eval")


def plot(results, steps, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"f32": "tab:blue", "f16": "tab:orange", "bf16": "tab:green"}
    fig, (ax_loss, ax_scale) = plt.subplots(
        2, 1, figsize=(9, 7), sharex=True,
        gridspec_kw={"height_ratios": [3, 2]})
    for p, r in results.items():
        rep = r["report"]
        losses = [float(s["loss"]) for s in rep["steps"]]
        steps_x = [s["step"] for s in rep["steps"]]
        window = rep["data"]["train_batches_per_epoch"] or 1
        ax_loss.plot(steps_x, losses, color=colors[p], alpha=0.15, lw=0.6)
        ax_loss.plot(steps_x, moving_average(losses, window), color=colors[p],
                     lw=1.6, label=f"{p} (moving average over one epoch)")
    ax_loss.set_yscale("log")
    ax_loss.set_ylabel("training loss")
    ax_loss.set_title(f"CNN on digits: FP32 vs FP16 vs BF16 ({steps} steps)")
    ax_loss.grid(True, which="both", alpha=0.3)
    ax_loss.legend()

    rep = results["f16"]["report"] if "f16" in results else None
    if rep:
        xs = [s["step"] for s in rep["steps"]]
        scales = [s["scale"] for s in rep["steps"]]
        ax_scale.step(xs, scales, where="post", color=colors["f16"],
                      label="f16 loss scale (after each step)")
        skipped = [(s["step"], s["scale"]) for s in rep["steps"]
                   if s["skipped"]]
        if skipped:
            ax_scale.plot([s for s, _ in skipped], [v for _, v in skipped],
                          "x", color="tab:red", ms=7,
                          label=f"skipped step (overflow), {len(skipped)}")
        ax_scale.set_yscale("log", base=2)
        ax_scale.legend(loc="lower right")
    ax_scale.set_ylabel("loss scale")
    ax_scale.set_xlabel("step")
    ax_scale.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()
    print(f"== {os.path.relpath(STEP, ROOT)}: FP32 training step of the "
          f"frontend's CNN ==")
    results = {p: train_one(p, args, args.out) for p in PRECISIONS}
    fp32_saved = None
    ac = results["f16"]["autocast"] or results["bf16"]["autocast"]
    if ac:
        fp32_saved = ac["saved_activation_bytes_fp32_before"]
    rows = [summarize(p, results[p], fp32_saved) for p in PRECISIONS]
    print_table(rows, args.steps)

    png = os.path.join(args.out, "curves.png")
    plot(results, args.steps, png)
    gpu = []
    if args.gpu_steps > 0:
        print(f"\n[cuda] compiling with --target=cuda and running "
              f"{args.gpu_steps} steps per precision on cuda-emu ...",
              flush=True)
        gpu = gpu_rows(results, {p: train_gpu(p, args, args.out)
                                 for p in PRECISIONS})
        print_gpu_table(gpu, args.gpu_steps, args.out)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump({"steps": args.steps, "growth_interval_f16":
                   args.growth_interval, "runs": rows, "cuda_emu": gpu},
                  f, indent=2)
        f.write("\n")
    print(f"\nwrote {shown(png)} (loss and loss-scale curves) and "
          f"{shown(os.path.join(args.out, 'summary.json'))}; "
          f"total {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
