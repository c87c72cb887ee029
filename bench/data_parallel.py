#!/usr/bin/env python3
"""Data-parallel benchmark: steps/s and all-reduce time for 1, 2 and 4 ranks.

Compiles the frontend's MLP (and, with --models, the CNN) for a fixed local
batch with --data-parallel, then trains each on the digits with
`mpirun -np N mpt-run` for N = 1, 2, 4 (Open MPI, loopback, oversubscribed:
on a machine with fewer cores than ranks, the ranks share cores, so the
figures show the overheads of the transport, not a speed-up). Reports per
model, precision and rank count, from rank 0's mpt-run report:

- steps/s: steps divided by the training phase's wall time (`timing.train_s`,
  which includes binding the batches and the all-reduce);
- the median step time (`steps[].ms`, the compiled step call, all-reduce
  included since the step calls it);
- the all-reduce time per step on rank 0 (`data_parallel.all_reduce_s` /
  steps) and the bytes it reduced per step;
- samples/s of the global batch (N times the local batch).

Usage: python3 bench/data_parallel.py [--build-dir build] [--steps 300]
           [--models mlp,cnn] [--precisions f32,f16] [--batch 32] [--markdown]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def mpirun(n):
    return [shutil.which("mpirun") or "mpirun", "-np", str(n),
            "--oversubscribe", "--bind-to", "none", "--mca", "btl",
            "self,vader,tcp", "--mca", "btl_tcp_if_include", "lo",
            "--mca", "btl_vader_single_copy_mechanism", "none"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--models", default="mlp")
    ap.add_argument("--precisions", default="f32,f16")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--ranks", default="1,2,4")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    tools = os.path.join(a.build_dir, "bin")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_oob_tcp_if_include="lo",
               PYTHONPATH=os.path.join(ROOT, "python"))
    cores = os.cpu_count()
    rows = []
    with tempfile.TemporaryDirectory(prefix="mpt-dp-bench-") as t:
        for m in a.models.split(","):
            src = f"{t}/{m}.mlir"
            subprocess.run([sys.executable, "-m", "mpt.models", m, "--batch",
                            str(a.batch), "-o", src], check=True, env=env,
                           capture_output=True)
            for p in a.precisions.split(","):
                art = f"{t}/{m}-{p}.mpt"
                subprocess.run([f"{tools}/mpt-compile", src,
                                f"--precision={p}", "--data-parallel",
                                "-o", art], check=True, capture_output=True)
                for n in [int(x) for x in a.ranks.split(",")]:
                    rep = f"{t}/{m}-{p}-{n}.json"
                    subprocess.run(mpirun(n) + [
                        f"{tools}/mpt-run", art, "--data=digits",
                        f"--steps={a.steps}", "--progress=none",
                        f"--report={rep}"], check=True, env=env,
                        capture_output=True)
                    with open(rep) as f:
                        r = json.load(f)
                    dp = r["data_parallel"]
                    ms = [s["ms"] for s in r["steps"]]
                    train_s = r["timing"]["train_s"]
                    rows.append(dict(
                        model=m, precision=p, ranks=n,
                        oversubscribed=n > cores,
                        steps_per_s=a.steps / train_s,
                        samples_per_s=a.steps * a.batch * n / train_s,
                        step_ms=statistics.median(ms),
                        allreduce_ms=1e3 * dp["all_reduce_s"] / a.steps,
                        allreduce_bytes=dp["all_reduce_bytes"] // max(
                            dp["all_reduces"], 1)))
    head = ("model", "prec", "ranks", "steps/s", "samples/s", "step ms",
            "all-reduce ms/step", "bytes/step")
    print(f"# {cores} cores; ranks > cores are oversubscribed (marked *); "
          f"local batch {a.batch}, {a.steps} steps, Open MPI on loopback")
    if a.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    for r in rows:
        cells = (r["model"], r["precision"],
                 f"{r['ranks']}{'*' if r['oversubscribed'] else ''}",
                 f"{r['steps_per_s']:.1f}", f"{r['samples_per_s']:.0f}",
                 f"{r['step_ms']:.3f}", f"{r['allreduce_ms']:.3f}",
                 str(r["allreduce_bytes"]))
        if a.markdown:
            print("| " + " | ".join(cells) + " |")
        else:
            print("  ".join(f"{c:>10}" for c in cells))


if __name__ == "__main__":
    main()
