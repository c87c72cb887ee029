"""Optimizers: their configuration, their state, and their exact update formulas.

The emitted IR carries the update as one ``mpt.sgd`` or ``mpt.adam`` op per
parameter; the formulas below (evaluated here in FP64) are the semantics those
ops have. Hyper-parameters are stored rounded to float32, exactly as the IR
carries them.

SGD (PyTorch ``torch.optim.SGD``; the momentum buffer starts at zero)::

    g = g + weight_decay * p                      # if weight_decay != 0
    if momentum != 0:
        buf = momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
    p = p - lr * g

With a zero-initialised buffer this equals PyTorch whenever ``dampening == 0``
(PyTorch sets ``buf = g`` on its first step instead).

Adam / AdamW (PyTorch ``torch.optim.AdamW``: decoupled weight decay; ``t`` is
the step count, stored as a 0-d f32 tensor starting at 0)::

    t = t + 1
    p = p * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import FrontendError


def f32(x: float) -> float:
    """``x`` rounded to the nearest float32 (as a Python float)."""
    return float(np.float32(x))


@dataclass(frozen=True)
class SGD:
    """Stochastic gradient descent with optional momentum, weight decay and Nesterov."""

    lr: float = 0.01
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False

    def __post_init__(self) -> None:
        for k in ("lr", "momentum", "dampening", "weight_decay"):
            v = getattr(self, k)
            if not np.isfinite(v) or v < 0:
                raise FrontendError(f"optimizer sgd: {k} must be a finite non-negative number, got {v}")
            object.__setattr__(self, k, f32(v))
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise FrontendError("optimizer sgd: nesterov needs momentum > 0 and dampening = 0")

    kind = "sgd"

    @property
    def state_slots(self) -> tuple[str, ...]:
        """Per-parameter state tensors (suffixes of the parameter name)."""
        return ("momentum",) if self.momentum != 0 else ()

    @property
    def global_state(self) -> tuple[str, ...]:
        return ()

    def update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]):
        """One FP64 update; returns ``(new_p, new_state)``."""
        p = np.asarray(p, np.float64)
        g = np.asarray(g, np.float64)
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        new_state = {}
        if self.momentum != 0:
            buf = self.momentum * np.asarray(state["momentum"], np.float64) + (1.0 - self.dampening) * g
            new_state["momentum"] = buf
            g = g + self.momentum * buf if self.nesterov else buf
        return p - self.lr * g, new_state


@dataclass(frozen=True)
class Adam:
    """Adam with decoupled (AdamW) weight decay."""

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        for k in ("lr", "beta1", "beta2", "eps", "weight_decay"):
            v = getattr(self, k)
            if not np.isfinite(v) or v < 0:
                raise FrontendError(f"optimizer adam: {k} must be a finite non-negative number, got {v}")
            object.__setattr__(self, k, f32(v))
        if not (self.beta1 < 1 and self.beta2 < 1):
            raise FrontendError(f"optimizer adam: betas must be below 1, got {self.beta1}, {self.beta2}")

    kind = "adam"

    @property
    def state_slots(self) -> tuple[str, ...]:
        return ("adam_m", "adam_v")

    @property
    def global_state(self) -> tuple[str, ...]:
        return ("adam.step",)

    def update(self, p: np.ndarray, g: np.ndarray, state: dict[str, np.ndarray]):
        """One FP64 update; ``state`` holds ``adam_m``, ``adam_v`` and ``step`` (before the update)."""
        p = np.asarray(p, np.float64)
        g = np.asarray(g, np.float64)
        t = float(state["step"]) + 1.0
        p = p * (1.0 - self.lr * self.weight_decay)
        m = self.beta1 * np.asarray(state["adam_m"], np.float64) + (1.0 - self.beta1) * g
        v = self.beta2 * np.asarray(state["adam_v"], np.float64) + (1.0 - self.beta2) * g * g
        mhat = m / (1.0 - self.beta1 ** t)
        vhat = v / (1.0 - self.beta2 ** t)
        p = p - self.lr * mhat / (np.sqrt(vhat) + self.eps)
        return p, {"adam_m": m, "adam_v": v, "step": np.float64(t)}


def AdamW(lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
          weight_decay: float = 1e-2) -> Adam:
    """Adam with PyTorch AdamW's default weight decay (0.01)."""
    return Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
