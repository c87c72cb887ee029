"""Reads what a dry run of the device check wrote (results.json, table.md,
log.txt) and checks that every part ran and passed: 18 odd-size kernels
against carried float64 references, 12 benchmark cases against float64
references computed in the run, each timed REPEAT times, the CNN at three
precisions and the overflow run against the CPU, both sanitizer tools, the
ResNet at three precisions."""
import json
import os
import sys

out, repeat = sys.argv[1], int(sys.argv[2])
r = json.load(open(os.path.join(out, "results.json")))
failed = []


def check(cond, what):
    if not cond:
        failed.append(what)
        print("FAIL:", what)


env = r["environment"]
check(env["device"] == "cuda-emu" and env["mode"] == "dry", f"env {env}")
kernels = r["kernels"]
checks = [k for k in kernels if k["group"] == "check"]
bench = [k for k in kernels if k["group"] == "bench"]
check(len(checks) == 18, f"{len(checks)} odd-size cases")
check(len(bench) == 12, f"{len(bench)} benchmark cases")
for k in checks:
    check(k["status"] == "PASS" and
          k["reference"] == "float64 numpy, carried", f"{k['name']}: {k}")
for k in bench:
    check(k["status"] == "PASS" and k["reference"] == "float64 numpy" and
          len(k["mpt_ms_all"]) == repeat and k["mpt_ms"] > 0 and
          k["launches_per_call"] >= 1 and k["kernels"],
          f"{k['name']}: {k}")
families = {k["kind"] for k in bench}
check(families == {"gemm", "bmm", "conv_fprop", "conv_dgrad", "conv_wgrad"},
      f"families {families}")
eq = r["steps_equal"]
check([e["name"] for e in eq] == ["cnn f32", "cnn f16", "cnn bf16",
                                  "overflow f16 (scale 2^40)"],
      f"steps-equal rows {[e['name'] for e in eq]}")
check(all(e["status"] == "PASS" for e in eq), f"steps-equal {eq}")
check(all(e["max_err"] <= e["tol"] for e in eq if "tol" in e),
      "steps-equal within tolerance")
san = r["sanitizer"]
check([s["tool"] for s in san] == ["memcheck", "racecheck"] and
      all(s["status"] == "PASS" and s["errors"] == 0 for s in san),
      f"sanitizer {san}")
steps = r["steps"]["rows"]
check([s["precision"] for s in steps] == ["f32", "f16", "bf16"], "steps")
for s in steps:
    check(s["status"] == "PASS" and s["ms_per_step"] > 0 and
          s["peak_bytes"] > 0 and len(s["losses"]) == s["steps"],
          f"steps {s}")
table = open(os.path.join(out, "table.md")).read()
rows = [line for line in table.splitlines() if line.startswith("| ")]
# The header, the odd-size summary, 12 cases, the convolutions in all, 4
# step comparisons, 2 sanitizer tools, 5 ResNet rows.
check(len(rows) == 1 + 1 + 12 + 1 + 4 + 2 + 5, f"{len(rows)} table rows")
log = open(os.path.join(out, "log.txt")).read()
check(table.splitlines()[-1] in log, "the log ends with the table")
if failed:
    sys.exit(f"{len(failed)} checks failed")
print("dry run complete")
