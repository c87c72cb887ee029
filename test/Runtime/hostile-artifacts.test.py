"""Fixtures of hostile-artifacts.test: artifacts edited by hand."""
import json
import os
import sys

t, inputs = sys.argv[1], sys.argv[2]
sys.path.insert(0, inputs)
import mptfile  # noqa: E402

good = open(f"{t}/sgd.mpt", "rb").read()
open(f"{t}/sgd.so", "wb").write(mptfile.sections_of(good)[1][1])


def write(name, data):
    open(os.path.join(t, name), "wb").write(data)


def rename_input(new):
    def edit(sig):
        for f in sig["functions"]:
            f["args"][1]["name"] = new
    return edit


write("escape.mpt", mptfile.with_signature(good, rename_input("../../escape")))
sig = json.load(open(f"{inputs}/sgd.json"))
rename_input("../../escape")(sig)
json.dump(sig, open(f"{t}/escape.json", "w"))
write("escape-ctl.mpt", mptfile.with_signature(good, rename_input("x\x1b[2Jy")))
