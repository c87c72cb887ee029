"""Shared test helpers: import path, tool lookup, finite-difference gradient checks."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the package without installing it
sys.path.insert(0, str(Path(__file__).resolve().parent))      # mlir_exec helper

from mpt.tools import ToolNotFound, find_llvm_tool, find_mpt_opt  # noqa: E402


@pytest.fixture
def mpt_opt() -> str:
    """Path to mpt-opt; the test FAILS (never skips) when it is missing."""
    try:
        return find_mpt_opt()
    except ToolNotFound as e:
        pytest.fail(f"{e} (deselect with -m 'not needs_mpt_opt')")


@pytest.fixture
def mlir_opt() -> str:
    try:
        find_llvm_tool("mlir-runner", "MLIR_RUNNER")
        return find_llvm_tool("mlir-opt", "MLIR_OPT")
    except ToolNotFound as e:
        pytest.fail(f"{e} (deselect with -m 'not needs_mlir_tools')")


def rel_err(a: np.ndarray, b: np.ndarray, floor: float = 1e-3) -> float:
    """``||a - b|| / max(||a||, ||b||, floor)``.

    The floor turns the check into an absolute one (``1e-6 * floor = 1e-9``)
    for gradients that vanish in theory (e.g. of an attention key bias:
    softmax is shift-invariant), where the finite differences are pure
    rounding noise (about 1e-10 here) and the analytic value is about 1e-17.
    The gradients the tests check are otherwise of order 0.01 to 1.
    """
    denom = max(np.linalg.norm(a), np.linalg.norm(b), floor)
    return float(np.linalg.norm(a - b) / denom)


def finite_difference(step, params: dict, batch: dict, name: str, index, h: float = 1e-6) -> float:
    """Central difference of the FP64 loss with respect to ``params[name][index]``."""
    p = params[name]
    plus, minus = p.copy(), p.copy()
    plus[index] += h
    minus[index] -= h
    lp, _ = step.forward({**params, name: plus}, batch)
    lm, _ = step.forward({**params, name: minus}, batch)
    return (lp - lm) / (2 * h)


def check_gradients(step, params: dict, batch: dict, max_elements: int = 64, seed: int = 0,
                    tol: float = 1e-6, h: float = 1e-6) -> dict:
    """Compare every parameter gradient of the generated backward graph with central differences.

    Tensors with at most ``max_elements`` values are checked element by element;
    larger ones at ``max_elements`` random elements plus one random direction
    (the directional derivative covers the whole tensor). Returns the errors.
    """
    rng = np.random.default_rng(seed)
    _, grads = step.gradients(params, batch)
    errors = {}
    for name, p in params.items():
        g = grads[name]
        assert g.shape == p.shape, name
        if p.size <= max_elements:
            idx = list(np.ndindex(p.shape))
        else:
            flat = rng.choice(p.size, size=max_elements, replace=False)
            idx = [np.unravel_index(i, p.shape) for i in flat]
        fd = np.array([finite_difference(step, params, batch, name, i, h) for i in idx])
        an = np.array([g[i] for i in idx])
        err = rel_err(fd, an)
        if p.size > max_elements:
            v = rng.standard_normal(p.shape)
            lp, _ = step.forward({**params, name: p + h * v}, batch)
            lm, _ = step.forward({**params, name: p - h * v}, batch)
            dd = (lp - lm) / (2 * h)
            err = max(err, rel_err(np.array([dd]), np.array([np.sum(g * v)])))
        errors[name] = err
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, f"gradients differ from finite differences (relative error >= {tol}): {bad}"
    return errors


def float64_params(step, seed: int = 1, bias_scale: float = 0.1) -> dict:
    """The step's initial parameters in float64, with non-zero random biases (so they are tested)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, v in step.init_params().items():
        v = v.astype(np.float64)
        if not v.any():
            v = rng.standard_normal(v.shape) * bias_scale
        elif np.all(v == v.flat[0]):
            v = v + rng.standard_normal(v.shape) * bias_scale
        out[name] = v
    return out
