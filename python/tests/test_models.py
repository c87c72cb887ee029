"""Model zoo, the size knob, the CLI, and a short FP64 training run on the digits."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mpt import SGD, data
from mpt.init import derive_seed, uniform
from mpt.tools import run_tool
from mpt.models import MODELS, build, cnn, make_optimizer

PYDIR = Path(__file__).resolve().parents[1]


def n_params(step):
    return sum(p.size for p in step.params)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_zoo_defaults_take_digits_inputs(name):
    step = build(name)
    shapes = {x.attrs["name"]: (x.shape, x.dtype) for x in step.inputs}
    b = step.batch_size
    assert shapes == {"x": ((b, 8, 8, 1), "f32"), "y": ((b,), "i32")}
    assert step.output.shape == (b, 10)


def test_size_knob_scales_parameters_and_ops():
    for name in MODELS:
        small, big = build(name, blocks=1), build(name, blocks=3)
        assert n_params(big) > n_params(small), name
        assert len(big.to_mlir()) > len(small.to_mlir()), name
    r1, r4 = build("resnet", blocks=1), build("resnet", blocks=4)
    assert len(r4.params) - len(r1.params) == 3 * 4  # two convs (weight, bias) per block


def test_cnn_block_structure():
    m, loss, logits = cnn(batch=2, blocks=4, width=2)
    kinds = [n.attrs.get("kind") for n in m.graph.nodes if n.op == "pool"]
    assert kinds == ["max"] * 3  # 8 -> 4 -> 2 -> 1, then no more pooling
    convs = [p.shape for p in m.params if p.attrs["name"].endswith("weight") and len(p.shape) == 4]
    assert [c[3] for c in convs] == [2, 4, 8, 16]


def test_cli_writes_each_model(tmp_path):
    for args in (["mlp", "--blocks", "3", "--width", "16"], ["cnn", "--batch", "4"],
                 ["resnet", "--blocks", "16", "--batch", "8", "--optimizer", "adam", "--lr", "0.01"],
                 ["transformer", "--blocks", "2", "--heads", "2", "--optimizer", "sgd", "--momentum", "0.9",
                  "--nesterov", "--weight-decay", "1e-4", "--seed", "5"]):
        out = tmp_path / f"{args[0]}.mlir"
        r = subprocess.run([sys.executable, "-m", "mpt.models", *args, "-o", str(out)], cwd=PYDIR,
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        text = out.read_text()
        assert "func.func @train_step(" in text and "func.func @eval_step(" in text
    text = (tmp_path / "resnet.mlir").read_text()
    assert text.count("mpt.adam") == 4 * 16 + 4 and "lr = 0.01 : f32" in text
    text = (tmp_path / "transformer.mlir").read_text()
    assert "nesterov}" in text and "momentum_buffer(" in text
    # per block: 2 forward in each function, 2 x 2 backward in @train_step
    assert text.count("linalg.batch_matmul") == 2 * (2 + 2 + 4)
    r = subprocess.run([sys.executable, "-m", "mpt.models", "mlp", "--functions", "grad_step", "--generic-mpt",
                        "--no-locations"], cwd=PYDIR, capture_output=True, text=True)
    assert r.returncode == 0 and "func.func @grad_step(" in r.stdout and "loc(" not in r.stdout
    assert "train_step" not in r.stdout


@pytest.mark.needs_mpt_opt
def test_seed_changes_init_only(mpt_opt):
    a, b = build("mlp", seed=1), build("mlp", seed=2)
    # The initial values differ where the init draws (weights) and not where
    # it is a constant (biases), and they are the documented draws: uniform
    # in the He bounds with the seed derived from the model seed and the name.
    pa, pb = a.init_params(), b.init_params()
    assert pa.keys() == pb.keys()
    for name in pa:
        if name.endswith(".bias"):
            assert np.all(pa[name] == 0) and np.all(pb[name] == 0), name
            continue
        assert not np.array_equal(pa[name], pb[name]), name
        spec = next(p for p in a.params if p.attrs["name"] == name).attrs["init"]
        assert spec.seed == derive_seed(1, name)
        assert np.array_equal(pa[name], uniform(derive_seed(1, name), pa[name].size, spec.low, spec.high)
                              .reshape(pa[name].shape)), name
    # Everything else is the same program: with the mpt.* signature
    # attributes dropped by mpt's own pass (the real parser, not a regex),
    # the two modules print identically.
    drop = ["-mpt-prepare-entry-points=c-interface=false", "-mlir-print-debuginfo"]
    ia, ib = run_tool(mpt_opt, drop, a.to_mlir()), run_tool(mpt_opt, drop, b.to_mlir())
    assert ia == ib
    assert "mpt.init" not in ia and "func.func @train_step" in ia


def accuracy(step, params, split):
    correct = 0
    n = 0
    for b in data.batches(split, step.batch_size):
        _, logits = step.forward(params, b)
        correct += int(np.sum(np.argmax(logits, 1) == b["y"]))
        n += len(b["y"])
    return correct / n


def test_mlp_learns_digits_in_fp64():
    digits = data.digits()
    step = build("mlp", make_optimizer("sgd", lr=0.5, momentum=0.5), batch=32, blocks=1, width=32)
    params, state = step.init_params(), step.init_state()
    losses = []
    for epoch in range(2):
        for b in data.batches(digits["train"], 32):
            params, state, loss = step.step(params, state, b)
            losses.append(loss)
    assert np.mean(losses[:5]) > 2.0 and np.mean(losses[-10:]) < 0.5
    assert accuracy(step, params, digits["test"]) > 0.8  # the last 360 digits are the harder writers


def test_resnet_and_cnn_loss_decreases_on_a_batch():
    b = next(data.batches(data.digits()["train"], 8))
    for name, kw in (("cnn", dict(blocks=2, width=4)), ("resnet", dict(blocks=2, width=4))):
        step = build(name, SGD(lr=0.05), batch=8, **kw)
        params, state = step.init_params(), step.init_state()
        first = None
        for _ in range(15):
            params, state, loss = step.step(params, state, b)
            first = loss if first is None else first
        assert loss < 0.7 * first, name
