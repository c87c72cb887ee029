# Bad input through the tools, with real compiled artifacts: every mistake is
# one clear error (exactly one "error:" line, naming the offending thing), a
# non-zero exit, and nothing the user had is touched: an existing output
# artifact, report and checkpoint stay byte for byte as they were and no
# temporary file is left behind.
#
# mpt-compile: invalid IR, a missing input, an unknown precision or loss-scale
# mode, a step without mpt.name/mpt.role, an unwritable output.
# mpt-run (on the frontend's CNN compiled by mpt-compile, and its own
# checkpoint): a missing, corrupt, truncated or newer-format artifact, an
# unknown device, .npy files of the wrong dtype or shape or missing, a corrupt,
# truncated or foreign checkpoint. test/Runtime/bad-input.test checks the
# runtime's full message catalogue on hand-written C steps; this test proves
# the same guarantees hold for what mpt-compile actually writes.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import os
import re
import shutil
import subprocess
import sys

import numpy as np

import e2e
import mpt
import mpt.data
import mpt.models

t = sys.argv[1]
check = e2e.Checks()
compile_tool, run_tool = e2e.tool("mpt-compile"), e2e.tool("mpt-run")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def leftovers(d):
    return [f for f in os.listdir(d) if ".tmp" in f]


def expect_error(what, cmd, pattern, kept):
    """cmd must fail with exactly one error line matching pattern, and every
    file in kept (path -> bytes) must be unchanged."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    # Error lines: diagnostics ("file:line:col: error: ...") and the tools'
    # own messages ("mpt-compile: error: ...", "mpt-run: error: ...").
    errors = [l for l in p.stderr.splitlines() if "error:" in l]
    check(p.returncode != 0, f"{what}: exit status 0")
    check(len(errors) == 1, f"{what}: {len(errors)} error lines:\n{p.stderr}")
    check(any(re.search(pattern, l) for l in errors),
          f"{what}: no error matching {pattern!r} in:\n{p.stderr}")
    check("Stack dump" not in p.stderr and p.returncode < 128 and
          p.returncode > 0, f"{what}: crashed ({p.returncode}):\n{p.stderr}")
    for path, data in kept.items():
        check(os.path.exists(path) and read(path) == data,
              f"{what}: {os.path.basename(path)} was changed or removed")
    left = leftovers(t)
    check(not left, f"{what}: left temporary files {left}")


# --- fixtures -----------------------------------------------------------------
step = mpt.models.build("cnn", batch=8)
with open(f"{t}/cnn.mlir", "w") as f:
    f.write(step.to_mlir())
cnn = e2e.compile_step(f"{t}/cnn.mlir", f"{t}/cnn.mpt", "f16")
mlp_step = mpt.models.build("mlp", batch=8, blocks=1, width=8)
with open(f"{t}/mlp.mlir", "w") as f:
    f.write(mlp_step.to_mlir())
mlp = e2e.compile_step(f"{t}/mlp.mlir", f"{t}/mlp.mpt", "f32")

digits = mpt.data.digits()
small = {s: {k: v[:64] for k, v in digits[s].items()} for s in digits}
good = f"{t}/good"
mpt.data.write_dataset(good, small)
e2e.run_cmd([run_tool, cnn, f"--data={good}", "--steps=3", "--progress=none",
             f"--checkpoint={t}/cnn.ckpt"])
e2e.run_cmd([run_tool, mlp, f"--data={good}", "--steps=2", "--progress=none",
             f"--checkpoint={t}/mlp.ckpt"])
write(f"{t}/report.json", b"the previous report\n")
write(f"{t}/out.mpt", b"the previous artifact\n")
art, ckpt = read(cnn), read(f"{t}/cnn.ckpt")
kept_run = {f"{t}/report.json": read(f"{t}/report.json"),
            f"{t}/cnn.ckpt": ckpt, cnn: art}
kept_compile = {f"{t}/out.mpt": read(f"{t}/out.mpt")}

# --- mpt-compile ----------------------------------------------------------------
write(f"{t}/invalid.mlir", b"func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {\n"
      b"  %0 = arith.addf %a, %b : tensor<2xf32>\n"
      b"  return %0 : tensor<2xf32>\n}\n")
src = open(e2e.input_path("one_weight_sgd.mlir")).read()
unnamed = re.sub(r"\s*\{mpt\.role[^{}]*(\{[^{}]*\})?[^{}]*\}", "", src)
assert "mpt.name" not in unnamed and "mpt.sgd" in unnamed
write(f"{t}/unnamed.mlir", unnamed.encode())


def mptc(*args, out=f"{t}/out.mpt"):
    return [compile_tool, *args, "-o", out]


expect_error("compile: invalid IR", mptc(f"{t}/invalid.mlir"),
             r"invalid\.mlir:2:\d+: error: use of undeclared SSA value",
             kept_compile)
expect_error("compile: missing input", mptc(f"{t}/missing.mlir"),
             r"cannot open input file '.*missing\.mlir': No such file",
             kept_compile)
expect_error("compile: unknown precision",
             mptc(f"{t}/cnn.mlir", "--precision=f8"),
             r"cnn\.mlir:\d+:\d+: error: precision must be f32, f16 or bf16, "
             r"got 'f8'", kept_compile)
expect_error("compile: unknown loss-scale mode",
             mptc(f"{t}/cnn.mlir", "--precision=f16", "--loss-scale=sometimes"),
             r"error: .*mode must be .*got 'sometimes'", kept_compile)
expect_error("compile: a step without names (f32)",
             mptc(f"{t}/unnamed.mlir", "--precision=f32"),
             r"unnamed\.mlir:\d+:\d+: error: @train_step argument #0 needs "
             r"mpt\.name and mpt\.role", kept_compile)
expect_error("compile: a step without names (f16)",
             mptc(f"{t}/unnamed.mlir", "--precision=f16"),
             r"unnamed\.mlir:\d+:\d+: error: @train_step argument #0 .*has no "
             r"mpt\.init", kept_compile)
expect_error("compile: unwritable output",
             mptc(f"{t}/cnn.mlir", out=f"{t}/nodir/out.mpt"),
             r"error: cannot write the artifact: .*nodir", kept_compile)
check(not os.path.exists(f"{t}/nodir"), "compile: created nodir")

# --- mpt-run: the artifact ----------------------------------------------------------
corrupt = bytearray(art)
corrupt[len(art) // 2] ^= 0x40
write(f"{t}/corrupt.mpt", corrupt)
write(f"{t}/truncated.mpt", art[:len(art) - 100])
newer = bytearray(art)
check(newer[8] == 1 and newer[9:12] == b"\0\0\0",
      f"artifact format version field: {newer[8:12]!r}")
newer[8] = 2
write(f"{t}/newer.mpt", newer)


def mptr(model, *args):
    return [run_tool, model, *args, "--steps=2", "--progress=none",
            f"--report={t}/report.json", f"--checkpoint={t}/cnn.ckpt"]


expect_error("run: missing artifact", mptr(f"{t}/missing.mpt", f"--data={good}"),
             r"^mpt-run: error: cannot open '.*missing\.mpt': No such file",
             kept_run)
expect_error("run: corrupt artifact", mptr(f"{t}/corrupt.mpt", f"--data={good}"),
             r"^mpt-run: error: .*corrupt\.mpt: corrupt artifact: checksum",
             kept_run)
expect_error("run: truncated artifact",
             mptr(f"{t}/truncated.mpt", f"--data={good}"),
             r"^mpt-run: error: .*truncated\.mpt: truncated artifact", kept_run)
expect_error("run: newer artifact", mptr(f"{t}/newer.mpt", f"--data={good}"),
             r"^mpt-run: error: .*newer\.mpt: artifact format version 2 is "
             r"newer than this runtime supports", kept_run)
expect_error("run: not an artifact", mptr(f"{t}/cnn.mlir", f"--data={good}"),
             r"^mpt-run: error: .*cnn\.mlir: not an mpt artifact", kept_run)
expect_error("run: unknown device", mptr(cnn, "--device=tpu", f"--data={good}"),
             r"^mpt-run: error: unknown device 'tpu'", kept_run)

# --- mpt-run: the data ----------------------------------------------------------------
x, y = small["train"]["x"], small["train"]["y"]
cases = {
    "dtype": (dict(x=x.astype(np.float64), y=y),
              r"dtype/train/x\.npy: expected float32 \[N, 8, 8, 1\] .*got "
              r"float64 \[64, 8, 8, 1\]"),
    "shape": (dict(x=np.zeros((64, 8, 8, 2), np.float32), y=y),
              r"shape/train/x\.npy: expected float32 \[N, 8, 8, 1\] .*got "
              r"float32 \[64, 8, 8, 2\]"),
    "labels": (dict(x=x, y=y.astype(np.int64)),
               r"labels/train/y\.npy: expected int32 \[N\] .*got int64 \[64\]"),
    "nox": (dict(y=y), r"missing .*nox/train/x\.npy \(input 'x'"),
}
for name, (arrays, pattern) in cases.items():
    e2e.write_split(f"{t}/{name}", "train", **arrays)
    expect_error(f"run: data {name}", mptr(cnn, f"--data={t}/{name}"),
                 "^mpt-run: error: .*" + pattern, kept_run)
expect_error("run: missing data directory", mptr(cnn, f"--data={t}/nodata"),
             r"^mpt-run: error: data directory '.*nodata' does not exist",
             kept_run)
e2e.write_split(f"{t}/notest", "train", x=x, y=y)
expect_error("run: --eval without a test split",
             mptr(cnn, f"--data={t}/notest", "--eval"),
             r"^mpt-run: error: data directory '.*notest/test' does not exist",
             kept_run)

# --- mpt-run: checkpoints -----------------------------------------------------------------
bad = bytearray(ckpt)
bad[len(ckpt) // 2] ^= 0x01
write(f"{t}/corrupt.ckpt", bad)
write(f"{t}/truncated.ckpt", ckpt[:-9])
for name, pattern in (
        ("corrupt.ckpt", r"checkpoint '.*corrupt\.ckpt': corrupt"),
        ("truncated.ckpt", r"checkpoint '.*truncated\.ckpt': truncated"),
        ("mlp.ckpt", r"checkpoint '.*mlp\.ckpt': it was written for another "
                     r"signature"),
        ("missing.ckpt", r"cannot open '.*missing\.ckpt'")):
    expect_error(f"run: resume from {name}",
                 mptr(cnn, f"--data={good}", f"--resume={t}/{name}"),
                 "^mpt-run: error: " + pattern, kept_run)

# --- and what was kept still works ---------------------------------------------------------
rep = e2e.train(cnn, good, 2, f"{t}/resumed.json", f"--resume={t}/cnn.ckpt")
check(rep["run"]["first_step"] == 3 and rep["run"]["last_step"] == 5,
      f"resuming the kept checkpoint: run {rep['run']}")

check.done()
