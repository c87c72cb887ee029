"""Deterministic parameter initialisation: the RNG contract shared with the runtime.

Parameters and optimizer state carry an ``mpt.init`` attribute; the C++
runtime regenerates their initial values from it, bit for bit. The three
distributions the frontend uses are

* ``#mpt.init<dist = zeros>``
* ``#mpt.init<dist = constant, value = V>``: every element ``float32(V)``
* ``#mpt.init<dist = uniform, low = L, high = H, seed = S>``

The uniform generator is SplitMix64 over the row-major linear element index
``i = 0, 1, ...`` (all arithmetic modulo 2^64)::

    z = S + (i + 1) * 0x9E3779B97F4A7C15
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ^ (z >> 27)) * 0x94D049BB133111EB
    z = z ^ (z >> 31)
    u = (z >> 11) * 2^-53                   # double in [0, 1)
    value = float32(L + (H - L) * u)        # arithmetic in double, one rounding

``S`` is printed as a non-negative i64 (below 2^63); the runtime reads it as
an unsigned 64-bit integer.

He-uniform uses the bound ``sqrt(6 / fan_in)``, Glorot-uniform
``sqrt(6 / (fan_in + fan_out))``; biases start at zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB


@dataclass(frozen=True)
class InitSpec:
    """How a parameter or state tensor starts: ``zeros``, ``constant`` or ``uniform``."""

    dist: str
    low: float = 0.0
    high: float = 0.0
    seed: int = 0
    value: float = 0.0

    def __post_init__(self) -> None:
        if self.dist not in ("zeros", "constant", "uniform"):
            raise ValueError(f"unknown init distribution {self.dist!r}")
        if self.dist == "uniform" and not (0 <= self.seed < (1 << 63)):
            raise ValueError(f"init seed {self.seed} must be in [0, 2^63)")

    def generate(self, shape) -> np.ndarray:
        """The initial float32 values (C order) for a tensor of ``shape``."""
        n = math.prod(shape)
        if self.dist == "zeros":
            return np.zeros(shape, np.float32)
        if self.dist == "constant":
            return np.full(shape, np.float32(self.value), np.float32)
        return uniform(self.seed, n, self.low, self.high).reshape(shape)


def zeros() -> InitSpec:
    return InitSpec("zeros")


def constant(value: float) -> InitSpec:
    return InitSpec("constant", value=float(value))


def he_uniform(fan_in: int, seed: int) -> InitSpec:
    bound = math.sqrt(6.0 / fan_in)
    return InitSpec("uniform", low=-bound, high=bound, seed=seed)


def glorot_uniform(fan_in: int, fan_out: int, seed: int) -> InitSpec:
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return InitSpec("uniform", low=-bound, high=bound, seed=seed)


def splitmix64_u01(seed: int, n: int) -> np.ndarray:
    """The doubles ``u_i`` in [0, 1) for ``i = 0..n-1`` (vectorised, wrapping uint64)."""
    with np.errstate(over="ignore"):
        i = np.arange(1, n + 1, dtype=np.uint64)
        z = np.uint64(seed & MASK64) + i * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def uniform(seed: int, n: int, low: float, high: float) -> np.ndarray:
    """``n`` float32 values of the uniform init contract (see the module docstring)."""
    u = splitmix64_u01(seed, n)
    return (float(low) + (float(high) - float(low)) * u).astype(np.float32)


def _fnv1a64(text: str) -> int:
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & MASK64
    return h


def _mix64(z: int) -> int:
    z = ((z ^ (z >> 30)) * MIX1) & MASK64
    z = ((z ^ (z >> 27)) * MIX2) & MASK64
    return z ^ (z >> 31)


def derive_seed(model_seed: int, name: str) -> int:
    """The per-tensor seed of parameter ``name`` in a model seeded ``model_seed``.

    Depends only on the model seed and the parameter's name (so adding a layer
    does not change the others), and is below 2^63 so it prints as a
    non-negative i64.
    """
    z = (int(model_seed) * GOLDEN + _fnv1a64(name)) & MASK64
    return _mix64(z) >> 1
