import json
import resource
import subprocess
import sys

run, tool, t, cc, inputs = sys.argv[1:6]
sig = json.loads(subprocess.check_output([tool, "signature", f"{t}/sgd.mpt"]))


def pack(name, elements):
    """sgd with `w` resized to `elements` floats: sgd.c compiled with the ABI
    record of that table (the runtime runs code only with the table it was
    compiled for; these runs take no step, so sgd.c never touches w)."""
    s = json.loads(json.dumps(sig))
    for f in s["functions"]:
        for a in f["args"] + f["results"]:
            if a.get("name") == "w" or a.get("updates") == "w":
                a["shape"] = [elements]
    open(f"{t}/{name}.json", "w").write(json.dumps(s))
    subprocess.run([tool, "abi-source", f"{t}/{name}.json", "-o",
                    f"{t}/{name}.abi.c"], check=True)
    subprocess.run([cc, "-shared", "-fPIC",
                    f"-Wl,--version-script={inputs}/exports.map",
                    f"{inputs}/sgd.c", f"{t}/{name}.abi.c", "-o",
                    f"{t}/{name}.so"], check=True)
    subprocess.run([tool, "pack", "--signature", f"{t}/{name}.json",
                    "--native", f"{t}/{name}.so", "-o", f"{t}/{name}.mpt"],
                   check=True)


def limited(*args, limit=1280 << 20):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return subprocess.run([run, *args], preexec_fn=set_limit,
                          capture_output=True, text=True)


pack("big", 1 << 27)  # 512 MiB
p = limited(f"{t}/big.mpt", "--steps", "0", "-q")
assert p.returncode == 0, (p.returncode, p.stderr)
# Dumping it holds one more copy (the file being written).
p = limited(f"{t}/big.mpt", "--steps", "0", "-q", "--dump-state", f"{t}/dump",
            limit=1856 << 20)
assert p.returncode == 0, (p.returncode, p.stderr)
# The initial value is sgd's uniform init, element by element.
import numpy as np  # noqa: E402
w = np.load(f"{t}/dump/w.npy", mmap_mode="r")
assert w.shape == (1 << 27,) and w.dtype == np.float32


def uniform(i, seed=7, lo=-0.5, hi=0.5):
    m = (1 << 64) - 1
    z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    z ^= z >> 31
    return np.float32(lo + (hi - lo) * ((z >> 11) * 2.0**-53))


for i in (0, 65535, 65536, 12345678, (1 << 27) - 1):
    assert w[i] == uniform(i), (i, w[i], uniform(i))

pack("huge", 1 << 40)  # 4 TiB
p = limited(f"{t}/huge.mpt", "--steps", "0", "-q")
assert p.returncode == 1, (p.returncode, p.stderr)
want = (f"mpt-run: error: {t}/huge.mpt: state 'w' (f32[1099511627776], "
        f"4398046511104 bytes): out of host memory allocating 4398046511104 "
        f"bytes\n")
assert p.stderr == want, p.stderr
print("ok")
