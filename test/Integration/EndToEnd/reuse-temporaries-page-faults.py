# The page faults that keeping step temporaries (mpt-compile
# --reuse-temporaries, the default) saves: with glibc told to trim its heap
# at every free (GLIBC_TUNABLES=glibc.malloc.trim_threshold=0), the zoo's
# ResNet (2 blocks, f32) run for 42 steps faults in almost no more pages
# than the same artifact run for 2 steps: fewer than 5 % of its scratch
# peak's pages per extra step. The same step compiled with
# --reuse-temporaries=false hands its blocks back to malloc, which gives the
# pages back to the kernel and faults them in again at every step; its
# figure is printed, not asserted, since that is glibc's doing.
# (reuse-temporaries.py checks that reuse changes no bit.)
#
# Not under AddressSanitizer: its allocator quarantines freed memory and
# faults in fresh pages for the runtime's own allocations.
# UNSUPPORTED: asan
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import json
import os
import resource
import subprocess
import sys

import e2e

t = sys.argv[1]
check = e2e.Checks()
TRIM = {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"}


def faults(art, name, steps):
    """The minor page faults of mpt-run training ART for STEPS steps, and
    its report."""
    report = f"{t}/{name}.json"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
    p = subprocess.run([e2e.tool("mpt-run"), art, "--data=digits",
                        f"--steps={steps}", f"--report={report}",
                        "--progress=none"], capture_output=True, text=True,
                       env=dict(os.environ, **TRIM))
    if p.returncode != 0:
        sys.exit(f"FAIL: mpt-run {art} exited {p.returncode}:\n{p.stderr}")
    n = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before
    with open(report) as f:
        return n, json.load(f)


src = e2e.zoo_step("resnet", ["--batch", "8", "--blocks", "2"], t)
per_step = {}
for name, reuse in (("reuse", True), ("malloc", False)):
    art = e2e.compile_step(src, f"{t}/{name}.mpt", "f32",
                           reuse_temporaries=reuse)
    short, _ = faults(art, f"{name}-2", 2)
    long, rep = faults(art, f"{name}-42", 42)
    per_step[name] = (long - short) / 40
    pages = rep["memory"]["train_scratch_peak_bytes"] / 4096
print(f"minor page faults per step with the heap trimmed at every free: "
      f"{per_step['reuse']:.1f} with reuse, {per_step['malloc']:.1f} without "
      f"(scratch peak {pages:.0f} pages)")
check(pages > 20, f"the scratch peak is only {pages:.0f} pages")
check(per_step["reuse"] < 0.05 * pages,
      f"{per_step['reuse']:.1f} page faults per step with reuse, for a "
      f"scratch peak of {pages:.0f} pages")
check.done()
