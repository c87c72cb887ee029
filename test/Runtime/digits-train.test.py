import json
import sys

import numpy as np

from mpt.data import digits

t = sys.argv[1]
r = json.load(open(f"{t}/report.json"))
W = np.load(f"{t}/state/W.npy").astype(np.float64)
b = np.load(f"{t}/state/b.npy").astype(np.float64)
test = digits()["test"]
x, y = test["x"][:352].reshape(352, 64).astype(np.float64), test["y"][:352]
correct = int(np.sum(np.argmax(x @ W + b, axis=1) == y))
e = r["eval"]
assert e["correct"] == correct and e["samples"] == 352 and e["unused_samples"] == 8, (e, correct)
assert e["accuracy"] == correct / 352 and e["accuracy"] >= 0.85, e
losses = [s["loss"] for s in r["steps"]]
assert np.mean(losses[-100:]) < 0.3 * np.mean(losses[:20]), losses[:20]
print("ok", correct)
