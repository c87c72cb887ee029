"""Shared helpers of the end-to-end tests: run mpt-compile and mpt-run, write
dataset directories, read reports and dumped state, collect failures.

The tools come from $MPT_TOOLS_DIR (set by lit.local.cfg). A missing tool is
a failure with a message, never a skip.
"""
import filecmp
import glob
import json
import os
import shutil
import subprocess
import sys

import numpy as np

INPUTS = os.path.dirname(os.path.abspath(__file__))


def tool(name):
    d = os.environ.get("MPT_TOOLS_DIR", "")
    path = os.path.join(d, name)
    if not os.access(path, os.X_OK):
        sys.exit(f"FAIL: {name} not found in MPT_TOOLS_DIR='{d}' "
                 f"(build it: ninja {name})")
    return path


def input_path(name):
    return os.path.join(INPUTS, name)


def run_cmd(cmd, expect_ok=True):
    """Runs cmd (a list); returns the CompletedProcess. Exits the test with
    the command's output when the exit status is not what was expected."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    if (p.returncode == 0) != expect_ok:
        sys.exit("FAIL: " + " ".join(cmd) + f"\nexit status {p.returncode}\n"
                 f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def compile_step(src, out, precision="f32", **options):
    """mpt-compile SRC --precision=P --<option>=<value>... -o OUT; option
    names use underscores for dashes (loss_scale=... -> --loss-scale=...)."""
    cmd = [tool("mpt-compile"), src, f"--precision={precision}", "-o", out]
    for k, v in options.items():
        if isinstance(v, bool):
            v = "true" if v else "false"
        cmd.append(f"--{k.replace('_', '-')}={v}")
    run_cmd(cmd)
    return out


def train(artifact, data, steps, report, *extra):
    """mpt-run ARTIFACT --data=DATA --steps=N --report=REPORT EXTRA...;
    returns the parsed report."""
    run_cmd([tool("mpt-run"), artifact, f"--data={data}", f"--steps={steps}",
             f"--report={report}", "--progress=none", *extra])
    with open(report) as f:
        return json.load(f)


def zoo_step(model, args, directory):
    """Writes the model zoo's MODEL training step (``python -m mpt.models
    MODEL ARGS...``) to DIRECTORY/MODEL.mlir and returns that path."""
    src = os.path.join(directory, f"{model}.mlir")
    run_cmd([sys.executable, "-m", "mpt.models", model, *args, "-o", src])
    return src


def train_to_checkpoint(artifact, directory, name, steps, *extra):
    """Trains ARTIFACT on the digits for STEPS steps, writing
    DIRECTORY/NAME.json and the checkpoint DIRECTORY/NAME.ckpt; returns
    (report, losses, checkpoint path)."""
    ckpt = os.path.join(directory, f"{name}.ckpt")
    rep = train(artifact, "digits", steps, os.path.join(directory,
                                                        f"{name}.json"),
                f"--checkpoint={ckpt}", *extra)
    return rep, [s["loss"] for s in rep["steps"]], ckpt


def same_training(check, tag, got, want, what):
    """Checks that two train_to_checkpoint runs GOT and WANT have the same
    losses and byte-identical checkpoints; WHAT names WANT's run."""
    check(got[1] == want[1],
          f"{tag}: losses {got[1]} differ from {what}'s {want[1]}")
    check(filecmp.cmp(got[2], want[2], shallow=False),
          f"{tag}: the checkpoint differs from {what}'s")


def object_symbols(keep_dir):
    """The symbol names of the object file mpt-compile kept in KEEP_DIR
    (--keep-temps), listed by nm (binutils: a failure when missing)."""
    nm = shutil.which("nm")
    if not nm:
        sys.exit("FAIL: nm (binutils) is needed to list the compiled "
                 "functions")
    out = subprocess.run([nm, os.path.join(keep_dir, "step.o")],
                         capture_output=True, text=True, check=True).stdout
    return [line.split()[-1] for line in out.splitlines() if line.split()]


def write_split(root, split, **arrays):
    """Writes ROOT/SPLIT/<name>.npy for every array."""
    d = os.path.join(root, split)
    os.makedirs(d, exist_ok=True)
    for name, a in arrays.items():
        np.save(os.path.join(d, name + ".npy"), a)


def read_state(d):
    """{name: array} of every DIR/<name>.npy written by --dump-state."""
    out = {}
    for path in glob.glob(os.path.join(d, "*.npy")):
        out[os.path.basename(path)[:-4]] = np.load(path)
    return out


def bits(a):
    """The array's bytes, for bit-for-bit comparisons (NaN == NaN)."""
    a = np.ascontiguousarray(a)
    return a.dtype.str, a.shape, a.tobytes()


class Checks:
    """Collects failed checks so one run reports all of them."""

    def __init__(self):
        self.failed = []
        self.count = 0

    def __call__(self, cond, message):
        self.count += 1
        if not cond:
            self.failed.append(message)
            print("FAIL:", message)
        return cond

    def done(self):
        if self.failed:
            sys.exit(f"{len(self.failed)} of {self.count} checks failed")
        print(f"all {self.count} checks passed")
