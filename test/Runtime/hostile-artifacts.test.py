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


def edit_train(change):
    def edit(sig):
        change(sig["functions"][0])
    return edit


def add_arg(f):
    f["args"].append(dict(f["args"][1], name="z"))


def x_shape(f):
    f["args"][1]["shape"] = [2, 400]


def x_dtype(f):
    f["args"][1]["dtype"] = "f64"


def rename_x(f):
    f["args"][1]["name"] = "y"


for name, change in [
        ("arg-more", add_arg),
        ("arg-fewer", lambda f: f["args"].pop()),
        ("no-loss", lambda f: f["results"].pop()),
        ("other-entry", lambda f: f.update(symbol="mpt_eval_step")),
        ("x-shape", x_shape),
        ("x-dtype", x_dtype),
        ("renamed", rename_x)]:
    write(f"{name}.mpt", mptfile.with_signature(good, edit_train(change)))
so = mptfile.sections_of(good)[1][1]
write("truncated-so.mpt", mptfile.with_native(good, so[: len(so) * 2 // 3]))
