# Threads change nothing: the zoo's MLP, CNN and ResNet (2 blocks), at f32,
# f16 (dynamic loss scaling) and bf16, compiled with every op that has a
# parallel dimension split for threads (--parallel-min-work=1), train 6
# steps on the digits with --threads=1, 2, 3 and 5, and every checkpoint
# (parameters, optimizer state, loss scale, step count) and every step's
# loss equal, byte for byte, those of the same step compiled with no op
# split (--parallel-min-work=0: the serial code, an independent
# reference). The default compile (larger ops split) at the default thread
# count matches too. The split artifacts must really contain split ops
# (their tasks are in the object file) and the runs must really use the
# threads asked for (the report's device.threads).
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import filecmp
import json
import os
import subprocess
import sys

import e2e

t = sys.argv[1]
check = e2e.Checks()
STEPS = 6
MODELS = {"mlp": ["--batch", "32"], "cnn": ["--batch", "32"],
          "resnet": ["--batch", "8", "--blocks", "2"]}
THREADS = [1, 2, 3, 5]

def tasks(keep_dir):
    """The split ops' tasks in the object file mpt-compile kept."""
    return [name for name in e2e.object_symbols(keep_dir)
            if name.endswith(".task")]


def train(art, name, *extra):
    rep = e2e.train(art, "digits", STEPS, f"{t}/{name}.json",
                    f"--checkpoint={t}/{name}.ckpt", *extra)
    return rep, f"{t}/{name}.ckpt"


for model, args in MODELS.items():
    src = f"{t}/{model}.mlir"
    subprocess.run([sys.executable, "-m", "mpt.models", model, *args, "-o",
                    src], check=True, capture_output=True)
    for precision in ["f32", "f16", "bf16"]:
        tag = f"{model}-{precision}"
        serial = e2e.compile_step(src, f"{t}/{tag}-serial.mpt", precision,
                                  parallel_min_work=0,
                                  keep_temps=f"{t}/{tag}-serial.tmp")
        check(not tasks(f"{t}/{tag}-serial.tmp"),
              f"{tag}: --parallel-min-work=0 still split ops")
        ref, ref_ckpt = train(serial, f"{tag}-serial", "--threads=1")
        ref_losses = [s["loss"] for s in ref["steps"]]
        check(len(ref_losses) == STEPS, f"{tag}: {len(ref_losses)} steps")

        split = e2e.compile_step(src, f"{t}/{tag}-split.mpt", precision,
                                 parallel_min_work=1,
                                 keep_temps=f"{t}/{tag}-split.tmp")
        n_tasks = len(tasks(f"{t}/{tag}-split.tmp"))
        check(n_tasks >= 5, f"{tag}: only {n_tasks} ops split")
        for threads in THREADS:
            rep, ckpt = train(split, f"{tag}-split-t{threads}",
                              f"--threads={threads}")
            check(rep["device"]["threads"] == threads,
                  f"{tag}: ran on {rep['device']['threads']} threads, "
                  f"not {threads}")
            losses = [s["loss"] for s in rep["steps"]]
            check(losses == ref_losses,
                  f"{tag}, {threads} threads: losses {losses} differ from "
                  f"the serial code's {ref_losses}")
            check(filecmp.cmp(ckpt, ref_ckpt, shallow=False),
                  f"{tag}, {threads} threads: the checkpoint differs from "
                  f"the serial code's")

        if precision == "f32":
            default = e2e.compile_step(src, f"{t}/{tag}-default.mpt",
                                       precision)
            rep, ckpt = train(default, f"{tag}-default")
            check(filecmp.cmp(ckpt, ref_ckpt, shallow=False),
                  f"{tag}: the default compile at the default thread count "
                  f"({rep['device']['threads']}) differs from the serial "
                  f"code")

check.done()
