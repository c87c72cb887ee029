#!/usr/bin/env python3
"""The device check: what only a real GPU can show, prepared here, run there.

`scripts/device-check.sh` is the entry point (this script does the work):

  scripts/device-check.sh --prepare [--dir DIR] [--sm 90] [--dry-run]
      here, after `scripts/build.sh all`: everything the GPU machine needs
      in DIR (default build/device-check, under 64 MiB): the portable
      mpt-run (libmpt_runtime inside, no LLVM/MLIR, the C++ runtime linked
      in), the kernel benchmark's artifacts and its small cases' float64
      references, the whole-step artifacts with the CPU's states and losses
      to compare against, the ResNet at f32/f16/bf16, a manifest.

  scripts/device-check.sh [--dir DIR] [--out OUT] [--budget 480] [--dry-run]
      on the GPU machine (python3 with numpy and PyTorch, the NVIDIA driver,
      compute-sanitizer; no LLVM, no network), within the budget:
        1. every kernel family at odd small sizes against the carried
           float64 references;
        2. whole training steps (MLP, CNN, 2-block ResNet at f32/f16/bf16,
           3 steps) on the GPU against the CPU's carried states and losses,
           with the tolerances of test/Integration/EndToEnd/gpu-equals-cpu.py,
           and the overflowing f16 step's skips and scales bit for bit;
        3. one CNN step under compute-sanitizer memcheck and racecheck;
        4. the kernel benchmark (bench/gpu_kernels.py): each family at its
           benchmark size checked against a float64 reference and timed
           against cuBLAS/cuDNN through PyTorch;
        5. the ResNet step at f32/f16/bf16 (bench/gpu_steps.py): ms/step and
           peak device memory;
      then prints one table with ratios and targets, and writes OUT/table.md,
      OUT/results.json and OUT/log.txt (results.json and log.txt also after
      each phase, marked partial, in case the run is stopped from outside).
      Exit status 1 when a check failed, 3 when none failed but some did
      not run (the budget), else 0; a missed target is not a failure.

  scripts/device-check.sh --table RESULTS.json
      prints the table of a results file again.

`--dry-run` prepares tiny sizes and runs everything on `cuda-emu` (the PTX
emulator, no GPU): the lit test test/DeviceCheck/dry-run.test does that in
CI, so the script cannot rot. docs/gpu.md ("Running the device check")
says how to carry and run it and how to read the table.
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import gpu_kernels  # noqa: E402
import gpu_steps  # noqa: E402

DEFAULT_DIR = os.path.join(ROOT, "build", "device-check")
CARRY_LIMIT = 48 << 20  # of the 64 MiB that travel, with the source tree

# Whole steps on the GPU against the CPU: the tolerances of
# test/Integration/EndToEnd/gpu-equals-cpu.py (relative to each tensor's
# largest magnitude; a few f32 ulps of reduction order, which can move a
# rounding to f16/bf16 by one ulp of that type).
EQ_TOL = {"f32": 1e-5, "f16": 1e-3, "bf16": 1e-2}
EQ_MODELS = {"bench": {"mlp": {}, "cnn": {}, "resnet": {"blocks": 2}},
             "dry": {"cnn": {}}}
EQ_STEPS = (1, 2, 3)
OVERFLOW_STEPS = 30

# Libraries the portable mpt-run may need on the GPU machine.
ALLOWED_NEEDED = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
                  "librt.so.1", "libz.so.1", "ld-linux-x86-64.so.2"}


class Log:
    """Prints and keeps every line (OUT/log.txt)."""

    def __init__(self):
        self.lines = []

    def __call__(self, *parts):
        line = " ".join(str(p) for p in parts)
        print(line, flush=True)
        self.lines.append(line)


def sh(cmd, timeout=None, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed "
                           f"({p.returncode}):\n{p.stdout}{p.stderr}")
    return p


# ---------------------------------------------------------------------------
# prepare (here)
# ---------------------------------------------------------------------------


def glibc_needed(path):
    """The newest GLIBC_x.y symbol version a binary refers to."""
    data = open(path, "rb").read()
    vs = {tuple(map(int, m.group(1).split(b".")))
          for m in re.finditer(rb"GLIBC_(\d+\.\d+(?:\.\d+)?)\x00", data)}
    return ".".join(map(str, max(vs))) if vs else None


def portable_mpt_run(build_dir, dest, log):
    """Copies build/bin/mpt-run-portable to DEST/bin/mpt-run and checks that
    it needs nothing beyond glibc and zlib. Returns its glibc version."""
    src = os.path.join(build_dir, "bin", "mpt-run-portable")
    if not os.access(src, os.X_OK):
        raise RuntimeError(f"{src} not found: build it first "
                           "(bash scripts/build.sh mpt-run-portable)")
    os.makedirs(os.path.join(dest, "bin"), exist_ok=True)
    dst = os.path.join(dest, "bin", "mpt-run")
    shutil.copy2(src, dst)
    if shutil.which("readelf"):
        out = sh(["readelf", "-d", dst]).stdout
        needed = set(re.findall(r"Shared library: \[([^\]]+)\]", out))
        extra = needed - ALLOWED_NEEDED
        if extra:
            raise RuntimeError(f"{src} needs {', '.join(sorted(extra))}, "
                               "which a GPU machine may not have")
        log(f"  mpt-run: needs {', '.join(sorted(needed))}")
    glibc = glibc_needed(dst)
    log(f"  mpt-run: {os.path.getsize(dst) / 2**20:.1f} MiB, glibc >= "
        f"{glibc}")
    return glibc


def compile_step(build_dir, src, out, precision, target, sm=None,
                 **options):
    cmd = [os.path.join(build_dir, "bin", "mpt-compile"), src,
           f"--precision={precision}", f"--target={target}", "-o", out,
           "--quiet=true"]
    if sm:
        cmd.append(f"--sm={sm}")
    for k, v in options.items():
        cmd.append(f"--{k.replace('_', '-')}={v}")
    sh(cmd)
    return out


def train(mpt_run, art, steps, report, device, dump=None, timeout=None):
    cmd = [mpt_run, art, "--data=synthetic", f"--steps={steps}",
           f"--report={report}", "--progress=none", f"--device={device}"]
    if dump:
        cmd.append(f"--dump-state={dump}")
    sh(cmd, timeout=timeout)
    return json.load(open(report))


def prepare_steps_equal(out, mode, sm, build_dir, log):
    """The whole-step comparisons: cuda artifacts and the CPU's results
    (states after 1, 2, 3 steps; losses; the overflow run's skips and
    scales), computed here with the CPU artifacts of the same steps."""
    sys.path.insert(0, os.path.join(ROOT, "python"))
    import mpt.models

    mpt_run = os.path.join(build_dir, "bin", "mpt-run")
    os.makedirs(out, exist_ok=True)
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for model, kw in EQ_MODELS[mode].items():
            step = mpt.models.build(model, batch=8, **kw)
            src = os.path.join(out, f"{model}.mlir")
            with open(src, "w") as f:
                f.write(step.to_mlir())
            for p in ("f32", "f16", "bf16"):
                tag = f"{model}_{p}"
                t0 = time.time()
                compile_step(build_dir, src, os.path.join(out, tag + ".mpt"),
                             p, "cuda", sm)
                cpu = compile_step(build_dir, src,
                                   os.path.join(tmp, tag + "_cpu.mpt"), p,
                                   "cpu")
                for k in EQ_STEPS:
                    d = os.path.join(out, f"{tag}_cpu_{k}")
                    train(mpt_run, cpu, k, d + ".json", "cpu", d)
                cases.append({"model": model, "precision": p, "tag": tag})
                log(f"  {tag}: cuda artifact and the CPU's results "
                    f"({time.time() - t0:.1f} s)")
        src = os.path.join(out, "mlp.mlir")
        if not os.path.exists(src):
            with open(src, "w") as f:
                f.write(mpt.models.build("mlp", batch=8).to_mlir())
        opts = {"init_scale": 2.0 ** 40}
        compile_step(build_dir, src, os.path.join(out, "overflow.mpt"), "f16",
                     "cuda", sm, **opts)
        cpu = compile_step(build_dir, src, os.path.join(tmp, "overflow.mpt"),
                           "f16", "cpu", **opts)
        train(mpt_run, cpu, OVERFLOW_STEPS,
              os.path.join(out, "overflow_cpu.json"), "cpu")
        log("  overflow: f16 at an initial scale of 2^40, "
            f"{OVERFLOW_STEPS} CPU steps")
    manifest = {"cases": cases, "steps": list(EQ_STEPS),
                "overflow_steps": OVERFLOW_STEPS}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


def git_commit():
    try:
        head = sh(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"])
        dirty = sh(["git", "-C", ROOT, "status", "--porcelain",
                    "--untracked-files=no"]).stdout.strip()
        return head.stdout.strip() + ("+changes" if dirty else "")
    except (RuntimeError, OSError):
        return "unknown"


def dir_bytes(d):
    return sum(os.path.getsize(os.path.join(r, f))
               for r, _, fs in os.walk(d) for f in fs)


def prepare(args, log):
    mode = "dry" if args.dry_run else "bench"
    d = args.dir
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    t0 = time.time()
    log(f"preparing the device check in {d} ({mode} sizes, sm_{args.sm})")
    glibc = portable_mpt_run(args.build_dir, d, log)
    log("kernels (bench/gpu_kernels.py):")
    gpu_kernels.prepare(os.path.join(d, "kernels"), mode, args.sm,
                        args.build_dir, log)
    log("whole steps, GPU against CPU:")
    prepare_steps_equal(os.path.join(d, "steps-equal"), mode, args.sm,
                             args.build_dir, log)
    log("whole steps, f32 vs f16 vs bf16 (bench/gpu_steps.py):")
    gpu_steps.prepare(os.path.join(d, "steps"), mode, args.sm, args.build_dir,
                      log)
    size = dir_bytes(d)
    manifest = {"format": "mpt-device-check", "version": 1, "mode": mode,
                "sm": args.sm, "glibc": glibc, "commit": git_commit(),
                "prepared": datetime.datetime.now().isoformat(
                    timespec="seconds"),
                "prepared_on": platform.platform(), "bytes": size,
                "sanitizer_model": "cnn_f16"}
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    log(f"prepared {size / 2**20:.1f} MiB in {time.time() - t0:.0f} s")
    if size > CARRY_LIMIT:
        raise RuntimeError(f"{d} holds {size / 2**20:.1f} MiB, more than the "
                           f"{CARRY_LIMIT >> 20} MiB the GPU machine takes")
    rel = os.path.relpath(d, ROOT)
    where = rel if not rel.startswith("..") else d
    log(f"run it with: bash scripts/device-check.sh --dir {where} --out "
        "$OUT" + (" --dry-run" if args.dry_run else "")
        + (f"  (carry '{rel}')" if where == rel else ""))
    return 0


# ---------------------------------------------------------------------------
# run (on the GPU machine)
# ---------------------------------------------------------------------------


def environment(device, manifest, log):
    env = {"host": platform.platform(), "python": platform.python_version(),
           "glibc": " ".join(os.confstr("CS_GNU_LIBC_VERSION").split()[1:])
           if hasattr(os, "confstr") else "unknown",
           "device": device, "commit": manifest.get("commit"),
           "sm": manifest.get("sm"), "mode": manifest.get("mode"),
           "date": datetime.datetime.now().isoformat(timespec="seconds")}
    if shutil.which("nvidia-smi"):
        p = sh(["nvidia-smi", "--query-gpu=name,driver_version,memory.total,"
                "clocks.max.sm", "--format=csv,noheader"], timeout=30,
               check=False)
        fields = [f.strip() for f in
                  (p.stdout.splitlines() or [""])[0].split(",")]
        if p.returncode == 0 and len(fields) == 4:
            env.update(zip(("gpu", "driver", "gpu_memory", "sm_clock_max"),
                           fields))
    torch = gpu_kernels.load_torch(device)
    if torch is not None:
        env["torch"] = torch.__version__
        env["cuda_runtime"] = torch.version.cuda
        env["cudnn"] = torch.backends.cudnn.version()
        env.setdefault("gpu", torch.cuda.get_device_name())
    log("environment: " + ", ".join(f"{k} {v}" for k, v in env.items()))
    return env, torch


def check_glibc(have, need):
    def parse(v):
        return tuple(int(x) for x in re.findall(r"\d+", v or "")[:2])
    return not need or not have or parse(have) >= parse(need)


def relative(cpu, gpu):
    """max |cpu - gpu| / max |cpu| (non-finite tensors: 0 when bit-equal)."""
    import numpy as np
    c = cpu.astype(np.float64)
    g = gpu.astype(np.float64)
    if not (np.isfinite(c).all() and np.isfinite(g).all()):
        same = (cpu.dtype == gpu.dtype and cpu.shape == gpu.shape and
                cpu.tobytes() == gpu.tobytes())
        return 0.0 if same else float("inf")
    scale = max(float(np.abs(c).max(initial=0.0)),
                float(np.finfo(np.float32).tiny))
    return float(np.abs(c - g).max(initial=0.0) / scale)


def read_state(d):
    import numpy as np
    return {f[:-4]: np.load(os.path.join(d, f)) for f in os.listdir(d)
            if f.endswith(".npy")}


def run_steps_equal(src, work, mpt_run, device, deadline, log):
    """Rows: per model and precision, the largest difference of any state
    tensor or loss over the steps against its tolerance; the overflow run."""
    man = json.load(open(os.path.join(src, "manifest.json")))
    rows = []
    for case in man["cases"]:
        tag, p = case["tag"], case["precision"]
        row = {"name": f"{case['model']} {p}", "tag": tag, "precision": p,
               "tol": EQ_TOL[p], "steps": len(man["steps"])}
        rows.append(row)
        if time.time() > deadline:
            row.update(status="SKIP", error="not run: the device check's "
                       "time budget was spent")
            continue
        problems, worst = [], 0.0
        try:
            for k in man["steps"]:
                d = os.path.join(work, f"{tag}_gpu_{k}")
                rep = train(mpt_run, os.path.join(src, tag + ".mpt"), k,
                            d + ".json", device, d, timeout=120)
                cs = read_state(os.path.join(src, f"{tag}_cpu_{k}"))
                gs = read_state(d)
                if set(cs) != set(gs):
                    problems.append(f"step {k}: state names differ: "
                                    f"{sorted(set(cs) ^ set(gs))}")
                for name in sorted(set(cs) & set(gs)):
                    if (cs[name].dtype, cs[name].shape) != \
                            (gs[name].dtype, gs[name].shape):
                        problems.append(f"step {k}: {name} has another type")
                        continue
                    err = relative(cs[name], gs[name])
                    worst = max(worst, err)
                    if err > EQ_TOL[p]:
                        problems.append(f"step {k}: {name} differs by "
                                        f"{err:.3g} > {EQ_TOL[p]}")
            crep = json.load(open(os.path.join(src, f"{tag}_cpu_"
                                               f"{man['steps'][-1]}.json")))
            for cst, gst in zip(crep["steps"], rep["steps"]):
                err = abs(cst["loss"] - gst["loss"]) / abs(cst["loss"])
                worst = max(worst, err)
                if err > EQ_TOL[p]:
                    problems.append(f"step {cst['step']}: loss {gst['loss']}"
                                    f" on the GPU, {cst['loss']} on the CPU")
                if cst.get("skipped") != gst.get("skipped"):
                    problems.append(f"step {cst['step']}: skip decision "
                                    "differs")
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            problems.append(str(e).strip()[-1500:])
        row["max_err"] = worst
        row["status"] = "FAIL" if problems else "PASS"
        if problems:
            row["error"] = "; ".join(problems[:5])
        log(f"  {row['status']} {tag}: max difference {worst:.3g} "
            f"(tolerance {EQ_TOL[p]})" + (f": {row['error']}" if problems
                                         else ""))
    row = {"name": "overflow f16 (scale 2^40)", "tag": "overflow",
           "steps": man["overflow_steps"]}
    rows.append(row)
    if time.time() > deadline:
        row.update(status="SKIP", error="not run: the device check's time "
                   "budget was spent")
        return rows
    try:
        cpu = json.load(open(os.path.join(src, "overflow_cpu.json")))["steps"]
        gpu = train(mpt_run, os.path.join(src, "overflow.mpt"),
                    man["overflow_steps"], os.path.join(work, "overflow.json"),
                    device, timeout=120)["steps"]
        problems = []
        skips = [s["skipped"] for s in cpu]
        if not (skips[:10] == [True] * 10 and not all(skips)):
            problems.append(f"the CPU run does not skip its first steps and "
                            f"then train: {skips}")
        if skips != [s["skipped"] for s in gpu]:
            problems.append("GPU and CPU skip different steps")
        if [s["scale"] for s in cpu] != [s["scale"] for s in gpu]:
            problems.append("GPU and CPU walk through different loss scales")
        if not all(isinstance(s["loss"], float) and abs(s["loss"]) < 1e30
                   for s in gpu):
            problems.append("the GPU's losses are not all finite")
        row["skipped_steps"] = sum(s["skipped"] for s in gpu)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        problems = [str(e).strip()[-1500:]]
    row["status"] = "FAIL" if problems else "PASS"
    if problems:
        row["error"] = "; ".join(problems)
    log(f"  {row['status']} overflow: skips and scales"
        + (f": {row['error']}" if problems else " equal the CPU's"))
    return rows


SANITIZER_SUMMARY = {
    "memcheck": re.compile(r"ERROR SUMMARY: (\d+) errors?"),
    "racecheck": re.compile(r"RACECHECK SUMMARY: \d+ hazards? displayed "
                            r"\((\d+) errors?, (\d+) warnings?\)|"
                            r"ERROR SUMMARY: (\d+) errors?"),
}


def parse_sanitizer(tool, output):
    """(errors, warnings) from compute-sanitizer's summary, or None."""
    m = None
    for m in SANITIZER_SUMMARY[tool].finditer(output):
        pass
    if m is None:
        return None
    nums = [int(g) for g in m.groups() if g is not None]
    return nums[0], (nums[1] if len(nums) > 1 else 0)


def run_sanitizer(sanitizer, art, work, mpt_run, device, deadline, log):
    rows = []
    for tool, limit in (("memcheck", 150), ("racecheck", 240)):
        # Named by the program that ran (the dry run's test uses a stand-in).
        who = os.path.basename(sanitizer) if sanitizer else "compute-sanitizer"
        row = {"name": f"{who} {tool}", "tool": tool,
               "artifact": os.path.basename(art)}
        rows.append(row)
        if sanitizer is None:
            row.update(status="SKIP", error="compute-sanitizer not given "
                       "(the dry run has no GPU)" if device == "cuda-emu"
                       else "compute-sanitizer not found on this machine")
            if device != "cuda-emu":
                row["status"] = "FAIL"
            log(f"  {row['status']} {tool}: {row['error']}")
            continue
        if time.time() > deadline:
            row.update(status="SKIP", error="not run: the device check's "
                       "time budget was spent")
            continue
        cmd = [sanitizer, "--tool", tool, "--error-exitcode", "86",
               mpt_run, art, f"--device={device}",
               "--data=synthetic", "--steps=1", "--progress=none",
               f"--report={os.path.join(work, tool + '.report.json')}"]
        left = max(10.0, min(limit, deadline - time.time() + 30))
        t0 = time.time()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=left)
            output = p.stdout + p.stderr
            summary = parse_sanitizer(tool, output)
            row["wall_s"] = round(time.time() - t0, 1)
            row["exit"] = p.returncode
            if summary is None:
                row.update(status="FAIL", error="no summary from "
                           f"compute-sanitizer (exit {p.returncode}): "
                           + output.strip()[-1500:])
            else:
                row["errors"], row["warnings"] = summary
                ok = p.returncode == 0 and summary[0] == 0
                row["status"] = "PASS" if ok else "FAIL"
                if not ok:
                    row["error"] = output.strip()[-3000:]
        except subprocess.TimeoutExpired:
            row.update(status="FAIL", error=f"did not finish in {left:.0f} s")
        log(f"  {row['status']} {tool}: " +
            (f"{row['errors']} errors, {row['warnings']} warnings"
             if "errors" in row else "") +
            (f" ({row['error'][:300]})" if row.get("error") else ""))
    return rows


def run(args, log):
    t0 = time.time()
    deadline = t0 + args.budget
    d = args.dir
    mpath = os.path.join(d, "manifest.json")
    if not os.path.exists(mpath):
        raise RuntimeError(f"{d} is not a prepared device check (no "
                           "manifest.json): run scripts/device-check.sh "
                           "--prepare first, and carry its folder")
    manifest = json.load(open(mpath))
    dry = manifest["mode"] == "dry"
    if dry != args.dry_run:
        raise RuntimeError(f"{d} was prepared with{'' if dry else 'out'} "
                           f"--dry-run; run it the same way")
    device = args.device or ("cuda-emu" if dry else "cuda")
    mpt_run = os.path.join(d, "bin", "mpt-run")
    if not os.access(mpt_run, os.X_OK) and os.path.exists(mpt_run):
        os.chmod(mpt_run, 0o755)
    work = args.work or tempfile.mkdtemp(prefix="mpt-device-check-")
    os.makedirs(work, exist_ok=True)
    results = {"format": "mpt-device-check-results", "version": 1,
               "budget_s": args.budget}
    env, torch = environment(device, manifest, log)
    results["environment"] = env
    if not check_glibc(env.get("glibc"), manifest.get("glibc")):
        raise RuntimeError(f"the carried mpt-run needs glibc "
                           f"{manifest['glibc']}, this machine has "
                           f"{env.get('glibc')}: prepare on an older Linux")
    p = sh([mpt_run, "--help"], check=False)
    if p.returncode != 0:
        raise RuntimeError(f"the carried mpt-run does not start here "
                           f"(exit {p.returncode}): {p.stderr.strip()}")

    os.makedirs(args.out, exist_ok=True)

    def save_partial():
        """What ran so far, in OUT: a run killed from outside (the GPU
        machine's own time limit) still leaves its results."""
        results["elapsed_s"] = round(time.time() - t0, 1)
        with open(os.path.join(args.out, "results.json"), "w") as f:
            json.dump(dict(results, partial=True), f, indent=1)
        with open(os.path.join(args.out, "log.txt"), "w") as f:
            f.write("\n".join(log.lines) + "\n")

    def phase(name, share):
        """The deadline of a phase: its share of the budget, from t0."""
        save_partial()
        log(f"{name} (at {time.time() - t0:.0f} s of {args.budget:.0f})")
        return t0 + share * args.budget

    def guarded(name, fn, default):
        """Runs a phase; a phase that breaks is a failed row, and the
        phases after it still run."""
        try:
            return fn()
        except Exception as e:  # report it, keep going
            log(f"  FAIL {name}: {type(e).__name__}: {e}")
            results.setdefault("crashed", []).append(
                {"name": name, "status": "FAIL",
                 "error": f"{type(e).__name__}: {e}"[:2000]})
            return default

    kdir = os.path.join(d, "kernels")
    kwork = os.path.join(work, "kernels")
    want = set(args.phases)
    results["phases"] = sorted(want)
    rows = []
    if 1 in want:
        deadline_k = phase("1. kernels at odd sizes against carried float64 "
                           "references", 0.15)
        rows = guarded("odd-size kernels", lambda: gpu_kernels.run(
            kdir, None, device, mpt_run, kwork, deadline=deadline_k,
            groups={"check"}, log=log, torch=torch), [])
        results["kernels"] = rows
    if 2 in want:
        deadline_e = phase("2. whole steps on the GPU against the CPU", 0.40)
        eq_work = os.path.join(work, "steps-equal")
        os.makedirs(eq_work, exist_ok=True)
        results["steps_equal"] = guarded(
            "whole steps GPU = CPU", lambda: run_steps_equal(
                os.path.join(d, "steps-equal"), eq_work, mpt_run, device,
                deadline_e, log), [])
    if 3 in want:
        phase("3. one CNN step under compute-sanitizer", 0.55)
        sanitizer = (args.compute_sanitizer or
                     shutil.which("compute-sanitizer"))
        if sanitizer is None and not dry:
            found = [c for c in sorted(glob.glob(
                "/usr/local/cuda*/bin/compute-sanitizer"))
                if os.access(c, os.X_OK)]
            sanitizer = found[0] if found else None
        art = os.path.join(d, "steps-equal",
                           manifest["sanitizer_model"] + ".mpt")
        results["sanitizer"] = guarded(
            "compute-sanitizer", lambda: run_sanitizer(
                sanitizer, art, work, mpt_run, device,
                t0 + 0.55 * args.budget, log), [])
    if 4 in want:
        deadline_b = phase("4. kernel benchmark against cuBLAS/cuDNN", 0.82)
        rows += guarded("kernel benchmark", lambda: gpu_kernels.run(
            kdir, None, device, mpt_run, kwork, warmup=args.warmup,
            repeat=args.repeat, deadline=deadline_b, groups={"bench"},
            log=log, torch=torch), [])
        results["kernels"] = rows
    if 5 in want:
        deadline_s = phase("5. ResNet steps f32 vs f16 vs bf16", 0.97)
        results["steps"] = guarded("ResNet steps", lambda: gpu_steps.run(
            os.path.join(d, "steps"), None, device, mpt_run,
            os.path.join(work, "steps"), deadline=deadline_s, log=log), {})
    results["elapsed_s"] = round(time.time() - t0, 1)
    table, summary = render(results)
    log("")
    log(table)
    log(summary["line"])
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(table + "\n\n" + summary["line"] + "\n")
    with open(os.path.join(args.out, "log.txt"), "w") as f:
        f.write("\n".join(log.lines) + "\n")
    if not args.work and not args.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    return exit_status(summary)


# ---------------------------------------------------------------------------
# The table (from the raw results; test/DeviceCheck/table.test)
# ---------------------------------------------------------------------------


def fmt_ms(ms):
    return f"{ms:.3f} ms" if ms >= 0.1 else f"{ms * 1000:.1f} us"


def tflops(flops, ms):
    return f"{flops / (ms * 1e-3) / 1e12:.1f} TFLOP/s"


def mib(b):
    return f"{b / 2**20:.1f} MiB" if b >= 2**20 else f"{b / 1024:.1f} KiB"


def verdict(value, target, at_least=True, measured=True):
    """('>= 0.65: met' or 'MISSED', met) for a ratio against its target;
    ('... : n/a (emulator)', None) where the timings are not a GPU's."""
    op = ">=" if at_least else "<="
    if not measured:
        return f"{op} {target:g}: n/a (emulator)", None
    met = value >= target if at_least else value <= target
    return f"{op} {target:g}: {'met' if met else 'MISSED'}", met


def kernel_note(kernels):
    """Which kernels did the contraction: the tensor-core ones (with a
    tile) by family and tile, else the SIMT families (elementwise left
    out)."""
    if not kernels:
        return ""
    mma = sorted({f"{k['family']} {k['tile']}" for k in kernels
                  if k.get("tile")})
    if mma:
        return "tensor cores: " + ", ".join(mma)
    simt = sorted({k["family"] for k in kernels
                   if k.get("family") != "elementwise"})
    return "SIMT: " + (", ".join(simt) or "elementwise")


def render(results):
    """One Markdown table of every check, and a summary: {"line",
    "failed", "targets_met", "targets"}."""
    env = results.get("environment", {})
    # Timings mean something on a GPU only (the emulator's are host time).
    measured = env.get("device", "cuda") != "cuda-emu"
    rows = []  # (check, size, mpt, baseline, ratio, target, result)
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    targets = []  # (name, met: True, False or None when not measured)

    def status(r, detail=""):
        s = r.get("status", "FAIL")
        counts[s] = counts.get(s, 0) + 1
        if s == "PASS":
            return "PASS" + (f" ({detail})" if detail else "")
        err = (r.get("error") or "").replace("\n", " ").replace("|", "/")
        return f"{s}: {err[:160]}" if err else s

    kernels = results.get("kernels", [])
    checks = [r for r in kernels if r.get("group") == "check"]
    if checks:
        bad = [r for r in checks if r.get("status") != "PASS"]
        worst = max((r.get("max_err", 0.0) for r in checks
                     if r.get("status") == "PASS"), default=0.0)
        for r in checks:
            counts[r.get("status", "FAIL")] = \
                counts.get(r.get("status", "FAIL"), 0) + 1
        res = (f"PASS (max err {worst:.1e} of scale)" if not bad else
               f"FAIL: {len(bad)} of {len(checks)}: " +
               ", ".join(r["name"] for r in bad[:6]))
        rows.append(("kernels at odd sizes (bf16, f16)",
                     f"{len(checks)} cases", "-",
                     "float64 numpy (carried)", "-", "-", res))
    bench = [r for r in kernels if r.get("group") == "bench"]
    last_conv = max((i for i, r in enumerate(bench)
                     if r.get("kind") == "conv_fprop"), default=None)
    conv_sum = {"mpt": 0.0, "base": 0.0, "n": 0, "all": 0, "target": None}
    for i, r in enumerate(bench):
        mpt = (f"{fmt_ms(r['mpt_ms'])}, {tflops(r['flops'], r['mpt_ms'])}"
               if "mpt_ms" in r else "-")
        if kernel_note(r.get("kernels")):
            mpt += f"; {kernel_note(r['kernels'])}"
        if "baseline_ms" in r:
            base = (f"{fmt_ms(r['baseline_ms'])}, "
                    f"{tflops(r['flops'], r['baseline_ms'])}")
        else:
            base = r.get("baseline", "-")
        ratio, target, met = "-", "-", None
        timed = "mpt_ms" in r and "baseline_ms" in r and r["mpt_ms"] > 0
        if timed:
            q = r["baseline_ms"] / r["mpt_ms"]
            ratio = f"{q:.2f}"
            if r.get("target") is not None:
                target, met = verdict(q, r["target"], measured=measured)
        if r.get("kind") == "conv_fprop" and r.get("target") is not None:
            conv_sum["all"] += 1
            conv_sum["target"] = r["target"]
            if timed:
                conv_sum["mpt"] += r["mpt_ms"]
                conv_sum["base"] += r["baseline_ms"]
                conv_sum["n"] += 1
        elif r.get("target") is not None:
            targets.append((r["name"], met))
        detail = (f"err {r['max_err']:.1e}" if "max_err" in r else "")
        rows.append((r["name"], r.get("shape", ""), mpt, base, ratio, target,
                     status(r, detail)))
        if i != last_conv or not conv_sum["all"]:
            continue
        name = "fused conv-bias-ReLU, all layers"
        if conv_sum["n"] == conv_sum["all"]:
            q = conv_sum["base"] / conv_sum["mpt"]
            target, met = verdict(q, conv_sum["target"], measured=measured)
            targets.append((name, met))
            rows.append((name, f"{conv_sum['n']} layers",
                         f"{fmt_ms(conv_sum['mpt'])} in all",
                         f"{fmt_ms(conv_sum['base'])} in all (cuDNN)",
                         f"{q:.2f}", target, "-"))
        else:
            targets.append((name, None))
            rows.append((name, f"{conv_sum['n']} of {conv_sum['all']} "
                         "layers timed against cuDNN", "-", "-", "-",
                         f">= {conv_sum['target']:g}: not measured", "-"))

    for r in results.get("steps_equal", []):
        if r.get("tag") == "overflow":
            rows.append((f"GPU = CPU: {r['name']}", f"{r['steps']} steps",
                         f"{r.get('skipped_steps', '-')} skipped",
                         "CPU skips and scales (carried)", "-", "-",
                         status(r, "bit for bit")))
            continue
        mpt = (f"max diff {r['max_err']:.1e}" if "max_err" in r else "-")
        rows.append((f"GPU = CPU: {r['name']}", f"{r['steps']} steps", mpt,
                     f"CPU state and losses (carried), tol {r['tol']:g}",
                     "-", "-", status(r)))

    for r in results.get("sanitizer", []):
        mpt = (f"{r['errors']} errors, {r['warnings']} warnings"
               if "errors" in r else "-")
        rows.append((r["name"], f"1 step of {r.get('artifact', '?')}", mpt,
                     "-", "-", "-", status(r)))

    steps = results.get("steps", {})
    srows = {r["precision"]: r for r in steps.get("rows", [])}
    f32 = srows.get("f32")
    for p in ("f32", "f16", "bf16"):
        r = srows.get(p)
        if r is None:
            continue
        have = "ms_per_step" in r
        if p == "f32" or not have or not f32 or "ms_per_step" not in f32:
            mpt = (f"{r['ms_per_step']:.3f} ms/step, peak "
                   f"{mib(r['peak_bytes'])}" if have else "-")
            rows.append((f"ResNet step {p}", steps.get("model", ""), mpt,
                         "-", "-", "-", status(r)))
            if p != "f32":
                targets.append((f"ResNet step {p} speed-up", None))
                targets.append((f"ResNet step {p} memory", None))
            continue
        q = f32["ms_per_step"] / r["ms_per_step"]
        t, met = verdict(q, gpu_steps.SPEEDUP_TARGET, measured=measured)
        targets.append((f"ResNet step {p} speed-up", met))
        rows.append((f"ResNet step {p}: speed vs f32", "",
                     f"{r['ms_per_step']:.3f} ms/step",
                     f"{f32['ms_per_step']:.3f} ms/step (f32)", f"{q:.2f}x",
                     t.replace(f"{gpu_steps.SPEEDUP_TARGET:g}:",
                               f"{gpu_steps.SPEEDUP_TARGET:g}x:"),
                     status(r)))
        q = r["peak_bytes"] / f32["peak_bytes"]
        t, met = verdict(q, gpu_steps.MEMORY_TARGET, at_least=False,
                         measured=True)
        targets.append((f"ResNet step {p} memory", met))
        rows.append((f"ResNet step {p}: peak memory vs f32", "",
                     mib(r["peak_bytes"]), f"{mib(f32['peak_bytes'])} (f32)",
                     f"{q:.2f}", t, "-"))

    for r in results.get("crashed", []):
        rows.append((f"{r['name']} (the phase broke)", "-", "-", "-", "-",
                     "-", status(r)))

    head = ("| check | size | mpt | baseline / reference | ratio | target "
            "| result |")
    lines = []
    gpu = env.get("gpu", env.get("device", "?"))
    lines.append(f"mpt device check {env.get('date', '')}: {gpu}"
                 + (f", driver {env['driver']}" if env.get("driver") else "")
                 + (f", PyTorch {env['torch']} (CUDA {env.get('cuda_runtime')},"
                    f" cuDNN {env.get('cudnn')})" if env.get("torch") else "")
                 + f", mpt {env.get('commit', '?')} for sm_{env.get('sm', '?')}"
                 + f", {env.get('mode', '?')} sizes, "
                 + (f"parts {','.join(map(str, results['phases']))}, "
                    if results.get("phases", [1, 2, 3, 4, 5]) !=
                    [1, 2, 3, 4, 5] else "")
                 + f"{results.get('elapsed_s', '?')} s of "
                 f"{results.get('budget_s', '?')}")
    lines.append("ratio = baseline time / mpt time (1.00: as fast as "
                 "cuBLAS/cuDNN); steps: f32 time / time, peak / f32 peak")
    lines.append("")
    lines.append(head)
    lines.append("|---|---|---|---|---|---|---|")
    for row in rows:
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    met = [n for n, m in targets if m]
    missed = [n for n, m in targets if m is False]
    unmeasured = [n for n, m in targets if m is None]
    line = (f"checks: {counts.get('PASS', 0)} passed, "
            f"{counts.get('FAIL', 0)} failed, {counts.get('SKIP', 0)} not "
            f"run; targets: {len(met)} met, {len(missed)} missed"
            + (f" ({', '.join(missed)})" if missed else "")
            + f", {len(unmeasured)} not measured"
            + (f" ({', '.join(unmeasured)})" if unmeasured else ""))
    return "\n".join(lines), {"line": line, "failed": counts.get("FAIL", 0),
                              "not_run": counts.get("SKIP", 0),
                              "targets_met": len(met),
                              "targets": len(targets)}


def exit_status(summary):
    """1 when a check failed, 3 when none failed but some did not run (the
    time budget), 0 when everything ran and passed. Targets missed are
    measurements, reported in the table, not failures."""
    if summary["failed"]:
        return 1
    return 3 if summary["not_run"] else 0


# ---------------------------------------------------------------------------


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="scripts/device-check.sh",
        description="Prepare (here) and run (on a GPU machine) mpt's device "
        "check.")
    p.add_argument("--prepare", action="store_true",
                   help="build the carried folder (here, after building)")
    p.add_argument("--table", metavar="RESULTS.json",
                   help="print the table of a results file")
    p.add_argument("--dir", default=DEFAULT_DIR,
                   help="the prepared folder (default build/device-check)")
    p.add_argument("--dry-run", action="store_true",
                   help="tiny sizes on cuda-emu: the CI check of this script")
    p.add_argument("--sm", default="90", choices=("80", "90"),
                   help="--prepare: the GPU generation (90: H100/H200)")
    p.add_argument("--build-dir", default=os.environ.get(
        "MPT_BUILD_DIR", os.path.join(ROOT, "build")),
        help="--prepare: where mpt-compile and mpt-run-portable are")
    p.add_argument("--out", default=os.environ.get("OUT") or
                   os.path.join(ROOT, "out", "device-check"),
                   help="where table.md, results.json and log.txt go "
                   "(default $OUT, else out/device-check)")
    p.add_argument("--device", help="default cuda (cuda-emu with --dry-run)")
    p.add_argument("--budget", type=float, default=480.0,
                   help="seconds for the whole run (default 480)")
    p.add_argument("--warmup", type=int, default=3,
                   help="untimed calls before each timing (default 3)")
    p.add_argument("--repeat", type=int, default=10,
                   help="timed calls per kernel, mpt's and the baseline's "
                   "(default 10; the median counts)")
    p.add_argument("--phases", default="1,2,3,4,5",
                   type=lambda v: [int(x) for x in v.split(",") if x],
                   help="which parts to run (default all: 1 odd-size "
                   "kernels, 2 steps GPU = CPU, 3 compute-sanitizer, 4 the "
                   "kernel benchmark, 5 the ResNet steps)")
    p.add_argument("--work", help="scratch folder (default a temporary one, "
                   "removed after)")
    p.add_argument("--keep-work", action="store_true")
    p.add_argument("--compute-sanitizer", metavar="PATH",
                   help="default: compute-sanitizer on PATH or in "
                   "/usr/local/cuda/bin")
    args = p.parse_args(argv)
    if not args.phases or not set(args.phases) <= {1, 2, 3, 4, 5}:
        p.error("--phases takes numbers from 1 to 5, e.g. --phases 1,2,4")
    log = Log()
    try:
        if args.table:
            table, summary = render(json.load(open(args.table)))
            print(table)
            print(summary["line"])
            return exit_status(summary)
        if args.prepare:
            return prepare(args, log)
        return run(args, log)
    except RuntimeError as e:
        print(f"device-check: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
