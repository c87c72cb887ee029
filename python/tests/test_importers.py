"""The framework importers (mpt.importers.torch / .jax) against the frameworks' own training.

Tests that need torch + torch-mlir, or jax + iree-base-compiler, skip with
the reason when those are missing (scripts/setup.sh installs them from
requirements-importers*.txt). They need mpt-compile and mpt-run (built in
build/ or $MPT_BUILD_DIR) and fail without them, like the other tool tests.
"""

from __future__ import annotations

import contextlib
import importlib
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mpt.importers import mlir_text
from mpt.importers.mlir_text import ImportError_
from mpt.tools import ToolNotFound


def _have(*modules: str) -> str | None:
    """None when every module imports, else why not."""
    for m in modules:
        try:
            importlib.import_module(m)
        except Exception as e:  # an import can fail with OSError (shared libraries) too
            return f"{m} is not importable ({type(e).__name__}: {e}); install requirements-importers*.txt"
    return None


_no_torch = _have("torch", "torch_mlir.fx")
_no_jax = _have("jax", "iree.compiler.tools")
needs_torch = pytest.mark.skipif(_no_torch is not None, reason=_no_torch or "")
needs_jax = pytest.mark.skipif(_no_jax is not None, reason=_no_jax or "")


def tool(name: str) -> str:
    from mpt.importers.compare import find_tool
    try:
        return find_tool(name)
    except ToolNotFound as e:
        pytest.fail(str(e))


def compile_ok(mlir: Path, precision: str, out: Path) -> str:
    """Compiles; returns stderr, which must be empty (no warnings)."""
    r = subprocess.run([tool("mpt-compile"), str(mlir), f"--precision={precision}", "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stderr


# ---------------------------------------------------------------------------
# Scatter ops to loops: executed, compared with numpy (no framework needed)
# ---------------------------------------------------------------------------

SCATTER_ADD = """
module {
  func.func @scatter_add(%upd: tensor<5xf32> {mpt.role = #mpt.role<input>, mpt.name = "upd"}, %idx: tensor<5x2xi64> {mpt.role = #mpt.role<input>, mpt.name = "idx"}, %orig: tensor<3x4xf32> {mpt.role = #mpt.role<input>, mpt.name = "orig"}) -> (tensor<3x4xf32> {mpt.role = #mpt.role<output>, mpt.name = "out"}) {
    %0 = tm_tensor.scatter {dimension_map = array<i64: 0, 1>} unique_indices(false) ins(%upd, %idx : tensor<5xf32>, tensor<5x2xi64>) outs(%orig : tensor<3x4xf32>) {
    ^bb0(%arg5: f32, %arg6: f32):
      %1 = arith.addf %arg6, %arg5 : f32
      tm_tensor.yield %1 : f32
    } -> tensor<3x4xf32>
    return %0 : tensor<3x4xf32>
  }
  func.func @scatter_rows(%upd: tensor<2x4xf32> {mpt.role = #mpt.role<input>, mpt.name = "upd"}, %idx: tensor<2x1xi32> {mpt.role = #mpt.role<input>, mpt.name = "idx"}, %orig: tensor<3x4xf32> {mpt.role = #mpt.role<input>, mpt.name = "orig"}) -> (tensor<3x4xf32> {mpt.role = #mpt.role<output>, mpt.name = "out"}) {
    %0 = iree_linalg_ext.scatter dimension_map = [0] unique_indices(true) ins(%upd, %idx : tensor<2x4xf32>, tensor<2x1xi32>) outs(%orig : tensor<3x4xf32>) {
    ^bb0(%arg5: f32, %arg6: f32):
      iree_linalg_ext.yield %arg5 : f32
    } -> tensor<3x4xf32>
    return %0 : tensor<3x4xf32>
  }
}
"""


def test_scatters_run_as_loops_like_numpy(tmp_path):
    text, n = mlir_text.scatters_to_loops(SCATTER_ADD)
    assert n == 2 and "scatter" not in text.replace("@scatter_", "")
    src = tmp_path / "s.mlir"
    src.write_text(text)
    art = tmp_path / "s.mpt"
    compile_ok(src, "f32", art)
    rng = np.random.default_rng(3)
    upd = rng.standard_normal(5).astype(np.float32)
    idx = np.array([[0, 1], [2, 3], [0, 1], [1, 0], [2, 3]], np.int64)  # repeated rows accumulate
    orig = rng.standard_normal((3, 4)).astype(np.float32)
    for name, arr in (("upd", upd), ("idx", idx), ("orig", orig)):
        np.save(tmp_path / f"{name}.npy", arr)
    out = tmp_path / "out"
    subprocess.run([tool("mpt-run"), str(art), "--call=scatter_add", f"--input=upd={tmp_path / 'upd.npy'}",
                    f"--input=idx={tmp_path / 'idx.npy'}", f"--input=orig={tmp_path / 'orig.npy'}",
                    f"--output-dir={out}"], check=True, capture_output=True, text=True)
    want = orig.astype(np.float64).copy()
    np.add.at(want, (idx[:, 0], idx[:, 1]), upd.astype(np.float64))
    got = np.load(next(out.glob("*.npy")))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)

    rows = rng.standard_normal((2, 4)).astype(np.float32)
    ridx = np.array([[2], [0]], np.int32)
    np.save(tmp_path / "rows.npy", rows)
    np.save(tmp_path / "ridx.npy", ridx)
    out2 = tmp_path / "out2"
    subprocess.run([tool("mpt-run"), str(art), "--call=scatter_rows", f"--input=upd={tmp_path / 'rows.npy'}",
                    f"--input=idx={tmp_path / 'ridx.npy'}", f"--input=orig={tmp_path / 'orig.npy'}",
                    f"--output-dir={out2}"], check=True, capture_output=True, text=True)
    want2 = orig.copy()
    want2[[2, 0]] = rows
    np.testing.assert_array_equal(np.load(next(out2.glob("*.npy"))), want2)


NEG_PAD = """
module {
  func.func @crop(%x: tensor<2x5xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}) -> (tensor<2x6xf32> {mpt.role = #mpt.role<output>, mpt.name = "out"}) {
    %cst = arith.constant 7.0 : f32
    %padded = tensor.pad %x low[0, -1] high[0, 2] {
    ^bb0(%i: index, %j: index):
      tensor.yield %cst : f32
    } : tensor<2x5xf32> to tensor<2x6xf32>
    return %padded : tensor<2x6xf32>
  }
}
"""


def test_negative_pad_runs_as_a_slice_like_numpy(tmp_path):
    """low -1 (a crop) and high +2 on one dimension: slice, then pad with the region's value."""
    text, n = mlir_text.negative_pads_to_slices(NEG_PAD)
    assert n == 1 and "tensor.extract_slice" in text
    src = tmp_path / "p.mlir"
    src.write_text(text)
    art = tmp_path / "p.mpt"
    compile_ok(src, "f32", art)
    x = np.arange(10, dtype=np.float32).reshape(2, 5)
    np.save(tmp_path / "x.npy", x)
    subprocess.run([tool("mpt-run"), str(art), "--call=crop", f"--input=x={tmp_path / 'x.npy'}",
                    f"--output-dir={tmp_path / 'o'}"], check=True, capture_output=True, text=True)
    want = np.pad(x[:, 1:], ((0, 0), (0, 2)), constant_values=7.0)
    np.testing.assert_array_equal(np.load(next((tmp_path / "o").glob("*.npy"))), want)


def test_scatter_with_batched_indices_is_a_clear_error():
    bad = SCATTER_ADD.replace("tensor<5x2xi64>", "tensor<5x1x2xi64>")
    with pytest.raises(ImportError_, match="one index row per update"):
        mlir_text.scatters_to_loops(bad)


def test_unknown_dialect_op_is_a_clear_error():
    with pytest.raises(ImportError_, match="torch.aten.foo"):
        mlir_text.scatters_to_loops("%0 = torch.aten.foo %x : tensor<f32>\n")


def test_iree_util_functions_become_func():
    text = "util.func public @main(%a: tensor<f32>) -> tensor<f32> {\n  util.return %a : tensor<f32>\n}\n"
    out = mlir_text.iree_util_to_func(mlir_text.strip_locations(text.replace("}\n", '} loc("x":1:2)\n')))
    assert "func.func public @main" in out and "func.return %a" in out and "loc(" not in out


# ---------------------------------------------------------------------------
# PyTorch
# ---------------------------------------------------------------------------

def _check_contract(text: str, param_names: list[str]) -> None:
    head = next(l for l in text.splitlines() if "func.func @train_step" in l)
    for n in param_names:
        assert f'mpt.name = "{n}"' in head, n
    assert text.count("mpt.grad_seed %mpt_loss") == 1
    assert "func.func @eval_step" in text


@needs_torch
@pytest.mark.parametrize("example", ["mlp", "cnn"])
def test_torch_fp32_training_equals_pytorch(example, tmp_path):
    """50 FP32 steps (SGD, momentum 0.9): every loss within 1e-5 relative, parameters too."""
    from mpt.importers.compare import compare_torch, rel
    ours, theirs, _ = compare_torch(example, steps=50, work=tmp_path)
    r = rel(ours.losses, theirs.losses)
    assert len(ours.losses) == 50 and r.max() < 1e-5, r
    for name, want in theirs.state.items():
        got = ours.state[name]
        err = np.linalg.norm(got - want) / np.linalg.norm(want)
        assert err < 1e-5, (name, err)
    # The run learns: the first and last 10 losses differ (the test is not vacuous).
    assert abs(theirs.losses[-10:].mean() - theirs.losses[:10].mean()) > 1e-3
    _check_contract((tmp_path / f"{example}.mlir").read_text(), list(theirs.state))


@needs_torch
def test_torch_cnn_compiles_mixed_without_warnings(tmp_path):
    from mpt.importers import torch as ti
    m, loss_fn, x, y = ti.example("cnn")
    imp = ti.import_model(m, loss_fn, x, y, ti.optimizer_from_torch(
        __import__("torch").optim.AdamW(m.parameters(), lr=1e-3)))
    src = tmp_path / "cnn.mlir"
    src.write_text(imp.text)
    assert "mpt.adam" in imp.text and '"adam.step"' in imp.text
    for p in ("f16", "bf16"):
        assert compile_ok(src, p, tmp_path / f"cnn-{p}.mpt") == ""


@needs_torch
def test_torch_batchnorm_running_stats_are_state(tmp_path):
    """BatchNorm's running statistics are opt_state updated by the step, as PyTorch updates them."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from mpt.importers import torch as ti
    from mpt.importers.common import write_state
    from mpt.importers.compare import run_mpt, teacher_data, torch_train
    from mpt.optim import SGD
    torch.manual_seed(1)
    m = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                      nn.Linear(4 * 8 * 8, 10))
    import copy
    ref = copy.deepcopy(m)
    x, y = teacher_data((1, 8, 8), 8 * 10, seed=5)
    opt = SGD(lr=0.02, momentum=0.9)
    imp = ti.import_model(m, F.cross_entropy, torch.from_numpy(x[:8]), torch.from_numpy(y[:8]), opt)
    assert '"1.running_mean"' in imp.text and "#mpt.role<opt_state>, mpt.updates = \"1.running_var\"" in imp.text
    src = tmp_path / "bn.mlir"
    src.write_text(imp.text)
    write_state(imp.state, tmp_path / "init")
    xt, yt = teacher_data((1, 8, 8), 8, seed=6)
    ours = run_mpt(src, tmp_path / "init", x, y, "f32", 10, tmp_path, test=(xt, yt))
    theirs = torch_train(ref, F.cross_entropy, x, y, 8, 10, opt)
    assert np.max(np.abs(ours.losses - theirs.losses) / theirs.losses) < 1e-5
    for n in ("1.running_mean", "1.running_var"):
        np.testing.assert_allclose(ours.state[n], theirs.state[n], rtol=1e-5, atol=1e-6)
        assert not np.allclose(theirs.state[n], imp.state[n])  # they moved
    # eval_step normalizes with the running statistics, as eval() mode does.
    with torch.no_grad():
        want = float(F.cross_entropy(ref.eval()(torch.from_numpy(xt)), torch.from_numpy(yt).long()))
        batch_stats = float(F.cross_entropy(ref.train()(torch.from_numpy(xt)), torch.from_numpy(yt).long()))
    assert abs(ours.eval_loss - want) < 1e-5 * want, (ours.eval_loss, want)
    assert abs(batch_stats - want) > 1e-3 * want  # train-mode normalization would be caught
    # The eval step folds BatchNorm into the convolution (its running
    # statistics are still eval_step arguments), and the fusion then takes
    # conv + folded bias + ReLU: the one conv + BN + ReLU triple fuses.
    eval_fn = imp.text[imp.text.index("func.func @eval_step"):]
    assert '"1.running_var"' in eval_fn.split("\n")[0] and "math.rsqrt" in eval_fn
    fused = _fusion_remarks(src, tmp_path)
    assert fused.count(("eval_step", "linalg.conv_2d_nchw_fchw", "bias_relu")) == 1, fused


def _fusion_remarks(src: Path, tmp_path: Path) -> list[tuple]:
    """(function, op, epilogue) of every convolution/matmul mpt-fuse-conv-bias-relu
    fused, from its JSON report, in the f16 mixed-precision pipeline."""
    import json
    report, out = tmp_path / "fusion.json", tmp_path / "mixed.mlir"
    subprocess.run([tool("mpt-opt"), str(src), f"--mpt-mixed-precision=fusion-report={report}", "-o", str(out)],
                   check=True, capture_output=True, text=True)
    return [(r["function"], r["args"]["op"], r["args"]["epilogue"])
            for r in json.loads(report.read_text())["remarks"] if r["name"] == "fused"]


@needs_torch
def test_torch_resnet18_eval_step_folds_batchnorm_and_fuses(tmp_path):
    """torchvision ResNet-18's eval step: every BatchNorm folds into its convolution.

    Counted on the model itself: every BatchNorm2d follows a Conv2d (20);
    the stem and the first convolution of each BasicBlock are followed by a
    ReLU (1 + 8 blocks), and those conv + BN + ReLU triples fuse as
    conv + bias + ReLU. The other convolutions (the block's second one and
    the downsampling ones, which a residual add follows) keep the folded
    bias in their accumulator, where torch-mlir puts a bias; the fusion
    reports them without an epilogue.
    """
    import torch.nn as nn
    import torchvision
    from mpt.importers import torch as ti
    from mpt.importers.common import build_module
    from mpt.optim import SGD
    m, loss_fn, x, y = ti.example("resnet18", 8, 0)
    n_bn = sum(isinstance(mod, nn.BatchNorm2d) for mod in m.modules())
    n_blocks = sum(isinstance(mod, torchvision.models.resnet.BasicBlock) for mod in m.modules())
    assert n_bn == sum(isinstance(mod, nn.Conv2d) for mod in m.modules()) == 20
    ex = ti.export(m, loss_fn, x, y)
    assert ex.stats["batchnorm_folded"] == n_bn
    src = tmp_path / "r18.mlir"
    src.write_text(build_module(ex, SGD(lr=0.01)).text)
    fused = _fusion_remarks(src, tmp_path)
    assert fused.count(("eval_step", "linalg.conv_2d_nchw_fchw", "bias_relu")) == 1 + n_blocks, fused


_BN_ID = "affine_map<(n, h, w, c) -> (n, h, w, c)>"
_BN_CH = "affine_map<(n, h, w, c) -> (c)>"


def _elementwise(name: str, ins: list[tuple[str, str, str]], body: list[str], shape: str) -> str:
    """A 4-D elementwise generic: ``ins`` are (value, type, map); ``body``
    computes ``%r`` from ``%i0, %i1, ...``."""
    maps = ", ".join([m for _, _, m in ins] + [_BN_ID])
    args = ", ".join(f"%i{k}: f32" for k in range(len(ins)))
    return (f"  {name} = linalg.generic {{indexing_maps = [{maps}], iterator_types = "
            f"[\"parallel\", \"parallel\", \"parallel\", \"parallel\"]}} "
            f"ins({', '.join(v for v, _, _ in ins)} : {', '.join(t for _, t, _ in ins)}) outs(%e : {shape}) {{\n"
            f"  ^bb0({args}, %o: f32):\n" + "".join(f"    {line}\n" for line in body) +
            f"    linalg.yield %r : f32\n  }} -> {shape}\n")


def test_fold_batchnorm_runs_like_fp64(tmp_path):
    """mpt-fold-batchnorm on conv + inference BatchNorm + ReLU, run in FP32
    (stock lowering, mlir-runner), against the same computation in FP64
    (numpy): the folded graph (weights scaled by scale / sqrt(var + eps),
    bias (0 - mean) * that + bias) is as close to FP64 as the unfolded one
    (within 4 times its error plus 1e-6); a sign or a coefficient wrong in
    the fold would be off by the BatchNorm's own size."""
    from mlir_exec import run_function
    rng = np.random.default_rng(0)
    n, hw, cin, cout = 2, 6, 3, 4
    x = rng.standard_normal((n, hw, hw, cin))
    w = 0.3 * rng.standard_normal((3, 3, cin, cout))
    mean, var = 0.5 * rng.standard_normal(cout), rng.uniform(0.5, 2.0, cout)
    scale, bias = 1.0 + 0.2 * rng.standard_normal(cout), 0.1 * rng.standard_normal(cout)
    shape = f"tensor<{n}x{hw}x{hw}x{cout}xf32>"
    vec = f"tensor<{cout}xf32>"
    text = (
        f"module {{\nfunc.func @f(%x: tensor<{n}x{hw}x{hw}x{cin}xf32>, %w: tensor<3x3x{cin}x{cout}xf32>, %mean: {vec}, "
        f"%var: {vec}, %scale: {vec}, %bias: {vec}) -> {shape} {{\n"
        "  %zero = arith.constant 0.0 : f32\n  %eps = arith.constant 1.0e-5 : f32\n"
        f"  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {{\n"
        "  ^bb0(%a: index, %b: index, %c: index, %d: index):\n    tensor.yield %zero : f32\n"
        f"  }} : tensor<{n}x{hw}x{hw}x{cin}xf32> to tensor<{n}x{hw + 2}x{hw + 2}x{cin}xf32>\n"
        f"  %e = tensor.empty() : {shape}\n"
        f"  %acc = linalg.fill ins(%zero : f32) outs(%e : {shape}) -> {shape}\n"
        "  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : "
        f"tensor<2xi64>}} ins(%p, %w : tensor<{n}x{hw + 2}x{hw + 2}x{cin}xf32>, tensor<3x3x{cin}x{cout}xf32>) "
        f"outs(%acc : {shape}) -> {shape}\n"
        + _elementwise("%bn", [("%conv", shape, _BN_ID), ("%mean", vec, _BN_CH), ("%var", vec, _BN_CH),
                               ("%scale", vec, _BN_CH), ("%bias", vec, _BN_CH)],
                       ["%0 = arith.subf %i0, %i1 : f32", "%1 = arith.addf %i2, %eps : f32",
                        "%2 = math.sqrt %1 : f32", "%3 = arith.divf %i3, %2 : f32",
                        "%4 = arith.mulf %0, %3 : f32", "%r = arith.addf %4, %i4 : f32"], shape)
        + _elementwise("%y", [("%bn", shape, _BN_ID)], ["%r = arith.maximumf %i0, %zero : f32"], shape)
        + f"  return %y : {shape}\n}}\n}}\n")
    src = tmp_path / "bn.mlir"
    src.write_text(text)
    r = subprocess.run([tool("mpt-opt"), str(src), "-mpt-fold-batchnorm", "--remarks-filter-passed=mpt-fold-batchnorm"],
                       check=True, capture_output=True, text=True)
    assert "[Passed] folded" in r.stderr and "arith.subf" not in r.stdout.split("linalg.conv_2d")[1], r.stdout
    args = [x, w, mean, var, scale, bias]
    folded, = run_function(r.stdout, "f", args, [(n, hw, hw, cout)])
    plain, = run_function(text, "f", args, [(n, hw, hw, cout)])
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    conv = sum(np.einsum("nhwc,cf->nhwf", xp[:, i:i + hw, j:j + hw, :], w[i, j]) for i in range(3) for j in range(3))
    want = np.maximum((conv - mean) * (scale / np.sqrt(var + 1e-5)) + bias, 0.0)
    err_folded, err_plain = np.abs(folded - want).max(), np.abs(plain - want).max()
    assert err_plain < 1e-5, err_plain
    assert err_folded <= 4 * err_plain + 1e-6, (err_folded, err_plain)


@needs_jax
def test_jax_resnet18_eval_step_folds_batchnorm_and_fuses(tmp_path):
    """The JAX ResNet-18's eval step: mpt-fold-batchnorm folds every
    inference BatchNorm (Flax's ``(x - mean) * (scale / sqrt(var + eps)) +
    bias``, which IREE's input conversion spreads over one generic per op
    with broadcast generics) into its convolution, and the fusion then fuses
    the stem and each block's first convolution with their ReLU (1 + 8), as
    in the PyTorch eval step; the other 11 convolutions (a residual add
    follows them) fuse their bias. The training step's BatchNorms use batch
    statistics that read the convolution, so nothing folds there. Counted on
    the model: 20 convolutions, each followed by a BatchNorm. The eval
    step's numbers are checked against JAX FP64 in
    test_jax_resnet18_fp32_steps_equal_jax."""
    from mpt.importers import jax as ji
    from mpt.optim import SGD
    apply, loss_fn, variables, x, y = ji.example("resnet18", 8, 0)
    bns = [n for n in variables["batch_stats"]]
    convs = [n for n in variables["params"] if "conv" in n or n.endswith("_down")]
    assert len(bns) == len(convs) == 20
    blocks = {n.rsplit("_", 1)[0] for n in convs if n.startswith("layer")}
    assert len(blocks) == 8
    imp = ji.import_model(apply, loss_fn, variables, x, y, SGD(lr=0.01, momentum=0.9), model_name="resnet18")
    src = tmp_path / "r18.mlir"
    src.write_text(imp.text)
    r = subprocess.run([tool("mpt-opt"), str(src), "--mpt-mixed-precision",
                        "--remarks-filter-passed=mpt-fold-batchnorm", "-o", str(tmp_path / "out.mlir")],
                       check=True, capture_output=True, text=True)
    folded = [line for line in r.stderr.splitlines() if "[Passed] folded" in line]
    assert len(folded) == len(bns) and all("Function=eval_step" in f for f in folded), r.stderr
    fused = _fusion_remarks(src, tmp_path)
    assert fused.count(("eval_step", "linalg.conv_2d_nhwc_hwcf", "bias_relu")) == 1 + len(blocks), fused
    assert fused.count(("eval_step", "linalg.conv_2d_nhwc_hwcf", "bias")) == len(convs) - 1 - len(blocks), fused
    assert not [f for f in fused if f[0] == "train_step" and "conv" in f[1]], fused


@needs_torch
def test_torch_pad_backward_and_resource_constants_train_like_pytorch(tmp_path):
    """F.pad's backward (a negative tensor.pad) and a dense_resource constant, 10 FP32 and f16 steps."""
    import copy
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from mpt.importers import torch as ti
    from mpt.importers.common import write_state
    from mpt.importers.compare import run_mpt, teacher_data, torch_train
    from mpt.optim import SGD

    class Padded(nn.Module):
        def __init__(self):
            super().__init__()
            self.l0 = nn.Linear(20, 20)
            self.scale = torch.linspace(0.5, 1.5, 23)  # a constant, not a parameter
            self.l1 = nn.Linear(23, 10)

        def forward(self, x):
            return self.l1(F.pad(torch.relu(self.l0(x)), (1, 2)) * self.scale)

    torch.manual_seed(2)
    m = Padded()
    ref = copy.deepcopy(m)
    x, y = teacher_data((20,), 80, seed=3)
    opt = SGD(lr=0.05)
    imp = ti.import_model(m, F.cross_entropy, torch.from_numpy(x[:8]), torch.from_numpy(y[:8]), opt)
    assert "dense_resource<" in imp.text and "dialect_resources" in imp.text
    src = tmp_path / "pad.mlir"
    src.write_text(imp.text)
    write_state(imp.state, tmp_path / "init")
    ours = run_mpt(src, tmp_path / "init", x, y, "f32", 10, tmp_path)
    theirs = torch_train(ref, F.cross_entropy, x, y, 8, 10, opt)
    assert np.max(np.abs(ours.losses - theirs.losses) / theirs.losses) < 1e-5
    assert compile_ok(src, "f16", tmp_path / "pad-f16.mpt") == ""


@needs_torch
def test_torch_cli_example_and_errors(tmp_path):
    from mpt.importers import torch as ti
    out = tmp_path / "mlp.mlir"
    assert ti.main(["--example", "mlp", "-o", str(out), "--state-dir", str(tmp_path / "st"),
                    "--optimizer", "sgd", "--momentum", "0.9"]) == 0
    text = out.read_text()
    assert "mpt.sgd" in text and "momentum_buffer" in text
    assert sorted(p.name for p in (tmp_path / "st").iterdir()) == sorted(
        f"{n}.npy" for n in ("0.weight", "0.bias", "2.weight", "2.bias", "0.weight.momentum", "0.bias.momentum",
                             "2.weight.momentum", "2.bias.momentum"))
    assert ti.main(["--model", str(tmp_path / "missing.py:f"), "-o", str(out)]) == 1
    assert ti.main(["--example", "mlp", "-o", str(out), "--optimizer", "adam", "--weight-decay", "0.1"]) == 1


# ---------------------------------------------------------------------------
# JAX
# ---------------------------------------------------------------------------

@needs_jax
@pytest.mark.parametrize("example", ["mlp", "cnn"])
def test_jax_fp32_training_equals_jax(example, tmp_path):
    """50 FP32 steps: every loss within 1e-5 relative of JAX's own SGD, parameters too."""
    from mpt.importers import jax as ji
    from mpt.importers.compare import rel
    ours, theirs, _ = ji.compare(example, steps=50, work=tmp_path)
    r = rel(ours.losses, theirs.losses)
    assert len(ours.losses) == 50 and r.max() < 1e-5, r
    for name, want in theirs.state.items():
        err = np.linalg.norm(ours.state[name] - want) / np.linalg.norm(want)
        assert err < 1e-5, (name, err)
    assert abs(theirs.losses[-10:].mean() - theirs.losses[:10].mean()) > 1e-3
    text = (tmp_path / f"{example}.mlir").read_text()
    _check_contract(text, list(theirs.state))
    for p in ("f16", "bf16"):
        assert compile_ok(tmp_path / f"{example}.mlir", p, tmp_path / f"{p}.mpt") == ""


# ---------------------------------------------------------------------------
# mpt-run --load-state
# ---------------------------------------------------------------------------

LINEAR = Path(__file__).resolve().parents[2] / "examples" / "linear_mse_train_step.mlir"


def test_load_state_starts_from_the_files_and_rejects_bad_ones(tmp_path):
    art = tmp_path / "lin.mpt"
    compile_ok(LINEAR, "f16", art)  # f16: working copies must follow the loaded masters
    dump0 = tmp_path / "d0"
    subprocess.run([tool("mpt-run"), str(art), "--steps=0", f"--dump-state={dump0}", "-q"], check=True,
                   capture_output=True)
    names = {p.stem: np.load(p) for p in dump0.glob("*.npy")}
    params = [n for n, v in names.items() if v.dtype == np.float32 and v.ndim >= 1]
    st = tmp_path / "st"
    st.mkdir()
    rng = np.random.default_rng(0)
    new = {n: rng.standard_normal(names[n].shape).astype(np.float32) for n in params}
    for n, v in new.items():
        np.save(st / f"{n}.npy", v)
    dump1 = tmp_path / "d1"
    subprocess.run([tool("mpt-run"), str(art), "--steps=0", f"--load-state={st}", f"--dump-state={dump1}", "-q"],
                   check=True, capture_output=True)
    got = {p.stem: np.load(p) for p in dump1.glob("*.npy")}
    for n, v in new.items():
        np.testing.assert_array_equal(got[n], v)
    wcs = [n for n, v in got.items() if v.dtype == np.float16]
    assert wcs, "expected f16 working copies"
    for n in wcs:  # each working copy is the rounded value of a loaded master
        assert any(got[n].shape == v.shape and np.array_equal(got[n], v.astype(np.float16)) for v in new.values()), n
    # A wrong shape and an unknown name are errors that say which file.
    first = params[0]
    np.save(st / f"{first}.npy", np.zeros((1, 2, 3), np.float32))
    r = subprocess.run([tool("mpt-run"), str(art), "--steps=0", f"--load-state={st}"], capture_output=True,
                       text=True)
    assert r.returncode != 0 and f"{first}.npy" in r.stderr and "holds" in r.stderr
    np.save(st / f"{first}.npy", new[first])
    np.save(st / "nosuch.npy", np.zeros(3, np.float32))
    r = subprocess.run([tool("mpt-run"), str(art), "--steps=0", f"--load-state={st}"], capture_output=True,
                       text=True)
    assert r.returncode != 0 and "nosuch.npy names no state tensor" in r.stderr


# ---------------------------------------------------------------------------
# docs/importers.md: the Python walk-throughs run as written, and compile
# ---------------------------------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "importers.md"


def _doc_block(marker: str) -> str:
    import re
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    return next(b for b in blocks if marker in b)


@needs_torch
def test_doc_torch_walkthrough_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(_doc_block("mpt.importers.torch"), "docs/importers.md", "exec"), {})
    assert (tmp_path / "model-init" / "1.running_var.npy").is_file()
    assert compile_ok(tmp_path / "model.mlir", "f16", tmp_path / "m.mpt") == ""


@needs_jax
def test_doc_jax_walkthrough_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(_doc_block("mpt.importers.jax"), "docs/importers.md", "exec"), {})
    assert (tmp_path / "mlp-init" / "params.Dense_0.kernel.npy").is_file()
    assert compile_ok(tmp_path / "mlp.mlir", "bf16", tmp_path / "m.mpt") == ""


# ---------------------------------------------------------------------------
# Mixed precision against the frameworks' own mixed precision (200 steps)
# ---------------------------------------------------------------------------

@needs_torch
def test_torch_cnn_mixed_precision_level_with_pytorch_amp(tmp_path):
    """FP16 (dynamic loss scaling) and BF16 against torch.autocast (+ GradScaler), 200 steps.

    FP16 (growth interval 50 on both sides, so that the scale moves), on
    ten seeds (initial values and data): on every seed the loss-scale
    sequence equals GradScaler's over all 200 steps, through growths and the
    overflows GradScaler backs off from (seed 0: steps 104 and 122, the
    linear head's bias gradient, a batch sum that autocast stores in f16,
    overflows; the imported step asks mpt-loss-scaling to check gradients
    against f16's range as GradScaler does), and mpt skips exactly the steps
    GradScaler skips. mpt's mean distance to PyTorch's FP32 losses, averaged
    over the seeds, is at most 1.25 times PyTorch's own FP32-to-AMP distance.
    Measured: 1.08 (90 % bootstrap interval 0.82-1.39, median per seed 0.98)
    on the 2-core AMD EPYC VM without AVX-512, 0.85 on an AVX-512 VM, where
    PyTorch's own AMP run lands elsewhere (mpt's distances agree within 1 %
    between the two; docs/importers.md). One seed alone ranges from 0.4 to
    2.5 times, so "at most 1.0" on ten seeds would fail for a scheme exactly
    as precise as PyTorch's about half of the time; 1.25 still fails a
    scheme a quarter further off. On seed 0 mpt's losses also follow
    PyTorch's own mixed-precision run more closely than that run follows
    PyTorch's FP32 run. BF16, seed 0: mpt's mean distance to FP32 is at
    most autocast's (measured 0.33 times).
    """
    from mpt.importers.compare import compare_torch, rel
    ours_dist, amp_dist = [], []
    for seed in range(10):
        ours, f32, amp = compare_torch("cnn", 200, "f16", work=tmp_path / f"f16-{seed}", amp=True,
                                       growth_interval=50, seed=seed)
        assert np.all(np.isfinite(ours.losses)), seed
        np.testing.assert_array_equal(ours.scales, amp.scales, err_msg=f"seed {seed}")
        before = np.concatenate([[65536.0], amp.scales[:-1]])
        gradscaler_skipped = amp.scales < before  # backoff 0.5, hysteresis 1: a skipped step halves the scale
        np.testing.assert_array_equal(ours.skipped, gradscaler_skipped, err_msg=f"seed {seed}")
        assert len(set(amp.scales.tolist())) >= 3 and gradscaler_skipped.sum() >= 1, \
            f"seed {seed}: the scale never grew or never backed off: the check is vacuous"
        if seed == 0:
            assert rel(ours.losses, amp.losses).mean() < rel(amp.losses, f32.losses).mean()
        ours_dist.append(rel(ours.losses, f32.losses).mean())
        amp_dist.append(rel(amp.losses, f32.losses).mean())
    assert np.mean(ours_dist) <= 1.25 * np.mean(amp_dist), (ours_dist, amp_dist)
    ours, f32, amp = compare_torch("cnn", 200, "bf16", work=tmp_path / "bf16", amp=True)
    assert rel(ours.losses, f32.losses).mean() <= rel(amp.losses, f32.losses).mean()


@needs_torch
@needs_jax
def test_mlp_mixed_precision_level_with_the_frameworks(tmp_path):
    """The MLP, 200 steps, seeds 0-9, against each framework's own mixed
    precision: PyTorch FP16 (autocast + GradScaler, growth interval 50 on
    both sides), PyTorch BF16 (autocast) and JAX BF16. The FP16 loss-scale
    sequence and the skipped steps equal GradScaler's over all 200 steps on
    at least 9 of the 10 seeds, and on every seed over at least the first
    150 steps (2 to 4 skipped steps per seed): once two runs have drifted
    apart an overflow can land on one side only, and where that happens
    depends on the CPU's rounding in PyTorch's run (seed 9 at step 199 on
    the AMD EPYC VM without AVX-512, seed 15 at step 166 on an AVX-512 VM;
    there, PyTorch's step taken from mpt's own state overflows too;
    docs/importers.md). mpt's mean distance to the framework's FP32
    losses, over the seeds, is at most 1.10 times the framework's own
    [measured on these seeds, EPYC VM: 1.00, 1.01, 1.04; over seeds 0-19
    1.00 (90 % bootstrap interval 0.99-1.01), 1.02 (0.99-1.05), 1.01
    (0.95-1.06): level; an equally precise scheme exceeds 1.05 on ten seeds
    often enough to make that bound flaky], and mpt's FP16 losses are
    closer to PyTorch's AMP losses than those are to PyTorch's FP32 ones on
    every seed [both runs skip the same steps]."""
    from mpt.importers import jax as ji
    from mpt.importers.compare import compare_torch, rel
    runs = {"f16": [], "bf16": [], "jax": []}
    seeds_apart = []
    for seed in range(10):
        w = tmp_path / str(seed)
        ours, f32, amp = compare_torch("mlp", 200, "f16", work=w / "f16", amp=True, growth_interval=50, seed=seed)
        differ = np.nonzero(ours.scales != amp.scales)[0]
        same = differ[0] if len(differ) else len(amp.scales)
        assert same >= 150, f"seed {seed}: loss scale differs from GradScaler's at step {same + 1}"
        if same < len(amp.scales):
            seeds_apart.append(seed)
        before = np.concatenate([[65536.0], amp.scales[:-1]])
        skipped = amp.scales < before
        np.testing.assert_array_equal(ours.skipped[:same], skipped[:same], err_msg=f"seed {seed}")
        assert skipped.sum() >= 1, f"seed {seed}: GradScaler never backed off: the check is vacuous"
        assert rel(ours.losses, amp.losses).mean() < rel(amp.losses, f32.losses).mean(), seed
        runs["f16"].append((ours, f32, amp))
        runs["bf16"].append(compare_torch("mlp", 200, "bf16", work=w / "bf16", amp=True, seed=seed))
        runs["jax"].append(ji.compare("mlp", 200, "bf16", work=w / "jax", amp=True, seed=seed))
    for kind, rs in runs.items():
        ours_d = np.mean([rel(o.losses, f.losses).mean() for o, f, _ in rs])
        theirs_d = np.mean([rel(m.losses, f.losses).mean() for _, f, m in rs])
        assert np.isfinite(ours_d) and ours_d <= 1.10 * theirs_d, (kind, ours_d, theirs_d)
    assert len(seeds_apart) <= 1, f"loss scales part from GradScaler's on seeds {seeds_apart}"


@needs_jax
def test_jax_cnn_bf16_level_with_jax_bf16(tmp_path):
    """BF16 against JAX with bf16 parameters and inputs, 200 steps, seeds
    0-9: mpt's mean distance to JAX's FP32 losses, over the seeds, is at
    most 1.10 times JAX's own (measured: 1.02; over seeds 0-79 1.01, 90 %
    bootstrap interval 0.91-1.11, docs/importers.md). One seed alone says
    little (0.2 to 4 times). The same step with the fused epilogues
    reading the FP32 bias masters (--fused-fp32-bias, the default before)
    measured 1.34 on these seeds: the bound tells the two apart."""
    from mpt.importers import jax as ji
    from mpt.importers.compare import rel
    ours_d, jax_d = [], []
    for seed in range(10):
        ours, f32, mixed = ji.compare("cnn", 200, "bf16", work=tmp_path / str(seed), amp=True, seed=seed)
        assert np.all(np.isfinite(ours.losses)), seed
        ours_d.append(rel(ours.losses, f32.losses).mean())
        jax_d.append(rel(mixed.losses, f32.losses).mean())
    ratio = np.mean(ours_d) / np.mean(jax_d)
    assert ratio <= 1.10, (ratio, ours_d, jax_d)


# ---------------------------------------------------------------------------
# ResNet-18: ten FP32 steps against PyTorch, step by step
# ---------------------------------------------------------------------------

@contextlib.contextmanager
def _torch_threads(n: int):
    """PyTorch on ``n`` threads: two threads on two busy cores run ResNet-18's
    step 3 to 6 times slower than one."""
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _mpt_steps(imp, x, y, test, steps, work):
    """Trains the imported step ``steps`` FP32 steps with one mpt-run per step
    (``run_mpt(..., per_step=True)``), then evaluates ``test``; returns the
    source file, the run and the state before each step."""
    from mpt.importers.common import write_state
    from mpt.importers.compare import run_mpt
    src = work / "r18.mlir"
    src.write_text(imp.text)
    write_state(imp.state, work / "init")
    ours = run_mpt(src, work / "init", x, y, "f32", steps, work, test=test, per_step=True)
    assert len(ours.losses) == len(ours.states) == steps
    return src, ours, [imp.state] + ours.states[:-1]


def _check_steps_from_same_state(ours, f64, f32, starts, stats):
    """Each step's state within 3 times the FP32 baseline's distance to FP64 plus
    1e-5 (relative to how far the step moved each tensor), allowing the
    ReLU-flip steps the ResNet-18 tests describe: a flip of mpt's alone within
    10 % on every tensor; at most 3 steps where the baseline flips a unit
    itself; flips together at most half of the steps. Running statistics
    (forward only) have no allowance."""
    from mpt.importers.compare import step_error
    steps = len(ours.states)
    flip_steps, baseline_flips = [], []
    for k in range(steps):
        err = step_error(ours.states[k], f64.states[k], starts[k])
        base = step_error(f32.states[k], f64.states[k], starts[k])
        # The baseline is tight (median 1.7e-6 to 7e-6) unless the FP32
        # baseline flips a unit itself in that step (median 1.4e-4 to 3.8e-3
        # measured): then 3 times it is loose, and the step is counted.
        if np.median(list(base.values())) >= 1e-4:
            baseline_flips.append(k + 1)
        over = {n: (err[n], base[n]) for n in err if err[n] > 3 * base[n] + 1e-5}
        assert not [n for n in over if n in stats], (k + 1, over)
        if over:
            flip_steps.append(k + 1)
            worst = max(over, key=lambda n: over[n][0])
            assert over[worst][0] < 0.1, (k + 1, worst, over[worst])
    assert len(baseline_flips) <= 3, baseline_flips
    assert len(set(flip_steps) | set(baseline_flips)) <= steps // 2, (flip_steps, baseline_flips)
    return flip_steps, baseline_flips


@needs_torch
def test_torch_resnet18_fp32_steps_equal_pytorch(tmp_path):
    """Ten FP32 steps of torchvision's ResNet-18 (batch 8, 3x32x32, SGD lr 0.01,
    momentum 0.9) against PyTorch, each step from the same state and batch.

    mpt trains ten steps from PyTorch's initial values (one mpt-run per step,
    each resuming from the previous one's checkpoint, which dumps every
    step's state). PyTorch FP64 (the reference) and PyTorch FP32 (the
    baseline: what another FP32 implementation's rounding costs) then take
    each step k from mpt's own state before step k, on batch k.

    Why not two free-running trajectories: here those of any two FP32
    implementations part within a few steps. A ReLU input within FP32
    rounding of zero (measured: 7e-6 and 8e-6) lands on the other side in
    one of them, and in the last two stages, where a channel's gradient sums
    only 8 x 2 x 2 or 8 x 1 x 1 values, that one unit changes the whole
    step's update by 0.2-5 % (flipping it in the FP64 step reproduces mpt's
    update to the 2.5e-5 of a flip-free step); every difference then moves
    more units across zero. Free-running from the same start at this
    setting, PyTorch's own FP32 and FP64 losses are 1e-3 apart at step 3 and
    9e-2 at step 6, mpt's and PyTorch FP32's 2e-4 at step 4; with lr 1e-4,
    where PyTorch's FP32 and FP64 runs stay within 2e-6 over ten steps,
    mpt's still leaves them at step 4 (docs/importers.md, "ResNet-18").

    Asserted at every step (measured in brackets; "relative" is to how far
    the step moved the tensor):
    - the loss, a forward pass from the same state, within 1e-5 relative of
      FP64's [max 1.2e-6; PyTorch FP32: 6e-7];
    - the BatchNorm running statistics (forward only too), per tensor,
      within 3 times PyTorch FP32's distance to FP64 plus 1e-5 [max 4.9e-6;
      PyTorch FP32: 3.3e-6];
    - the parameters and momentum buffers, per tensor, within the same
      bound [steps without a flip: mpt's median 3e-6 to 1.2e-5, at most
      6.6e-7 over 3 times PyTorch FP32's distance, whose median is 1.7e-6 to
      7e-6]. A step in which a ReLU unit flipped for mpt alone exceeds it
      (the measured one: step 5, 3.0e-2 on a parameter, 4.7e-2 on a
      momentum buffer); such a step must still be within 10 % on every
      tensor, and at most half of the ten steps may be one (measured: 1;
      in four more sequences of ten mpt steps at lr 1e-3 and 1e-4, from
      mpt's own or from PyTorch FP64's states: 0 or 1 each). A step in
      which PyTorch FP32 flips a unit itself (median distance of its
      tensors >= 1e-4; measured in 1 or 2 of the ten steps, depending on
      where mpt's state is: after lane-partial sums changed mpt's last
      bits, step 8 at 3.8e-3) makes the bound loose; at most 3 such
      steps, and together with mpt's flip steps at most half. An error of
      mpt's own would show at every step (a learning rate 1 % off fails all
      ten steps' parameters, a BatchNorm momentum of 0.1001 all ten steps'
      statistics, an eps of 2e-5 the losses).
    The factor 3 covers mpt's own rounding (its distances are up to 2
    times PyTorch FP32's); the floor 1e-5 is the MLP and CNN tests' FP32 tolerance, 15
    times the largest excess measured.

    Then the evaluation: mpt-run --eval's loss on a held-out batch
    (@eval_step, every BatchNorm folded into its convolution) equals
    PyTorch's model.eval() of mpt's final state in FP64 within 1e-5
    relative [1.2e-7; PyTorch FP32: 1.2e-7], and differs from the
    training-mode loss (batch statistics) of that state.
    """
    import copy
    import torch
    import torch.nn.functional as F
    from mpt.importers import torch as ti
    from mpt.importers.compare import load_state, rel, teacher_data, torch_steps_from
    from mpt.optim import SGD
    batch, steps = 8, 10
    m, loss_fn, _, _ = ti.example("resnet18", batch, 0)
    x, y = teacher_data((3, 32, 32), batch * steps, seed=1)
    xt, yt = teacher_data((3, 32, 32), batch, seed=2)  # held out
    opt = SGD(lr=0.01, momentum=0.9)
    imp = ti.import_model(copy.deepcopy(m), loss_fn, torch.from_numpy(x[:batch]), torch.from_numpy(y[:batch]), opt)
    _, ours, starts = _mpt_steps(imp, x, y, (xt, yt), steps, tmp_path)
    with _torch_threads(1):
        f64 = torch_steps_from(copy.deepcopy(m).double(), loss_fn, x, y, batch, starts, opt)
        f32 = torch_steps_from(copy.deepcopy(m), loss_fn, x, y, batch, starts, opt)

    r = rel(ours.losses, f64.losses)
    assert r.max() < 1e-5, r
    assert rel(f32.losses, f64.losses).max() < 1e-5  # the baseline is an FP32 run that agrees

    stats = [n for n in f64.states[0] if n.endswith(("running_mean", "running_var"))]
    trained = [n for n in f64.states[0] if n not in stats]
    assert len(stats) == 40 and len(trained) == 2 * 62  # parameters and their momentum buffers
    _check_steps_from_same_state(ours, f64, f32, starts, stats)

    ev = copy.deepcopy(m).double()
    load_state(ev, ours.state)
    xt64, yt64 = torch.from_numpy(xt).double(), torch.from_numpy(yt).long()
    with torch.no_grad():
        want = float(F.cross_entropy(ev.eval()(xt64), yt64))
        batch_stats = float(F.cross_entropy(ev.train()(xt64), yt64))
    assert abs(ours.eval_loss - want) < 1e-5 * want, (ours.eval_loss, want)
    assert abs(batch_stats - want) > 1e-2 * want  # eval with batch statistics would be caught


@needs_jax
def test_jax_resnet18_fp32_steps_equal_jax(tmp_path):
    """The JAX example ResNet-18 (torchvision's layout in NHWC, Flax's
    BatchNorm rule: running average momentum 0.9, biased variance), ten FP32
    steps (batch 8, 32x32x3, SGD lr 0.01, momentum 0.9), checked as the
    PyTorch ResNet-18 test checks them: mpt trains one mpt-run per step, and
    JAX in FP64 (the reference, ``jax.enable_x64``) and in FP32 (the
    baseline) take each step k from mpt's own state before step k, on batch
    k (free-running ResNet-18 trajectories of two FP32 implementations part
    within a few steps; here mpt's and JAX's losses by 5e-3 at step 3).

    Asserted at every step [measured 2026-12-07]: the loss within 1e-5
    relative of FP64's [max 1.1e-6; JAX FP32: 8.7e-7]; the running
    statistics, parameters and momentum within 3 times JAX FP32's distance
    to FP64 plus 1e-5, with the flip-step allowances of the PyTorch test
    [no step over: mpt's median 2.9e-6 to 1.0e-5 relative to the step,
    JAX FP32's 1.4e-6 to 9.5e-6; statistics at most 6.6e-6]. Then
    ``mpt-run --eval`` (``@eval_step``, running statistics) equals JAX's
    inference-mode loss of mpt's final state in FP64 within 1e-5 [2.2e-7],
    which differs from the training-mode loss; and the step compiles at f16
    (loss scaling) without a warning."""
    from mpt.importers import jax as ji
    from mpt.importers.compare import rel, teacher_data
    from mpt.optim import SGD
    batch, steps = 8, 10
    apply, loss_fn, variables, _, _ = ji.example("resnet18", batch, 0)
    x, y = teacher_data((32, 32, 3), batch * steps, seed=1)
    xt, yt = teacher_data((32, 32, 3), batch, seed=2)  # held out
    opt = SGD(lr=0.01, momentum=0.9)
    imp = ji.import_model(apply, loss_fn, variables, x[:batch], y[:batch], opt, model_name="resnet18")
    src, ours, starts = _mpt_steps(imp, x, y, (xt, yt), steps, tmp_path)
    f64 = ji.jax_steps_from(apply, loss_fn, variables, x, y, batch, starts, opt, "float64")
    f32 = ji.jax_steps_from(apply, loss_fn, variables, x, y, batch, starts, opt, "float32")

    r = rel(ours.losses, f64.losses)
    assert r.max() < 1e-5, r
    assert rel(f32.losses, f64.losses).max() < 1e-5
    stats = [n for n in f64.states[0] if n.startswith("batch_stats.")]
    assert len(stats) == 40 and len(f64.states[0]) == 40 + 2 * 62
    _check_steps_from_same_state(ours, f64, f32, starts, stats)

    want = ji.jax_loss(apply, loss_fn, variables, ours.state, xt, yt)
    assert abs(ours.eval_loss - want) < 1e-5 * want, (ours.eval_loss, want)
    batch_stats = ji.jax_loss(apply, loss_fn, variables, ours.state, xt, yt, train=True)
    assert abs(batch_stats - want) > 1e-2 * want  # eval with batch statistics would be caught
    assert compile_ok(src, "f16", tmp_path / "f16.mpt") == ""
