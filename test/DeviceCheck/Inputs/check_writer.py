"""Checks the device check's readers and verdicts against hand-written
inputs: compute-sanitizer's summary lines (the formats of its memcheck and
racecheck tools), the exit status, the verdict at and around a target, and
the glibc version the portable mpt-run refers to."""
import os
import sys
import tempfile

sys.path.insert(0, sys.argv[1])
import device_check as dc  # noqa: E402

failed = []
count = 0


def check(cond, what):
    global count
    count += 1
    if not cond:
        failed.append(what)
        print("FAIL:", what)


MEMCHECK_CLEAN = """========= COMPUTE-SANITIZER
step 1/1  loss 2.3  scale 65536  skipped 0
========= ERROR SUMMARY: 0 errors
"""
MEMCHECK_BAD = """========= COMPUTE-SANITIZER
========= Invalid __global__ read of size 4 bytes
=========     at elementwise_3+0x1d0
=========     by thread (255,0,0) in block (7,0,0)
=========     Address 0x7f0000100400 is out of bounds
=========
========= ERROR SUMMARY: 1 error
"""
RACECHECK_BAD = """========= COMPUTE-SANITIZER
========= Error: Race reported between Write access at row_reduction_2+0x90
=========     and Read access at row_reduction_2+0xa0 [12 hazards]
=========
========= RACECHECK SUMMARY: 1 hazard displayed (1 error, 0 warnings)
"""
RACECHECK_CLEAN = ("========= COMPUTE-SANITIZER\n"
                   "========= RACECHECK SUMMARY: 0 hazards displayed "
                   "(0 errors, 0 warnings)\n")
check(dc.parse_sanitizer("memcheck", MEMCHECK_CLEAN) == (0, 0), "memcheck 0")
check(dc.parse_sanitizer("memcheck", MEMCHECK_BAD) == (1, 0), "memcheck 1")
check(dc.parse_sanitizer("racecheck", RACECHECK_CLEAN) == (0, 0),
      "racecheck 0")
check(dc.parse_sanitizer("racecheck", RACECHECK_BAD) == (1, 0), "racecheck 1")
check(dc.parse_sanitizer("racecheck", MEMCHECK_CLEAN) == (0, 0),
      "racecheck: a tool version that prints only ERROR SUMMARY")
check(dc.parse_sanitizer("memcheck", "Segmentation fault\n") is None,
      "no summary: a crashed run is not a clean one")

check(dc.exit_status({"failed": 1, "not_run": 3}) == 1, "exit: failed")
check(dc.exit_status({"failed": 0, "not_run": 3}) == 3, "exit: not run")
check(dc.exit_status({"failed": 0, "not_run": 0}) == 0, "exit: all passed")

check(dc.verdict(0.65, 0.65) == (">= 0.65: met", True), "verdict at target")
check(dc.verdict(0.6499, 0.65) == (">= 0.65: MISSED", False), "just under")
check(dc.verdict(0.56, 0.55, at_least=False) == ("<= 0.55: MISSED", False),
      "memory just over")
check(dc.verdict(3.0, 2.0, measured=False) == (">= 2: n/a (emulator)", None),
      "emulator timings are not measured against targets")

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "bin")
    with open(path, "wb") as f:
        f.write(b"\x7fELF....GLIBC_2.2.5\x00memcpy\x00GLIBC_2.34\x00"
                b"GLIBC_2.17\x00GLIBC_PRIVATE\x00")
    check(dc.glibc_needed(path) == "2.34", "newest glibc version")
check(dc.check_glibc("2.39", "2.36") and not dc.check_glibc("2.35", "2.36"),
      "glibc comparison")
check(dc.check_glibc("2.4", "2.36") is False, "2.4 is older than 2.36")

if failed:
    sys.exit(f"{len(failed)} of {count} checks failed")
print(f"all {count} checks passed")
