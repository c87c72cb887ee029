import json
import resource
import subprocess
import sys

run, t = sys.argv[1], sys.argv[2]


def peak_kib(*args):
    """The largest peak RSS of any child so far, after running mpt-run."""
    subprocess.run([run, f"{t}/sgd.mpt", "--data", f"{t}/data", "-q", *args],
                   check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


steps = 300000
small = peak_kib("--steps", "1000")
large = peak_kib("--steps", str(steps))
# 300000 steps at 1.1 KB would be 330 MB more.
assert large - small < 32 * 1024, (small, large)

reported = peak_kib("--steps", str(steps), "--report", f"{t}/r.json")
# 12 MB of records and the 27 MB text of the report.
assert reported - small < 80 * 1024, (small, reported)
r = json.load(open(f"{t}/r.json"))
assert len(r["steps"]) == steps
assert r["steps"][0]["step"] == 1 and r["steps"][-1]["step"] == steps
assert set(r["steps"][-1]) == {"step", "loss", "scale", "skipped", "ms"}
assert r["timing"]["step_ms"]["min"] <= r["timing"]["step_ms"]["median"]
print("ok", small, large, reported)
