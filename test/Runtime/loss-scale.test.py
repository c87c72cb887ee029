import json
import sys

import numpy as np

r = json.load(open(sys.argv[1]))
steps = r["steps"]
assert [s["scale"] for s in steps] == [4, 8, 2, 2, 4, 1, 1], steps
assert [s["skipped"] for s in steps] == [False, False, True, False, False, True, False]
assert r["summary"]["skipped_steps"] == 2 and r["summary"]["final_scale"] == 1
# loss = w * g before the update: replay w in float32, skipping steps 3 and 6.
g = np.array([1, 1, 1e4, 1, 1, 3e4, 1], np.float32)
scale = np.float32(4)
w = np.float32(1)
for i, s in enumerate(steps):
    assert s["loss"] == float(np.float32(w * g[i])), (i, s, w)
    if not s["skipped"]:
        scaled = np.float32(g[i] * scale)
        w = np.float32(w - np.float32(0.01) * np.float32(scaled / scale))
    scale = np.float32(s["scale"])
print("ok")
