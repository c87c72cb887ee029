"""Optimizer update formulas (FP64) against closed forms, and whole train steps against hand-derived gradients."""

import numpy as np
import pytest

from mpt import SGD, Adam, AdamW, FrontendError, Model


def run(opt, p0, g, steps, state):
    p = np.array(p0, np.float64)
    for _ in range(steps):
        p, new = opt.update(p, g, state)
        state = {**state, **new}
    return p, state


def test_sgd_plain_and_weight_decay():
    opt = SGD(lr=0.5)
    p, _ = run(opt, [1.0, -2.0], np.array([0.2, 0.4]), 3, {})
    assert np.allclose(p, [1.0 - 3 * 0.5 * 0.2, -2.0 - 3 * 0.5 * 0.4], rtol=0, atol=1e-15)
    # weight decay only: p_t = p_{t-1} (1 - lr wd) with g = 0
    opt = SGD(lr=0.5, weight_decay=0.25)
    p, _ = run(opt, [1.0], np.array([0.0]), 4, {})
    assert p[0] == pytest.approx((1 - 0.5 * 0.25) ** 4, rel=1e-15)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_constant_gradient_closed_form(nesterov):
    lr, mu, g, t = 0.125, 0.5, 0.75, 5
    opt = SGD(lr=lr, momentum=mu, nesterov=nesterov)
    p, st = run(opt, [2.0], np.array([g]), t, {"momentum": np.zeros(1)})
    # buf_k = g (1 - mu^k) / (1 - mu)
    bufs = [g * (1 - mu ** k) / (1 - mu) for k in range(1, t + 1)]
    steps = [g + mu * b for b in bufs] if nesterov else bufs
    assert p[0] == pytest.approx(2.0 - lr * sum(steps), rel=1e-14)
    assert st["momentum"][0] == pytest.approx(bufs[-1], rel=1e-14)


def test_sgd_dampening_zero_initialised_buffer():
    opt = SGD(lr=1.0, momentum=0.5, dampening=0.25)
    p, st = run(opt, [0.0], np.array([1.0]), 2, {"momentum": np.zeros(1)})
    # buf1 = 0.75, buf2 = 0.5 * 0.75 + 0.75 = 1.125
    assert st["momentum"][0] == pytest.approx(1.125) and p[0] == pytest.approx(-(0.75 + 1.125))


def test_adam_constant_gradient_closed_form():
    # With a constant g, bias correction makes m_hat = g and v_hat = g^2 at every step.
    lr, eps, g, t = 0.01, 1e-8, np.array([0.3, -2.0]), 7
    opt = Adam(lr=lr, eps=eps)
    p, st = run(opt, [1.0, 1.0], g, t, {"adam_m": np.zeros(2), "adam_v": np.zeros(2), "step": 0.0})
    assert np.allclose(p, 1.0 - t * lr * g / (np.abs(g) + opt.eps), rtol=1e-12)
    assert float(st["step"]) == t
    assert np.allclose(st["adam_m"], g * (1 - opt.beta1 ** t), rtol=1e-12)
    assert np.allclose(st["adam_v"], g * g * (1 - opt.beta2 ** t), rtol=1e-12)


def test_adamw_decoupled_decay():
    lr, wd = 0.1, 0.5
    opt = AdamW(lr=lr, weight_decay=wd)
    p, _ = run(opt, [2.0], np.array([1.0]), 1, {"adam_m": np.zeros(1), "adam_v": np.zeros(1), "step": 0.0})
    assert p[0] == pytest.approx(2.0 * (1 - opt.lr * opt.weight_decay) - opt.lr * 1.0 / (1.0 + opt.eps), rel=1e-12)
    assert AdamW().weight_decay == np.float32(0.01)


def test_hyper_parameters_are_float32():
    assert SGD(lr=0.1).lr == float(np.float32(0.1))
    assert Adam(eps=1e-8).eps == float(np.float32(1e-8))


@pytest.mark.parametrize("bad", [dict(lr=-1.0), dict(lr=float("nan")), dict(momentum=-0.5),
                                 dict(nesterov=True), dict(momentum=0.9, dampening=0.1, nesterov=True)])
def test_bad_sgd_configurations(bad):
    with pytest.raises(FrontendError, match="optimizer sgd"):
        SGD(**bad)


def test_bad_adam_configuration():
    with pytest.raises(FrontendError, match="betas"):
        Adam(beta1=1.0)


def linear_regression(opt, batch=5, fin=3, fout=2):
    m = Model(seed=0)
    x = m.input("x", (batch, fin))
    t = m.input("t", (batch, fout))
    y = m.dense(x, fout, name="lin")
    return m.compile(m.mse(y, t), opt, output=y)


def test_train_step_gradients_match_hand_derivation():
    step = linear_regression(SGD(lr=0.1))
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    params = {k: v.astype(np.float64) + 0.1 for k, v in step.init_params().items()}
    w, b = params["lin.weight"], params["lin.bias"]
    r = x @ w + b - t
    loss, grads = step.gradients(params, {"x": x, "t": t})
    assert loss == pytest.approx(np.mean(r * r), rel=1e-13)
    assert np.allclose(grads["lin.weight"], 2 * x.T @ r / r.size, rtol=1e-13)
    assert np.allclose(grads["lin.bias"], 2 * r.sum(0) / r.size, rtol=1e-13)


def test_train_step_runs_adam_with_shared_step_count():
    step = linear_regression(Adam(lr=0.01))
    assert [s.name for s in step.state] == ["lin.weight.adam_m", "lin.weight.adam_v", "lin.bias.adam_m",
                                            "lin.bias.adam_v", "adam.step"]
    rng = np.random.default_rng(1)
    batch = {"x": rng.standard_normal((5, 3)), "t": rng.standard_normal((5, 2))}
    params, state = step.init_params(), step.init_state()
    losses = []
    for _ in range(30):
        params, state, loss = step.step(params, state, batch)
        losses.append(loss)
    assert float(state["adam.step"]) == 30
    assert losses[-1] < 0.8 * losses[0]


def test_train_step_momentum_state_update():
    step = linear_regression(SGD(lr=0.05, momentum=0.9))
    rng = np.random.default_rng(2)
    batch = {"x": rng.standard_normal((5, 3)), "t": rng.standard_normal((5, 2))}
    params, state = step.init_params(), step.init_state()
    _, grads = step.gradients(params, batch)
    new_params, new_state, _ = step.step(params, state, batch)
    lr = np.float32(0.05)
    for k in params:
        assert np.allclose(new_state[f"{k}.momentum"], grads[k], rtol=1e-15)
        assert np.allclose(new_params[k], params[k] - float(lr) * grads[k], rtol=1e-15)
