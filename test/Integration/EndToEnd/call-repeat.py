# mpt-run --call --repeat=N --warmup=K --timing=FILE: a plain function of
# tensors (relu(a @ b) + c, f32) compiled for cpu and for cuda, called on
# cpu and on cuda-emu. Checked:
# - the results (of the last call) against a float64 numpy evaluation;
# - the timing JSON: N times, their min/median/mean/max recomputed here, the
#   warm-up and repeat counts, the device and its timer, the launches per
#   call against the launch plan (`mpt-artifact plan`);
# - the summary line repeats the same figures, and on cuda-emu its launch
#   count is (K + N) times the plan's: the warm-up calls really ran;
# - bad counts and bad --timing destinations are one-line errors that write
#   nothing; a FIFO is written in place, as --report writes one.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import json
import os
import re
import stat
import statistics
import subprocess
import sys

import numpy as np

import e2e

t = sys.argv[1]
check = e2e.Checks()
M, K, N = 24, 40, 16
SRC = f"""#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @mm_relu(%a: tensor<{M}x{K}xf32>, %b: tensor<{K}x{N}xf32>,
                   %c: tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32> {{
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{M}x{N}xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  %p = linalg.matmul ins(%a, %b : tensor<{M}x{K}xf32>, tensor<{K}x{N}xf32>)
                     outs(%f : tensor<{M}x{N}xf32>) -> tensor<{M}x{N}xf32>
  %y = linalg.generic {{indexing_maps = [#map, #map, #map],
                       iterator_types = ["parallel", "parallel"]}}
      ins(%p, %c : tensor<{M}x{N}xf32>, tensor<{M}x{N}xf32>)
      outs(%e : tensor<{M}x{N}xf32>) {{
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.maximumf %x, %z : f32
    %s = arith.addf %r, %y : f32
    linalg.yield %s : f32
  }} -> tensor<{M}x{N}xf32>
  return %y : tensor<{M}x{N}xf32>
}}
"""
src = f"{t}/mm_relu.mlir"
with open(src, "w") as f:
    f.write(SRC)
rng = np.random.default_rng(7)
arrays = {"arg0": rng.standard_normal((M, K)).astype(np.float32),
          "arg1": rng.standard_normal((K, N)).astype(np.float32),
          "arg2": rng.standard_normal((M, N)).astype(np.float32)}
inputs = []
for name, a in arrays.items():
    np.save(f"{t}/{name}.npy", a)
    inputs.append(f"--input={name}={t}/{name}.npy")
a, b, c = (arrays[k].astype(np.float64) for k in ("arg0", "arg1", "arg2"))
ref = np.maximum(a @ b, 0) + c
scale = np.abs(a) @ np.abs(b) + np.abs(c)

cpu = e2e.compile_step(src, f"{t}/cpu.mpt", target="cpu")
gpu = e2e.compile_step(src, f"{t}/cuda.mpt", target="cuda", quiet=True)
plan = json.loads(e2e.run_cmd([e2e.tool("mpt-artifact"), "plan", gpu]).stdout)
plan_launches = sum(1 for s in plan["functions"][0]["steps"]
                    if s["kind"] == "launch")
check(plan_launches >= 1, f"the cuda plan has no launches: {plan}")

WARMUP, REPEAT = 2, 3
for art, device in ((cpu, "cpu"), (gpu, "cuda-emu")):
    out, timing = f"{t}/out_{device}", f"{t}/timing_{device}.json"
    p = e2e.run_cmd([e2e.tool("mpt-run"), art, "--call=mm_relu",
                     f"--device={device}", *inputs, f"--output-dir={out}",
                     f"--warmup={WARMUP}", f"--repeat={REPEAT}",
                     f"--timing={timing}"])
    got = np.load(f"{out}/0.npy").astype(np.float64)
    err = float(np.max(np.abs(got - ref) / scale))
    check(err <= 1e-5, f"{device}: results differ from float64 by {err:.3g}")

    j = json.load(open(timing))
    ms = j["ms"]
    check(j["format"] == "mpt-run-call-timing" and j["version"] == 1,
          f"{device}: timing format {j.get('format')} {j.get('version')}")
    check(j["function"] == "mm_relu" and j["artifact"] == art,
          f"{device}: timing names {j['function']} {j['artifact']}")
    check(j["device"]["name"] == device and
          j["device"]["timer"] == "host-clock",
          f"{device}: timing device {j['device']}")
    check(j["warmup"] == WARMUP and j["repeat"] == REPEAT and
          len(ms) == REPEAT and all(v > 0 for v in ms),
          f"{device}: counts {j['warmup']} {j['repeat']} {ms}")
    check(j["min_ms"] == min(ms) and j["max_ms"] == max(ms) and
          j["median_ms"] == statistics.median(ms) and
          abs(j["mean_ms"] - sum(ms) / len(ms)) <= 1e-12 * max(ms),
          f"{device}: statistics {j} do not match the times {ms}")
    want = plan_launches if device == "cuda-emu" else None
    check(j["launches_per_call"] == want,
          f"{device}: launches_per_call {j['launches_per_call']}, want {want}")
    check(j["device_peak_bytes"] > 0, f"{device}: no device peak")

    line = p.stdout.strip()
    m = re.search(r"; (\d+) calls, (\d+) timed after (\d+) warm-up: min "
                  r"([\d.]+) ms, median ([\d.]+) ms, mean ([\d.]+) ms, max "
                  r"([\d.]+) ms per call$", line)
    check(m is not None, f"{device}: summary line '{line}'")
    if m:
        calls, timed, warm = map(int, m.group(1, 2, 3))
        check((calls, timed, warm) == (WARMUP + REPEAT, REPEAT, WARMUP),
              f"{device}: summary counts {m.group(1, 2, 3)}")
        for k, key in zip(range(4, 8), ("min_ms", "median_ms", "mean_ms",
                                        "max_ms")):
            check(m.group(k) == f"{j[key]:.4f}",
                  f"{device}: summary {key} {m.group(k)} vs {j[key]}")
    if device == "cuda-emu":
        n = re.search(r": (\d+) launches of", line)
        check(n and int(n.group(1)) == (WARMUP + REPEAT) * plan_launches,
              f"{device}: {n and n.group(1)} launches in all, want "
              f"{(WARMUP + REPEAT) * plan_launches}: '{line}'")

# Bad input: one line on stderr, exit status 1, nothing written.
base = [e2e.tool("mpt-run"), cpu, "--call=mm_relu", *inputs]
BAD = [
    (["--output-dir=" + t + "/bad", "--repeat=0"],
     "--repeat needs a whole number from 1 to 1000000, got '0'"),
    (["--output-dir=" + t + "/bad", "--repeat=3x"],
     "--repeat needs a whole number from 1 to 1000000, got '3x'"),
    (["--output-dir=" + t + "/bad", "--repeat=2", "--warmup=-1"],
     "--warmup needs a whole number from 0 to 1000000, got '-1'"),
    (["--output-dir=" + t + "/bad", "--warmup=2"],
     "--warmup needs --repeat=N (the number of timed calls)"),
    (["--output-dir=" + t + "/bad", f"--timing={t}/x.json"],
     "--timing needs --repeat=N (the number of timed calls)"),
    (["--output-dir=" + t + "/bad", "--repeat=1", f"--timing={cpu}"],
     f"--timing '{cpu}' would overwrite the model '{cpu}'; choose another "
     "path"),
    (["--output-dir=" + t + "/bad", "--repeat=1", f"--timing={t}/arg1.npy"],
     f"--timing '{t}/arg1.npy' would overwrite --input arg1 '{t}/arg1.npy'; "
     "choose another path"),
    (["--output-dir=" + t + "/bad", "--repeat=1", f"--timing={t}/no/t.json"],
     None),
]
model_bytes = open(cpu, "rb").read()
input_bytes = open(f"{t}/arg1.npy", "rb").read()
for extra, message in BAD:
    p = subprocess.run(base + extra, capture_output=True, text=True)
    lines = p.stderr.splitlines()
    ok = p.returncode == 1 and len(lines) == 1 and (
        lines[0] == "mpt-run: error: " + message if message else
        lines[0].startswith("mpt-run: error: ") and f"{t}/no" in lines[0])
    check(ok, f"{extra}: exit {p.returncode}, stderr {p.stderr!r}")
    check(not os.path.exists(f"{t}/bad"), f"{extra}: wrote {t}/bad")
check(open(cpu, "rb").read() == model_bytes, "the model was changed")

# Like --report, --timing writes into a FIFO in place (the JSON arrives at
# its reader) and never replaces it.
fifo = f"{t}/fifo"
os.mkfifo(fifo)
reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
e2e.run_cmd(base + [f"--output-dir={t}/fifo_out", "--repeat=2",
                    f"--timing={fifo}"])
data = os.read(reader, 1 << 20)
os.close(reader)
check(json.loads(data)["repeat"] == 2, f"the FIFO got {data[:200]!r}")
check(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced")
check(open(f"{t}/arg1.npy", "rb").read() == input_bytes,
      "the input was changed")
check.done()
