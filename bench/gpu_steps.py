#!/usr/bin/env python3
"""Whole training steps on the GPU: FP32 vs FP16 vs BF16 of the zoo ResNet.

The frontend's ResNet (`mpt.models.resnet`) as an FP32 SGD training step,
compiled with `mpt-compile --target=cuda` at `--precision=f32`, `f16`
(dynamic loss scaling, FP32 master weights) and `bf16`, and trained with
`mpt-run --device=cuda --data=synthetic`, one precision after the other in
one invocation. Per precision: the median step time over the steps after
the warm-up (the report's `steps[].ms`: the step call, launches and the
loss read-back included) and the device's peak memory (the report's
`memory.device_peak_bytes`: state, inputs, results and the launch plan's
arena). The ratios are against the FP32 step of the same model: speed-up
(FP32 ms / ms; target >= 2.0) and memory (peak / FP32 peak; target <= 0.55).

  python3 bench/gpu_steps.py prepare --out DIR [--sizes bench|emu|dry] [--sm 90]
  python3 bench/gpu_steps.py run --from DIR [--device cuda] [--out RESULTS.json]

`scripts/device-check.sh` runs both halves (docs/gpu.md).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SPEEDUP_TARGET = 2.0   # a mixed-precision step at least 2x its FP32 step
MEMORY_TARGET = 0.55   # ... at most 0.55x its FP32 peak memory
PRECISIONS = ("f32", "f16", "bf16")

MODELS = {
    # 8 residual blocks of 64 channels at 32x32 (CIFAR-sized images),
    # batch 64: convolutions large enough to fill a GPU.
    "bench": {"name": "resnet", "batch": 64, "blocks": 8, "width": 64,
              "input_shape": (32, 32, 3), "classes": 10,
              "steps": 15, "warmup": 3},
    # Small enough for the PTX emulator (`run --device cuda-emu`): the
    # memory ratios are the arena plan's, the times mean nothing.
    "emu": {"name": "resnet", "batch": 32, "blocks": 2, "width": 16,
            "input_shape": (16, 16, 3), "classes": 10, "steps": 2,
            "warmup": 1},
    "dry": {"name": "resnet", "batch": 4, "blocks": 1, "width": 4,
            "input_shape": (8, 8, 1), "classes": 10, "steps": 3,
            "warmup": 1},
}


def describe(m):
    h, w, c = m["input_shape"]
    return (f"zoo ResNet {m['blocks']} blocks x {m['width']} channels, "
            f"{h}x{w}x{c}, batch {m['batch']}")


def prepare(out, sizes="bench", sm="90", build_dir=None, log=print):
    """Writes OUT/resnet.mlir, OUT/resnet_<precision>.mpt and
    OUT/manifest.json; returns the manifest."""
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import mpt.models

    build_dir = build_dir or os.path.join(ROOT, "build")
    os.makedirs(out, exist_ok=True)
    m = MODELS[sizes]
    kw = {k: m[k] for k in ("batch", "blocks", "width", "input_shape",
                            "classes")}
    step = mpt.models.build(m["name"], **kw)
    src = os.path.join(out, "resnet.mlir")
    with open(src, "w") as f:
        f.write(step.to_mlir(functions=("train_step",)))
    manifest = {"format": "mpt-gpu-steps", "version": 1, "sizes": sizes,
                "sm": sm, "model": describe(m), "steps": m["steps"],
                "warmup": m["warmup"], "artifacts": {}}
    for p in PRECISIONS:
        art = os.path.join(out, f"resnet_{p}.mpt")
        t0 = time.time()
        r = subprocess.run([os.path.join(build_dir, "bin", "mpt-compile"),
                            src, "--target=cuda", f"--sm={sm}",
                            f"--precision={p}", "-o", art],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"mpt-compile {src} --precision={p} failed:\n"
                               f"{r.stdout}{r.stderr}")
        manifest["artifacts"][p] = os.path.basename(art)
        log(f"  resnet {p}: {r.stdout.splitlines()[0] if r.stdout else ''} "
            f"({time.time() - t0:.1f} s)")
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


def run(src, out_json=None, device="cuda", mpt_run=None, work=None,
        deadline=None, timeout=180, log=print):
    """Trains each precision's artifact; returns {"model", "rows"} with one
    row per precision (ms/step, peak bytes, losses)."""
    manifest = json.load(open(os.path.join(src, "manifest.json")))
    mpt_run = mpt_run or os.path.join(ROOT, "build", "bin", "mpt-run")
    work = work or os.path.join(src, "work")
    os.makedirs(work, exist_ok=True)
    steps, warmup = manifest["steps"], manifest["warmup"]
    rows = []
    for p in PRECISIONS:
        row = {"precision": p, "model": manifest["model"], "steps": steps,
               "warmup": warmup}
        rows.append(row)
        if deadline is not None and time.time() > deadline:
            row.update(status="SKIP", error="not run: the device check's "
                       "time budget was spent")
            continue
        report = os.path.join(work, f"resnet_{p}.report.json")
        cmd = [mpt_run, os.path.join(src, manifest["artifacts"][p]),
               f"--device={device}", "--data=synthetic", f"--steps={steps}",
               "--progress=none", f"--report={report}"]
        left = timeout if deadline is None else max(
            5.0, min(timeout, deadline - time.time() + 30))
        try:
            r = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=left)
        except subprocess.TimeoutExpired:
            row.update(status="FAIL", error=f"{steps} steps did not finish "
                       f"in {left:.0f} s")
            log(f"  FAIL resnet {p}: {row['error']}")
            continue
        if r.returncode != 0:
            row.update(status="FAIL",
                       error=(r.stderr or r.stdout).strip()[-2000:])
            log(f"  FAIL resnet {p}: {row['error']}")
            continue
        try:
            rep = json.load(open(report))
        except (OSError, ValueError) as e:
            row.update(status="FAIL", error=f"no report: {e}")
            continue
        ms = [s["ms"] for s in rep["steps"][warmup:]]
        losses = [s["loss"] for s in rep["steps"]]
        row["ms_per_step"] = statistics.median(ms)
        row["ms_min"] = min(ms)
        row["peak_bytes"] = rep["memory"]["device_peak_bytes"]
        row["arena_bytes"] = rep["memory"].get("train_scratch_peak_bytes")
        row["losses"] = losses
        row["skipped_steps"] = rep["summary"].get("skipped_steps")
        row["launches_per_step"] = (rep["device"].get("launches_per_call")
                                    or {}).get("train_step")
        finite = all(isinstance(v, (int, float)) and v == v and
                     abs(v) != float("inf") for v in losses)
        row["status"] = "PASS" if finite else "FAIL"
        if not finite:
            row["error"] = f"non-finite losses: {losses}"
        log(f"  {row['status']} resnet {p}: {row['ms_per_step']:.3f} ms/step,"
            f" peak {row['peak_bytes'] / 2**20:.1f} MiB, losses "
            f"{losses[0]:.4f} .. {losses[-1]:.4f}")
    result = {"model": manifest["model"], "rows": rows}
    if out_json:
        with open(out_json, "w") as f:
            json.dump(result, f, indent=1)
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("prepare")
    pp.add_argument("--out", required=True)
    pp.add_argument("--sizes", choices=tuple(MODELS), default="bench")
    pp.add_argument("--sm", default="90")
    pp.add_argument("--build-dir", default=os.environ.get(
        "MPT_BUILD_DIR", os.path.join(ROOT, "build")))
    pr = sub.add_parser("run")
    pr.add_argument("--from", dest="src", required=True)
    pr.add_argument("--out")
    pr.add_argument("--device", default="cuda")
    pr.add_argument("--mpt-run")
    pr.add_argument("--work")
    args = p.parse_args(argv)
    if args.cmd == "prepare":
        prepare(args.out, args.sizes, args.sm, args.build_dir)
        return 0
    res = run(args.src, args.out, args.device, args.mpt_run, args.work)
    return 1 if any(r["status"] == "FAIL" for r in res["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
