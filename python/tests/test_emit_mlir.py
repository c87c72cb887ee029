"""The emitted MLIR: signature contract, op forms the passes match on, literals, size, and parsing."""

import re
import time

import numpy as np
import pytest

from mpt import SGD, Adam, Model
from mpt.emit_mlir import emit_module, fmt_f32, fmt_f64
from mpt.models import build, make_optimizer
from mpt.tools import run_tool


def two_layer_mlp(opt=None, batch=32):
    m = Model("mlp2", seed=0)
    x = m.input("x", (batch, 64))
    y = m.input("y", (batch,), "i32")
    h = m.dense(x, 32, activation="relu", name="dense0")
    logits = m.dense(h, 10, init="glorot", name="dense1")
    return m.compile(m.softmax_cross_entropy(logits, y), opt or SGD(lr=0.1), output=logits)


def func_text(text, name):
    start = text.index(f"func.func @{name}(")
    end = text.index("\n  }\n", start)
    return text[start:end]


def signature(ftext):
    """[(type, attrs)] of the arguments and of the results of a function header line."""
    header = ftext.split("\n", 1)[0]
    args_part, res_part = header.split(") -> (", 1)
    args = re.findall(r"%arg\d+: (tensor<[^>]*>) \{([^{}]*(?:\{[^{}]*\}[^{}]*)?)\}", args_part)
    res = re.findall(r"(tensor<[^>]*>) \{([^{}]*)\}", res_part)
    return args, res


GENERIC_RE = re.compile(
    r"(%\w+) = linalg\.generic \{indexing_maps = \[([^\]]*)\], iterator_types = \[([^\]]*)\]\}"
    r"(?: ins\(([^:]*) :[^)]*\))? outs\(([^:]*) :[^)]*\) \{\n\s*\^bb0\([^)]*\):\n(.*?)\n\s*\} -> ", re.S)


def generics(ftext, maps):
    out = []
    for m in GENERIC_RE.finditer(ftext):
        name, mp, iters, ins, outs, body = m.groups()
        ops = [re.search(r"= ([\w.]+)", line).group(1) for line in body.split("\n") if " = " in line]
        out.append(dict(name=name, maps=[maps[a.strip()] for a in mp.split(",")],
                        iters=re.findall(r'"(\w+)"', iters), ins=[s.strip() for s in (ins or "").split(",") if s],
                        out=outs.strip(), ops=ops, body=body))
    return out


def map_aliases(text):
    return dict(re.findall(r"^(#map\d+) = (affine_map<.*>)$", text, re.M))


# ------------------------------------------------------------------ contract
def test_train_step_signature_roles_names_init():
    step = two_layer_mlp(SGD(lr=0.1, momentum=0.9))
    text = step.to_mlir()
    args, res = signature(func_text(text, "train_step"))
    names = [re.search(r'mpt.name = "([^"]*)"', a).group(1) for _, a in args]
    roles = [re.search(r"mpt.role = #mpt.role<(\w+)>", a).group(1) for _, a in args]
    assert names == ["dense0.weight", "dense0.bias", "dense1.weight", "dense1.bias",
                     "dense0.weight.momentum", "dense0.bias.momentum", "dense1.weight.momentum",
                     "dense1.bias.momentum", "x", "y"]
    assert roles == ["param"] * 4 + ["opt_state"] * 4 + ["input"] * 2
    types = [t for t, _ in args]
    assert types[0] == "tensor<64x32xf32>" and types[-2] == "tensor<32x64xf32>" and types[-1] == "tensor<32xi32>"
    assert "mpt.init = #mpt.init<dist = uniform, low = -0.30618621784789724, high = 0.30618621784789724, " \
           "seed = " in args[0][1]
    assert "mpt.init = #mpt.init<dist = zeros>" in args[1][1] and "mpt.init = #mpt.init<dist = zeros>" in args[4][1]
    assert "mpt.init" not in args[8][1]
    # Results: every state argument's replacement, then the loss.
    assert [a for _, a in res] == [f'mpt.role = #mpt.role<{r}>, mpt.updates = "{n}"' for r, n in zip(roles[:8], names[:8])] \
        + ["mpt.role = #mpt.role<loss>"]
    assert [t for t, _ in res] == types[:8] + ["tensor<f32>"]


@pytest.mark.needs_mpt_opt
def test_signature_as_the_compiler_reads_it(mpt_opt, tmp_path):
    # The same contract read back by the compiler's own parser of the typed
    # #mpt.role / #mpt.init attributes (mpt-compile, then the artifact's
    # signature), compared with the frontend's argument specs: every name,
    # role, dtype, shape and init field, the seed to the last bit.
    import json
    import subprocess
    from pathlib import Path
    step = build("mlp", make_optimizer("adam"), batch=4, blocks=1, width=8, input_shape=(6,), classes=3)
    src = tmp_path / "step.mlir"
    src.write_text(step.to_mlir())
    bindir = Path(mpt_opt).parent
    subprocess.run([str(bindir / "mpt-compile"), str(src), "-o", str(tmp_path / "step.mpt")], check=True,
                   capture_output=True, timeout=300)
    sig = json.loads(subprocess.run([str(bindir / "mpt-artifact"), "signature", str(tmp_path / "step.mpt")],
                                    check=True, capture_output=True, text=True).stdout)
    funcs = {f["name"]: f for f in sig["functions"]}
    assert set(funcs) == {"train_step", "eval_step"}

    def want_arg(spec):
        a = {"name": spec.name, "role": spec.role, "dtype": spec.dtype, "shape": list(spec.shape)}
        if spec.role == "input" and spec.dtype == "i32":
            a["classes"] = 3  # the compiler records the label range it derives from the loss
        if spec.init is not None:
            i = spec.init
            a["init"] = {"dist": i.dist, **({"value": i.value} if i.dist == "constant" else {}),
                         **({"low": i.low, "high": i.high, "seed": str(i.seed)} if i.dist == "uniform" else {})}
        return a

    assert funcs["train_step"]["args"] == [want_arg(s) for s in step.train_arguments()]
    assert funcs["eval_step"]["args"] == [want_arg(s) for s in step.eval_arguments()]
    state = [s for s in step.train_arguments() if s.role != "input"]
    assert funcs["train_step"]["results"] == [
        {"role": s.role, "updates": s.name, "dtype": s.dtype, "shape": list(s.shape)} for s in state] \
        + [{"role": "loss", "dtype": "f32", "shape": []}]
    assert any(a["init"]["dist"] == "uniform" for a in funcs["train_step"]["args"] if "init" in a)


def test_eval_step_signature():
    step = two_layer_mlp(Adam(lr=1e-3))
    args, res = signature(func_text(step.to_mlir(), "eval_step"))
    assert [re.search(r"mpt.role = #mpt.role<(\w+)>", a).group(1) for _, a in args] == ["param"] * 4 + ["input"] * 2
    assert res == [("tensor<f32>", "mpt.role = #mpt.role<loss>"),
                   ("tensor<32x10xf32>", 'mpt.role = #mpt.role<output>, mpt.name = "logits"')]
    assert "mpt." not in func_text(step.to_mlir(), "eval_step").split("\n", 1)[1]  # no mpt ops


def test_mpt_op_syntax_sgd_plain_momentum_nesterov_and_adam():
    t = two_layer_mlp(SGD(lr=0.1)).to_mlir()
    assert re.search(r"= mpt\.loss %v\d+ : tensor<f32>", t)
    assert re.search(r"= mpt\.grad_seed %v\d+ : tensor<f32>", t)
    assert re.search(r"%new0 = mpt\.sgd %arg0, %v\d+ \{lr = 0\.1 : f32\} : tensor<64x32xf32>", t)
    t = two_layer_mlp(SGD(lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True)).to_mlir()
    assert re.search(r"%new2, %new2_m = mpt\.sgd %arg2, %v\d+ momentum_buffer\(%arg6\) \{lr = 0\.1 : f32, "
                     r"momentum = 0\.9 : f32, weight_decay = 1\.0e-04 : f32, nesterov\} : tensor<32x10xf32>", t)
    t = two_layer_mlp(Adam(lr=1e-3, weight_decay=0.01)).to_mlir()
    # arguments: 4 params, (m, v) per param, adam.step, x, y
    assert re.search(r"%new1, %new1_m, %new1_v, %new1_t = mpt\.adam %arg1, %v\d+, %arg6, %arg7, %arg12 "
                     r"\{lr = 0\.001 : f32, beta1 = 0\.9 : f32, beta2 = 0\.999 : f32, eps = 1\.0e-08 : f32, "
                     r"weight_decay = 0\.01 : f32\} : tensor<32xf32>", t)
    assert 'tensor<f32> {mpt.role = #mpt.role<opt_state>, mpt.name = "adam.step", mpt.init = #mpt.init<dist = zeros>}' in t
    # The shared step count is returned once, from the first adam op.
    assert "return %new0, %new0_m, %new0_v, %new1_m" not in t
    assert re.search(r"return %new0, %new1, %new2, %new3, %new0_m, %new0_v, %new1_m, %new1_v, %new2_m, "
                     r"%new2_v, %new3_m, %new3_v, %new0_t, %v\d+ :", t)


def test_relu_forward_and_backward_forms():
    t = two_layer_mlp().to_mlir()
    ft = func_text(t, "train_step")
    gs = generics(ft, map_aliases(t))
    relus = [g for g in gs if "arith.maximumf" in g["ops"] and g["iters"] == ["parallel", "parallel"]]
    assert len(relus) == 1
    relu = relus[0]
    assert re.search(r"%t0 = arith.constant 0\.0 : f32\n\s*%t1 = arith.maximumf %in0, %t0 : f32", relu["body"])
    grads = [g for g in gs if g["ops"] == ["arith.constant", "arith.cmpf", "arith.select"]]
    assert len(grads) == 1
    assert "arith.cmpf ogt, %in0, %t0" in grads[0]["body"] and "arith.select %t1, %in1, %t0" in grads[0]["body"]
    # relu backward reads the ReLU *input* (pre-activation), not its output.
    assert grads[0]["ins"][0] == relu["ins"][0]


def test_contractions_are_zero_filled_and_bias_add_broadcasts_last_dim():
    t = build("cnn", batch=4, blocks=2, width=4).to_mlir()
    fills = dict(re.findall(r"(%init\d+) = linalg\.fill ins\((%cst\d+) : f32\)", t))
    consts = dict(re.findall(r"(%cst\d+) = arith\.constant (\S+) : f32", t))
    named = re.findall(r"= linalg\.(matmul|batch_matmul|conv_2d_nhwc_hwcf)\b.*? outs\((%\w+) :", t)
    assert {k for k, _ in named} == {"matmul", "conv_2d_nhwc_hwcf"}
    for _, init in named:
        assert consts[fills[init]] == "0.0"
    maps = map_aliases(t)
    gs = generics(func_text(t, "train_step"), maps)
    bias = [g for g in gs if g["ops"] == ["arith.addf"] and len(g["ins"]) == 2 and
            g["maps"][1] == "affine_map<(d0, d1, d2, d3) -> (d3)>"]
    assert len(bias) == 2 and all(b["ins"][1].startswith("%arg") for b in bias)


def test_conv_backward_is_recognizable_contractions():
    step = build("cnn", batch=2, blocks=2, width=4)
    t = step.to_mlir()
    gs = generics(func_text(t, "train_step"), map_aliases(t))
    contractions = [g for g in gs if g["ops"] == ["arith.mulf", "arith.addf"] and "reduction" in g["iters"]]
    # conv0: filter grad only (its input is the batch); conv1: filter and input grads.
    assert len(contractions) == 3
    for g in contractions:
        assert g["iters"] == ["parallel"] * 4 + ["reduction"] * 3
        assert re.search(r"%t0 = arith.mulf %in0, %in1 : f32\n\s*%t1 = arith.addf %out, %t0 : f32", g["body"])
    filt = [g for g in contractions if g["maps"][2] == "affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>"
            and "d5 + d0" in g["maps"][0]]
    inp = [g for g in contractions if "d1 - d4 + 2" in g["maps"][0]]
    assert len(filt) == 2 and len(inp) == 1


def test_strided_dilated_conv_backward_maps():
    m = Model(seed=0)
    x = m.input("x", (2, 9, 9, 3))
    y = m.input("y", (2,), "i32")
    h = m.conv2d(m.conv2d(x, 4, 3, name="a"), 5, 3, stride=2, dilation=2, padding=1, name="b")
    step = m.compile(m.softmax_cross_entropy(m.dense(m.flatten(h), 3), y), SGD(lr=0.1))
    t = step.to_mlir()
    assert "affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5 * 2 + d0 * 2, d6 * 2 + d1 * 2, d2)>" in t
    assert "affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 - d4 * 2 + 4, d2 - d5 * 2 + 4, d6)>" in t
    # stride 2: the output gradient is dilated with a strided insert_slice into zeros
    assert re.search(r"tensor\.insert_slice %\w+ into %init\d+\[0, 4, 4, 0\] \[2, 3, 3, 5\] \[1, 2, 2, 1\]", t)
    assert "linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}" in t


def test_locations_name_layers():
    t = two_layer_mlp().to_mlir()
    assert re.search(r'linalg\.matmul .* loc\("dense0"\)', t)
    assert re.search(r'mpt\.sgd .* loc\("dense1\.bias"\)', t)
    assert 'loc("dense1.grad")' in t
    assert "loc(" not in two_layer_mlp().to_mlir(locations=False)


# ------------------------------------------------------------------ literals
def test_float_literals_round_trip():
    rng = np.random.default_rng(0)
    vals = list(rng.standard_normal(2000) * 10.0 ** rng.integers(-30, 30, 2000)) + [0.1, 1e-8, 0.999, 3.0, 1e-4]
    for v in vals:
        s = fmt_f32(v)
        assert re.fullmatch(r"-?\d+\.\d*(e-?\d+)?", s), s
        assert np.float32(float(s)) == np.float32(v)  # MLIR: decimal -> double -> f32
        d = fmt_f64(v)
        assert re.fullmatch(r"-?\d+\.\d*(e[-+]?\d+)?", d) and float(d) == float(v)
    assert fmt_f32(0.1) == "0.1" and fmt_f32(1e-8) == "1.0e-08" and fmt_f32(-np.inf) == "0xFF800000"


# ---------------------------------------------------------------- size/speed
def test_resnet_200_emits_tens_of_thousands_of_ops_quickly():
    t0 = time.perf_counter()
    step = build("resnet", blocks=200, batch=8)
    text = step.to_mlir()
    elapsed = time.perf_counter() - t0
    ops = len(re.findall(r"(?:= |^\s*)(?:arith|math|linalg|tensor|mpt)\.\w+", text, re.M))
    assert ops > 20000, ops  # textual; mlir-opt counts ~37k (named ops carry bodies)
    assert elapsed < 30, f"resnet-200 took {elapsed:.1f}s"
    # linear: four times the blocks, about four times the text
    small = build("resnet", blocks=50, batch=8).to_mlir()
    assert 3.5 < len(text) / len(small) < 4.5


# ------------------------------------------------------------------ parsing
ALL = [(model, opt) for model in ("mlp", "cnn", "resnet", "transformer")
       for opt in ({"name": "sgd"}, {"name": "sgd", "momentum": 0.9, "nesterov": True, "weight_decay": 1e-4},
                   {"name": "adam", "weight_decay": 0.01})]


def _small(model):
    return {"resnet": dict(blocks=3), "transformer": dict(blocks=2)}.get(model, {})


@pytest.mark.needs_mlir_tools
@pytest.mark.parametrize("model,opt", ALL)
def test_stock_mlir_opt_verifies_everything_but_mpt_ops(mlir_opt, model, opt):
    opt = dict(opt)
    step = build(model, make_optimizer(opt.pop("name"), **opt), **_small(model))
    text = emit_module(step, functions=("train_step", "eval_step", "grad_step"), mpt_syntax="generic")
    run_tool(mlir_opt, ["--allow-unregistered-dialect", "--verify-each", "-o", "/dev/null"], text)


@pytest.mark.needs_mpt_opt
@pytest.mark.parametrize("model,opt", ALL)
def test_mpt_opt_parses_and_verifies(mpt_opt, model, opt):
    opt = dict(opt)
    step = build(model, make_optimizer(opt.pop("name"), **opt), **_small(model))
    out = run_tool(mpt_opt, ["--verify-each"], step.to_mlir())
    assert "mpt.grad_seed" in out and "func.func @eval_step" in out
    assert ("mpt.adam" in out) == (step.optimizer.kind == "adam")


@pytest.mark.needs_mpt_opt
def test_mpt_opt_parses_resnet_200(mpt_opt):
    out = run_tool(mpt_opt, ["--verify-each"], build("resnet", blocks=200, batch=4).to_mlir())
    assert out.count("mpt.sgd") == 4 * 200 + 4
