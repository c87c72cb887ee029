import json
import sys

t = sys.argv[1]
full = json.load(open(f"{t}/full.json"))
first = json.load(open(f"{t}/first.json"))
second = json.load(open(f"{t}/second.json"))
assert second["run"]["first_step"] == 25 and second["run"]["last_step"] == 40
assert [s["step"] for s in second["steps"]] == list(range(26, 41))
assert \
    [(s["step"], s["loss"]) for s in first["steps"] + second["steps"]] == \
    [(s["step"], s["loss"]) for s in full["steps"]], "losses differ"
print("ok")
