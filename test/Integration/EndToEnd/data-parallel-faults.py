# A rank that dies stops the run within a bounded time with a clear message,
# the last checkpoint stays valid, and a run resumed from it continues bit
# for bit as an uninterrupted run would. Two ranks train the MLP on the
# digits with a checkpoint every 10 steps and no end in sight; once a
# checkpoint exists, rank 1 is killed (SIGKILL). mpirun must exit non-zero
# within 60 s saying which rank died; the checkpoint must load; resuming it
# on 2 ranks for 20 more steps must give the same checkpoint file, byte for
# byte, as an uninterrupted 2-rank run to the same step; resuming it on 4
# ranks of half the batch (the same global batch) must agree within FP32
# reduction order (1e-6 relative). A rank that hangs instead of dying
# (SIGSTOP: mpirun sees nothing) is caught by the other rank's collective
# timeout (MPT_COLLECTIVE_TIMEOUT=3): the run must stop within 30 s, saying
# so.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import os
import struct
import subprocess
import sys
import threading
import time

import numpy as np

import e2e
import mpi

t = sys.argv[1]
check = e2e.Checks()


def model(batch):
    path = f"{t}/mlp-b{batch}.mlir"
    subprocess.run([sys.executable, "-m", "mpt.models", "mlp", "--batch",
                    str(batch), "-o", path], check=True, capture_output=True)
    return e2e.compile_step(path, f"{t}/mlp-b{batch}.mpt", "f32",
                            data_parallel=True)


art8 = model(8)
art4 = model(4)
ckpt = f"{t}/run.ckpt"
cmd = mpi.mpirun_cmd(2) + [e2e.tool("mpt-run"), art8, "--data=digits",
                           "--steps=100000000", "--progress=none",
                           f"--checkpoint={ckpt}", "--checkpoint-every=10"]
job = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, env=mpi.mpi_env())


def ranks_of(pid):
    """{rank: pid} of the mpt-run processes below process `pid`."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                env = f.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        rank = [e for e in env if e.startswith(b"OMPI_COMM_WORLD_RANK=")]
        if rank and ppid != 0:
            # a child (or grandchild) of this mpirun
            p = int(entry)
            seen = 0
            while p not in (0, 1, pid) and seen < 8:
                try:
                    with open(f"/proc/{p}/stat") as f:
                        p = int(f.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    p = 0
                seen += 1
            if p == pid:
                found[int(rank[0].split(b"=")[1])] = int(entry)
    return found


deadline = time.time() + 120
while time.time() < deadline and not os.path.exists(ckpt):
    if job.poll() is not None:
        break
    time.sleep(0.05)
check(job.poll() is None, "the run ended before it could be interrupted:\n"
      + (job.communicate()[1] if job.poll() is not None else ""))
check(os.path.exists(ckpt), "no checkpoint within 120 s")
time.sleep(0.3)  # a few more checkpoints
pids = ranks_of(job.pid)
check(sorted(pids) == [0, 1], f"ranks found below mpirun: {pids}")
killed_at = time.time()
os.kill(pids[1], 9)
try:
    out, err = job.communicate(timeout=60)
    elapsed = time.time() - killed_at
except subprocess.TimeoutExpired:
    job.kill()
    out, err = job.communicate()
    elapsed = None
check(elapsed is not None, "the surviving rank still ran 60 s after rank 1 "
                           "was killed:\n" + err)
check(job.returncode != 0, f"mpirun exited with {job.returncode} after a "
                           f"rank was killed")
print(f"the run stopped {elapsed} s after rank 1 was killed; stderr:\n{err}")
check("rank 1" in err and ("signal 9" in err or "Killed" in err),
      "mpirun's message does not say that rank 1 was killed:\n" + err)

# The checkpoint is whole: its header's step count is a multiple of 10 and
# a resumed run accepts it.
with open(ckpt, "rb") as f:
    header = f.read(40)
check(header[:8] == b"\x89MPC\r\n\x1a\n", "not a checkpoint")
k = struct.unpack("<Q", header[24:32])[0]
check(k > 0 and k % 10 == 0, f"checkpoint at step {k}")
leftovers = [f for f in os.listdir(t) if f.startswith(".run.ckpt.tmp")]
print(f"checkpoint at step {k}; abandoned temporary files: {leftovers}")

# Uninterrupted run to step k + 20, and the resumed one: the same bytes.
mpi.run_ranks(2, [art8, "--data=digits", f"--steps={k + 20}",
                  "--progress=none", f"--checkpoint={t}/full.ckpt",
                  f"--dump-state={t}/full"])
mpi.run_ranks(2, [art8, "--data=digits", "--steps=20", "--progress=none",
                  f"--resume={ckpt}", f"--checkpoint={t}/resumed.ckpt"])
with open(f"{t}/full.ckpt", "rb") as a, open(f"{t}/resumed.ckpt", "rb") as b:
    check(a.read() == b.read(), "the resumed run's checkpoint differs from "
                                "the uninterrupted run's")

# On 4 ranks of batch 4 (the same global batch of 16): within FP32 order.
mpi.run_ranks(4, [art4, "--data=digits", "--steps=20", "--progress=none",
                  f"--resume={ckpt}", f"--dump-state={t}/four"])
full = e2e.read_state(f"{t}/full")
four = e2e.read_state(f"{t}/four")
for name, want in full.items():
    got = four[name]
    r = float(np.max(np.abs(got.astype(np.float64) - want)) /
              max(np.max(np.abs(want)), 1e-30))
    check(r <= 1e-6, f"4-rank resume: {name} differs by {r:.3g} relative")

# A hung rank: rank 0's watchdog stops the run. Rank 1 is stopped once
# rank 0 has printed step 1's line, i.e. after both ranks finished MPI's
# start-up and a first all-reduce: stopped earlier (a slow start under a
# sanitizer or a loaded machine), rank 0 would wait inside MPI_Init, which
# no watchdog covers.
env = dict(mpi.mpi_env(), MPT_COLLECTIVE_TIMEOUT="3")
job = subprocess.Popen(mpi.mpirun_cmd(2) + [
    e2e.tool("mpt-run"), art8, "--data=digits", "--steps=100000000",
    "--progress=lines"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    text=True, env=env)
first_step = threading.Event()
err_lines = []


def read_stdout():
    for line in job.stdout:
        if line.startswith("step 1/"):
            first_step.set()


readers = [threading.Thread(target=read_stdout, daemon=True),
           threading.Thread(target=lambda: err_lines.extend(job.stderr),
                            daemon=True)]
for r in readers:
    r.start()
started = first_step.wait(timeout=120)
check(started, "rank 0 printed no step within 120 s")
pids = ranks_of(job.pid) if started else {}
check(sorted(pids) == [0, 1], f"ranks of the second run: {pids}")
if 1 in pids:
    os.kill(pids[1], 19)  # SIGSTOP
stopped_at = time.time()
try:
    job.wait(timeout=30)
    elapsed = time.time() - stopped_at
except subprocess.TimeoutExpired:
    job.kill()
    job.wait()
    elapsed = None
for r in readers:
    r.join(timeout=10)
err = "".join(err_lines)
if 1 in pids:
    try:
        os.kill(pids[1], 9)
    except OSError:
        pass
print(f"hung rank: the run stopped after {elapsed} s; stderr:\n{err}")
check(elapsed is not None, "a hung rank left the run waiting 30 s:\n" + err)
check(job.returncode != 0, "mpirun exited 0 with a hung rank")
check("rank 0 of 2: a collective has waited 3 s" in err,
      "rank 0 does not say that it timed out waiting:\n" + err)

check.done()
