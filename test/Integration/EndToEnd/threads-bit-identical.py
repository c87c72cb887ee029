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


for model, args in MODELS.items():
    src = e2e.zoo_step(model, args, t)
    for precision in ["f32", "f16", "bf16"]:
        tag = f"{model}-{precision}"
        serial = e2e.compile_step(src, f"{t}/{tag}-serial.mpt", precision,
                                  parallel_min_work=0,
                                  keep_temps=f"{t}/{tag}-serial.tmp")
        check(not tasks(f"{t}/{tag}-serial.tmp"),
              f"{tag}: --parallel-min-work=0 still split ops")
        ref = e2e.train_to_checkpoint(serial, t, f"{tag}-serial", STEPS,
                                      "--threads=1")
        check(len(ref[1]) == STEPS, f"{tag}: {len(ref[1])} steps")

        split = e2e.compile_step(src, f"{t}/{tag}-split.mpt", precision,
                                 parallel_min_work=1,
                                 keep_temps=f"{t}/{tag}-split.tmp")
        n_tasks = len(tasks(f"{t}/{tag}-split.tmp"))
        check(n_tasks >= 5, f"{tag}: only {n_tasks} ops split")
        for threads in THREADS:
            run = e2e.train_to_checkpoint(split, t,
                                          f"{tag}-split-t{threads}", STEPS,
                                          f"--threads={threads}")
            check(run[0]["device"]["threads"] == threads,
                  f"{tag}: ran on {run[0]['device']['threads']} threads, "
                  f"not {threads}")
            e2e.same_training(check, f"{tag}, {threads} threads", run, ref,
                              "the serial code")

        if precision == "f32":
            default = e2e.compile_step(src, f"{t}/{tag}-default.mpt",
                                       precision)
            run = e2e.train_to_checkpoint(default, t, f"{tag}-default",
                                          STEPS)
            e2e.same_training(
                check, f"{tag}: the default compile at the default thread "
                f"count ({run[0]['device']['threads']})", run, ref,
                "the serial code")

check.done()
