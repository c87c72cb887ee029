"""Execute the emitted MLIR (FP32, stock mlir-opt + mlir-runner) and compare with the FP64 evaluator.

The evaluator is checked against finite differences elsewhere; this checks the
emitter's text (affine maps of the conv/pool backward generics, pads and
strided slices, reshapes, broadcasts, reductions, the one-hot) computes the
same numbers.
"""

import numpy as np
import pytest
from conftest import float64_params
from mlir_exec import run_grad_step

from mpt import SGD, Model
from mpt import init as I

pytestmark = pytest.mark.needs_mlir_tools


def compare(step, seed=0, tol=2e-4):
    rng = np.random.default_rng(seed)
    params = {k: v.astype(np.float32) for k, v in float64_params(step, seed).items()}
    batch = {}
    for x in step.inputs:
        if x.dtype == "i32":
            batch[x.attrs["name"]] = rng.integers(0, x.attrs.get("classes", 3), size=x.shape).astype(np.int32)
        else:
            batch[x.attrs["name"]] = rng.standard_normal(x.shape).astype(np.float32)
    loss32, grads32 = run_grad_step(step, params, batch)
    loss64, grads64 = step.gradients({k: v.astype(np.float64) for k, v in params.items()}, batch)
    assert loss32 == pytest.approx(loss64, rel=tol)
    for name, g in grads64.items():
        scale = max(np.abs(g).max(), 1e-3)
        err = np.abs(grads32[name] - g).max() / scale
        assert err < tol, f"{name}: FP32 MLIR vs FP64 evaluator differ by {err:.2e} (relative to max |g|)"


def test_cnn_kitchen_sink(mlir_opt):
    m = Model(seed=1)
    x = m.input("x", (2, 9, 8, 2))
    y = m.input("y", (2,), "i32")
    h = m.conv2d(x, 3, 3, padding=1, activation="relu")
    h = m.conv2d(h, 4, (3, 2), stride=2, dilation=(2, 1), padding=((1, 2), (0, 1)), activation="gelu")
    h = m.avg_pool(h, 2, stride=1, padding=1)
    h = m.max_pool(h, 3, stride=2, padding=1)
    h = m.max_pool(m.conv2d(h, 3, 1, use_bias=False), 2, stride=1)
    h = m.layer_norm(m.flatten(h))
    logits = m.dense(h, 3, init="glorot")
    compare(m.compile(m.softmax_cross_entropy(logits, y), SGD(lr=0.1), output=logits))


def test_transformer_block(mlir_opt):
    from mpt.models import transformer
    m, loss, logits = transformer(batch=2, blocks=1, width=8, heads=2, input_shape=(4, 3, 1), classes=3)
    compare(m.compile(loss, SGD(lr=0.1), output=logits), seed=2)


def test_mse_softmax_reshape_bias(mlir_opt):
    m = Model(seed=2)
    x = m.input("x", (3, 2, 6))
    t = m.input("t", (3, 4, 3))
    h = m.reshape(x, (3, 3, 4))                    # not a collapse or an expand
    h = m.relu(m.bias_add(h))
    h = m.dense(h, 3, activation="relu")           # 3-d dense
    h = m.softmax(m.reshape(h, (3, 9)))
    p = m.param("scale", (3, 9), I.InitSpec("uniform", low=0.5, high=1.5, seed=3))
    with m.graph.layer("scale", "mul"):
        h = m.graph.ew("mul", [h, p])
    target = m.input("target", (3, 3, 3))
    mse = m.mse(m.reshape(h, (3, 3, 3)), target)
    probs = m.softmax(m.dense(m.mean(t, (1,)), 9, name="tproj"))    # probability-row labels
    loss = m.add(mse, m.softmax_cross_entropy(h, probs, name="xent"))
    compare(m.compile(loss, SGD(lr=0.1)), seed=3)


def _first_max_pool_grad(x, dy, window, stride, padding):
    """Max-pool backward written out directly (NHWC, -inf padding): each
    window's gradient goes to its first maximal element in row-major window
    order, as PyTorch's max_pool2d backward does."""
    (kh, kw), (sh, sw), (top, left) = window, stride, padding
    xp = np.pad(x, ((0, 0), (top, top), (left, left), (0, 0)), constant_values=-np.inf)
    dx = np.zeros_like(xp)
    ties = 0
    n, oh, ow, c = dy.shape
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for ch in range(c):
                    win = xp[b, i * sh:i * sh + kh, j * sw:j * sw + kw, ch]
                    r, s = np.unravel_index(np.argmax(win), win.shape)  # the first maximum
                    dx[b, i * sh + r, j * sw + s, ch] += dy[b, i, j, ch]
                    ties += np.count_nonzero(win == win.max()) > 1
    return dx[:, top:top + x.shape[1], left:left + x.shape[2], :], ties


@pytest.mark.parametrize("window,stride,padding", [(2, 2, 0), (3, 1, 1), (3, 2, 1)])
def test_max_pool_ties_route_to_the_first_maximum(mlir_opt, window, stride, padding):
    """Windows with equal maxima (small integers: most windows tie, as
    f16/bf16 values often do): one element per window gets the gradient, not
    every tied one, in the evaluator and in the emitted MLIR."""
    m = Model(seed=3)
    x = m.param("x", (2, 5, 6, 2), I.InitSpec("uniform", low=0.0, high=1.0, seed=5))
    r = m.input("r", (2, (5 + 2 * padding - window) // stride + 1, (6 + 2 * padding - window) // stride + 1, 2))
    pooled = m.max_pool(x, window, stride=stride, padding=padding)
    g = m.graph
    loss = g.reduce("sum", g.ew("mul", [pooled, r]), range(4))
    step = m.compile(loss, SGD(lr=0.1))
    rng = np.random.default_rng(window * 10 + stride)
    xv = rng.integers(0, 3, size=(2, 5, 6, 2)).astype(np.float32)
    rv = rng.uniform(0.5, 1.5, size=r.shape).astype(np.float32)
    expected, ties = _first_max_pool_grad(xv.astype(np.float64), rv.astype(np.float64), (window, window),
                                    (stride, stride), (padding, padding))
    # Many windows tie: routing dy to every tied element would differ.
    assert ties >= rv.size // 4
    _, grads64 = step.gradients({"x": xv.astype(np.float64)}, {"r": rv.astype(np.float64)})
    np.testing.assert_allclose(grads64["x"], expected, rtol=0, atol=1e-12)
    _, grads32 = run_grad_step(step, {"x": xv}, {"r": rv})
    np.testing.assert_allclose(grads32["x"], expected, rtol=1e-5, atol=1e-6)  # printed to 6 digits


@pytest.mark.parametrize("axes", [(1,), (0, 2)])
def test_reduce_max_ties_share_the_gradient(mlir_opt, axes):
    """A max reduction whose maximum several elements reach gives each of them
    an equal share of the gradient (PyTorch's ``amax``, JAX's ``max``), so the
    gradient of the maximum still sums to dy; a single maximum gets all of it."""
    m = Model(seed=4)
    x = m.param("x", (3, 4, 5), I.InitSpec("uniform", low=0.0, high=1.0, seed=6))
    g = m.graph
    mx = g.reduce("max", x, axes)
    r = m.input("r", mx.shape)
    loss = g.reduce("sum", g.ew("mul", [mx, r]), range(mx.rank))
    step = m.compile(loss, SGD(lr=0.1))
    rng = np.random.default_rng(len(axes))
    xv = rng.integers(0, 3, size=(3, 4, 5)).astype(np.float32)
    rv = rng.uniform(0.5, 1.5, size=mx.shape).astype(np.float32)
    # By hand: each output's dy split over the elements equal to its maximum.
    top = xv.max(axis=axes, keepdims=True)
    tied = (xv == top).astype(np.float64)
    count = tied.sum(axis=axes, keepdims=True)
    expected = tied * np.expand_dims(rv.astype(np.float64), axes) / count
    assert (count > 1).sum() >= count.size // 2  # most maxima tie
    _, grads64 = step.gradients({"x": xv.astype(np.float64)}, {"r": rv.astype(np.float64)})
    np.testing.assert_allclose(grads64["x"], expected, rtol=0, atol=1e-12)
    _, grads32 = run_grad_step(step, {"x": xv}, {"r": rv})
    np.testing.assert_allclose(grads32["x"], expected, rtol=1e-5, atol=1e-6)
