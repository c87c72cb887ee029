"""Runs every mpt writer into private FIFOs (and, as root, a private node of
the null device) and checks that the nodes stay nodes and get the bytes."""
import os
import select
import stat
import subprocess
import sys
import time

tmp, src, bin_dir = sys.argv[1], sys.argv[2], sys.argv[3]
os.environ["PATH"] = bin_dir + os.pathsep + os.environ["PATH"]
x_npy = os.path.join(tmp, "x.npy")
subprocess.check_call(["mpt-artifact", "extract", f"{tmp}/sgd.mpt",
                       "--native", f"{tmp}/sgd.so"])
import numpy as np  # noqa: E402
np.save(x_npy, np.arange(4, dtype=np.float32))

# name, command with @OUT@ for the destination, what the bytes start with
WRITERS = [
    ("mpt-run --report", ["mpt-run", f"{tmp}/sgd.mpt", f"--data={tmp}/good",
                          "--steps=2", "-q", "--report=@OUT@"], b"{"),
    ("mpt-run --checkpoint", ["mpt-run", f"{tmp}/sgd.mpt",
                              f"--data={tmp}/good", "--steps=2", "-q",
                              "--checkpoint=@OUT@"], b"\x89MPC"),
    ("mpt-artifact extract --native", ["mpt-artifact", "extract",
                                       f"{tmp}/sgd.mpt", "--native", "@OUT@"],
     b"\x7fELF"),
    ("mpt-artifact pack -o", ["mpt-artifact", "pack", "--signature",
                              f"{src}/test/Runtime/Inputs/sgd.json",
                              "--native", f"{tmp}/sgd.so", "-o", "@OUT@"],
     b"\x89MPT"),
    ("mpt-compile -o", ["mpt-compile",
                        f"{src}/examples/linear_mse_train_step.mlir",
                        "-o", "@OUT@"], b"\x89MPT"),
    ("mpt-ptx-emu out", ["mpt-ptx-emu", f"{src}/test/PTXEmu/Inputs/simple.ptx",
                          "--kernel", "fill", "--grid", "1", "--block", "6",
                          "--arg", "out:@OUT@:u32:2,3", "--arg", "u32:7",
                          "--quiet"], b"\x93NUMPY"),
]


def run(cmd, out):
    return subprocess.run([a.replace("@OUT@", out) for a in cmd],
                          capture_output=True, timeout=300)


def into_fifo(name, cmd, magic):
    fifo = os.path.join(tmp, "fifo-" + name.split()[0] + str(len(name)))
    os.mkfifo(fifo)
    # The read end is open before the writer starts (a writer refuses a
    # FIFO nobody reads, see below), and drained while it runs (a writer
    # blocks once the pipe's buffer is full). Until the writer opens the
    # FIFO, and after it closes it, reads return no bytes.
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    proc = subprocess.Popen([a.replace("@OUT@", fifo) for a in cmd],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    chunks = []

    def drain():
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    deadline = time.time() + 300
    while proc.poll() is None and time.time() < deadline:
        select.select([fd], [], [], 0.05)
        drain()
    if proc.poll() is None:
        proc.kill()
    _, err = proc.communicate()
    drain()
    os.close(fd)
    got = b"".join(chunks)
    assert proc.returncode == 0, (name, err.decode())
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), f"{name} replaced the FIFO"
    assert got, f"{name} never wrote into the FIFO"
    assert got.startswith(magic), (name, got[:16])
    print(f"fifo {name}: ok")


for w in WRITERS:
    into_fifo(*w)

# Nobody reads this FIFO: an error naming it, at once, and the FIFO stays.
lonely = os.path.join(tmp, "lonely")
os.mkfifo(lonely)
r = run(WRITERS[0][1], lonely)
assert r.returncode == 1, r
assert b"no process is reading from it" in r.stderr, r.stderr
assert stat.S_ISFIFO(os.lstat(lonely).st_mode)
print("fifo without a reader: refused, still a FIFO")

if os.geteuid() == 0:
    null = os.path.join(tmp, "null")
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    for name, cmd, _ in WRITERS:
        r = run(cmd, null)
        assert r.returncode == 0, (name, r.stderr.decode())
        st = os.lstat(null)
        assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3), \
            f"{name} replaced the device node"
    # Two outputs may share a device node: it is written, never replaced.
    r = run(["mpt-run", f"{tmp}/sgd.mpt", f"--data={tmp}/good", "--steps=1",
             "-q", "--report=@OUT@", "--checkpoint=@OUT@"], null)
    assert r.returncode == 0, r.stderr.decode()
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    print(f"device nodes: {len(WRITERS)} writers ok")
else:
    print("device nodes: not tried (mknod needs root)")
