#!/usr/bin/env python3
"""Benchmark of the PTX emulator (docs/emulator.md).

Reports, for kernels built by the test suite (test/PTXEmu):
  - the 256x256x256 mma.sync GEMM (f16 in, f32 out; ldmatrix, cp.async
    double buffering, 8 warps per CTA): launch time and throughput, with the
    result checked against numpy;
  - larger GEMMs and a bf16 GEMM, to show how the time scales;
  - scalar-heavy kernels (f32 math, reductions with shuffles and atomics):
    emulated instructions per second.

Usage:
  bench/ptx-emu/bench.py --build BUILD_DIR [--repeat N] [--json OUT]

The PTX comes from BUILD_DIR/test/PTXEmu/ptx (built by `ninja
mpt-test-inputs`, which needs the CUDA toolkit's nvcc).
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

import numpy as np

STATS = re.compile(r"(\d+) thread instructions, (\d+) warp instructions "
                   r"\((\d+) mma\.sync\), ([0-9.]+) s")


def run(emu, ptx, kernel, grid, block, args, repeat):
    cmd = [emu, ptx, "--kernel", kernel, "--grid", ",".join(map(str, grid)),
           "--block", ",".join(map(str, block)), "--repeat", str(repeat)]
    for a in args:
        cmd += ["--arg", a]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit("mpt-ptx-emu failed:\n" + p.stderr)
    m = STATS.search(p.stdout)
    return {"thread_insts": int(m.group(1)), "warp_insts": int(m.group(2)),
            "mma": int(m.group(3)), "seconds": float(m.group(4)),
            "process_wall_s": wall}


def best_of(emu, ptx, kernel, grid, block, args, repeat, trials=3):
    runs = [run(emu, ptx, kernel, grid, block, args, repeat)
            for _ in range(trials)]
    r = min(runs, key=lambda x: x["seconds"])
    r["median_seconds"] = statistics.median(x["seconds"] for x in runs)
    return r


def gemm(emu, ptx_dir, tmp, kernel, M, N, K, repeat, check):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((M, K)).astype(np.float16)
    B = rng.standard_normal((K, N)).astype(np.float16)
    if kernel == "gemm_bf16":
        # bf16 bit patterns of the same values (round to nearest even)
        def bf16(x):
            u = x.astype(np.float32).view(np.uint32).astype(np.uint64)
            return ((u + 0x7fff + ((u >> 16) & 1)) >> 16).astype(np.uint16)
        Ab, Bb = bf16(A), bf16(B)
        Ae = (Ab.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
        Be = (Bb.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    else:
        Ab, Bb = A.view(np.uint16), B.view(np.uint16)
        Ae, Be = A.astype(np.float64), B.astype(np.float64)
    pa, pb, pc = (os.path.join(tmp, n) for n in ("A.npy", "B.npy", "C.npy"))
    np.save(pa, Ab)
    np.save(pb, Bb)
    r = best_of(emu, os.path.join(ptx_dir, "mma.ptx"), kernel,
                (N // 128, M // 128, 1), (256, 1, 1),
                ["in:" + pa, "in:" + pb, "out:%s:f32:%d,%d" % (pc, M, N),
                 "i32:%d" % M, "i32:%d" % N, "i32:%d" % K], repeat)
    if check:
        C = np.load(pc)
        ref = Ae @ Be
        err = np.abs(C - ref).max() / np.abs(ref).max()
        r["max_rel_error"] = float(err)
        if err > 1e-5:
            sys.exit("%s %dx%dx%d: wrong result (max rel error %g)" %
                     (kernel, M, N, K, err))
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", required=True, help="CMake build directory")
    ap.add_argument("--repeat", type=int, default=5,
                    help="launches per measurement (default 5)")
    ap.add_argument("--json", help="also write the results as JSON")
    a = ap.parse_args()
    emu = os.path.join(a.build, "bin", "mpt-ptx-emu")
    ptx_dir = os.path.join(a.build, "test", "PTXEmu", "ptx")
    for f in (emu, os.path.join(ptx_dir, "mma.ptx")):
        if not os.path.exists(f):
            sys.exit("missing %s: build `mpt-ptx-emu mpt-test-inputs` (the "
                     "CUDA test kernels need nvcc)" % f)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        print("%-34s %10s %12s %12s %9s %12s" %
              ("kernel", "time [ms]", "warp insts", "thread insts", "mma",
               "M thr-inst/s"))

        def show(name, r):
            results[name] = r
            print("%-34s %10.2f %12d %12d %9d %12.1f" %
                  (name, 1e3 * r["seconds"], r["warp_insts"],
                   r["thread_insts"], r["mma"],
                   r["thread_insts"] / r["seconds"] / 1e6))

        show("gemm_f16 256x256x256 (f32 out)",
             gemm(emu, ptx_dir, tmp, "gemm_f16", 256, 256, 256, a.repeat,
                  True))
        show("gemm_bf16 256x256x256",
             gemm(emu, ptx_dir, tmp, "gemm_bf16", 256, 256, 256, a.repeat,
                  True))
        show("gemm_f16 512x512x512",
             gemm(emu, ptx_dir, tmp, "gemm_f16", 512, 512, 512,
                  max(1, a.repeat // 2), True))

        n = 1 << 20
        x = os.path.join(tmp, "x.npy")
        y = os.path.join(tmp, "y.npy")
        rng = np.random.default_rng(1)
        np.save(x, rng.standard_normal(n).astype(np.float32))
        np.save(y, (rng.standard_normal(n) + 3).astype(np.float32))
        show("math_f32 (1M elements)",
             best_of(emu, os.path.join(ptx_dir, "elementwise.ptx"),
                     "math_f32", (n // 256, 1, 1), (256, 1, 1),
                     ["in:" + x, "in:" + y,
                      "out:%s:f32:13,%d" % (os.path.join(tmp, "o.npy"), n),
                      "i32:%d" % n], 1))
        z = os.path.join(tmp, "z.npy")
        np.save(z, np.zeros(1, np.float32))
        show("block_reduce_f32 (1M elements)",
             best_of(emu, os.path.join(ptx_dir, "reduce.ptx"),
                     "block_reduce_f32", (64, 1, 1), (256, 1, 1),
                     ["in:" + x, "inout:" + z, "i32:%d" % n], 1))
    g = results["gemm_f16 256x256x256 (f32 out)"]
    print()
    print("256x256x256 mma.sync GEMM: %.2f ms per launch (%.1f M thread "
          "instructions/s, %.2f M warp instructions/s, %.0f k mma.sync/s); "
          "max relative error vs FP64 %.1e" %
          (1e3 * g["seconds"], g["thread_insts"] / g["seconds"] / 1e6,
           g["warp_insts"] / g["seconds"] / 1e6, g["mma"] / g["seconds"] / 1e3,
           g["max_rel_error"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
