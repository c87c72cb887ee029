"""The random-graph harness (mpt.harness): generator, bounds, failure detection, minimiser."""

import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from mpt import evaluate, graph
from mpt.harness import check, numerics
from mpt.harness.generate import build, random_batch, random_opt_state, random_spec
from mpt.harness.minimize import minimize


def test_every_primitive_has_a_rounding_rule():
    # Every primitive the FP64 evaluator implements (leaves aside).
    for p in set(evaluate.IMPL) - {"input", "param"}:
        assert p in numerics._MOVE | numerics._SUMS | {"ew"}, f"no rounding rule for primitive '{p}'"
    for fn in graph.EW_FNS:
        assert fn in numerics._EXACT_EW | numerics._RELATIVE_EW | set(numerics._CANCELLING_EW), fn


def _ops(spec):
    out, stack = set(), list(spec.get("layers", []))
    while stack:
        layer = stack.pop()
        out.add(layer["op"])
        if layer["op"] == "residual":
            stack += layer["layers"]
    return out


def test_specs_are_deterministic_valid_and_varied():
    ops, kinds, losses, opts = set(), set(), set(), set()
    strided = dilated = asym = False
    for s in range(300):
        spec = random_spec(s)
        assert spec == random_spec(s)
        step = build(spec)          # raises on an invalid spec
        assert "func.func @train_step" in step.to_mlir()
        kinds.add(spec["kind"])
        opts.add(spec["optimizer"]["kind"])
        if spec["kind"] == "layers":
            ops |= _ops(spec)
            losses.add(spec["head"]["loss"])
            for layer in spec["layers"]:
                strided |= layer.get("stride", 1) not in (1, [1, 1])
                dilated |= layer.get("dilation", 1) not in (1, [1, 1])
                asym |= isinstance(layer.get("padding"), list) and isinstance(layer["padding"][0], list)
    assert kinds == {"layers", "loop"}
    assert {"conv2d", "max_pool", "avg_pool", "softmax", "layer_norm", "residual", "dense",
            "multi_head_attention", "self_attention", "global_avg_pool", "flatten", "mean"} <= ops
    assert losses == {"xent", "xent_soft", "mse"} and opts == {"sgd", "adam"}
    assert strided and dilated and asym


def _reference(seed, precision):
    spec = random_spec(seed)
    step = build(spec)
    params = {k: np.asarray(v, np.float32) for k, v in step.init_params().items()}
    return numerics.reference(step, params, random_opt_state(step, seed), random_batch(spec, step, seed),
                              precision)


# Seeds of ordinary graphs; seed 7 is a layer norm over a single feature,
# where the rounding model (which rounds x - mean(x) although it is exactly
# 0) makes the bound loose: see docs/reliability.md.
@pytest.mark.parametrize("seed", [1, 2, 3, 6])
def test_bounds_accept_rounding_and_refuse_errors(seed):
    ref, bound = _reference(seed, "f32")
    tight = 0
    for k, v in ref.items():
        # The exact result rounded once to f32 is inside the bound.
        err, allowed = numerics.compare(np.asarray(v, np.float32), v, bound[k])
        assert err <= allowed, k
        # One element off by 1e-3 of the tensor's largest value is not, unless
        # the graph itself is that sensitive (e.g. a layer norm over one
        # feature amplifies rounding by 1/sqrt(eps)): most tensors are not.
        wrong = np.array(v, np.float64, copy=True).reshape(-1)
        scale = np.max(np.abs(wrong))
        wrong[len(wrong) // 2] += 1e-3 * scale
        err, allowed = numerics.compare(wrong.reshape(np.shape(v)), v, bound[k])
        if bound[k] < 1e-4 * scale:
            tight += 1
            assert err > allowed, k
    assert tight >= 0.9 * len(ref)
    # Lower precisions allow more, in the order of their unit roundoffs.
    _, b16 = _reference(seed, "f16")
    _, bb16 = _reference(seed, "bf16")
    k = "loss"
    assert bound[k] < b16[k] < bb16[k]


def test_bf16_rounding_is_round_to_nearest_even():
    x = np.array([1.0, 1.00390625, 1.01171875, 1.0 + 2 ** -9, -3.0e38, np.inf, np.nan], np.float32)
    got = numerics.round_to(x, "bf16")
    # 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1.0);
    # 1 + 3 * 2^-8 ties up to 1 + 2^-6; 1 + 2^-9 rounds down.
    assert list(got[:4]) == [0x3F80, 0x3F80, 0x3F82, 0x3F80]
    assert got[5] == 0x7F80 and (got[6] & 0x7F80) == 0x7F80 and (got[6] & 0x7F) != 0


# ------------------------------------------------------ the driver can fail
def _fake_tools(tmp_path: Path, overrides: dict) -> Path:
    """A tools directory: the real tools, with some replaced by shell scripts."""
    real = check.tools_dir()
    d = tmp_path / "bin"
    d.mkdir()
    for name in ("mpt-opt", "mpt-compile", "mpt-run", "mpt-artifact"):
        if not (real / name).exists():
            pytest.fail(f"{name} is not built in {real} (needs the tools: ninja -C build all)")
        target = d / name
        if name in overrides:
            target.write_text("#!/bin/sh\n" + overrides[name].replace("REAL", str(real / name)) + "\n")
            target.chmod(target.stat().st_mode | stat.S_IEXEC)
        else:
            target.symlink_to(real / name)
    return d


@pytest.mark.needs_mpt_opt
def test_a_crashing_tool_is_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("MPT_TOOLS_DIR", str(_fake_tools(tmp_path, {"mpt-opt": "kill -SEGV $$"})))
    r = check.check_graph(random_spec(2), legs={"idempotent-f16"})
    assert [(f.leg, f.kind) for f in r.failures] == [("idempotent-f16", "crash")]
    assert "signal 11" in r.failures[0].message


@pytest.mark.needs_mpt_opt
def test_a_wrong_result_is_a_numeric_failure(tmp_path, monkeypatch):
    # mpt-run runs, then one element of result 0 (a new parameter) moves by
    # 1e-4 of the tensor's largest value: about 1000 f32 ulps.
    corrupt = ('import numpy as np, sys\n'
               'f = sys.argv[1] + "/0.npy"\n'
               'a = np.load(f)\n'
               'a.flat[0] += np.float32(1e-4) * np.abs(a).max()\n'
               'np.save(f, a)\n')
    (tmp_path / "corrupt.py").write_text(corrupt)
    script = ('REAL "$@" || exit $?\n'
              'for a in "$@"; do case "$a" in --output-dir=*) d="${a#--output-dir=}";; esac; done\n'
              f'python3 {tmp_path / "corrupt.py"} "$d"')
    monkeypatch.setenv("MPT_TOOLS_DIR", str(_fake_tools(tmp_path, {"mpt-run": script})))
    r = check.check_graph(random_spec(2), legs={"cpu-f32"})
    assert [(f.leg, f.kind) for f in r.failures] == [("cpu-f32", "numeric")]


@pytest.mark.needs_mpt_opt
def test_the_minimiser_keeps_what_fails(tmp_path, monkeypatch):
    # A compiler that crashes on every convolution and refuses everything else.
    script = 'grep -q linalg.conv_2d "$1" && kill -SEGV $$\necho "error: refused" >&2; exit 1'
    monkeypatch.setenv("MPT_TOOLS_DIR", str(_fake_tools(tmp_path, {"mpt-compile": script})))
    spec = next(s for s in map(random_spec, range(100, 400))
                if s["kind"] == "layers" and "conv2d" in _ops(s) and len(s["layers"]) >= 3)
    r = check.check_graph(spec, legs={"cpu-f32"})
    assert [(f.leg, f.kind) for f in r.failures] == [("cpu-f32", "crash")]
    small = minimize(spec, r.failures[0], r.plan)
    assert [x["op"] for x in small["layers"]] in (["conv2d"], ["conv2d", "flatten"], ["conv2d", "global_avg_pool"])
    assert small["batch"] == 1 and small["head"]["classes"] == 2
    assert small["plan"] == r.plan
    json.dumps(small)
