"""The init RNG contract (shared bit for bit with the C++ runtime) and the init schemes."""

import math

import numpy as np
import pytest

from mpt import Model
from mpt import init as I

M64 = (1 << 64) - 1


def reference_u01(seed: int, i: int) -> float:
    """Plain-Python big-int SplitMix64, written from the contract in docs/frontend.md."""
    z = (seed + (i + 1) * 0x9E3779B97F4A7C15) % (1 << 64)
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % (1 << 64)
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % (1 << 64)
    z = z ^ (z >> 31)
    return (z >> 11) * 2.0 ** -53


def test_first_value_matches_published_splitmix64():
    # Vigna's splitmix64.c seeded with 0 first returns 0xE220A8397B1DCDAF.
    assert I.splitmix64_u01(0, 1)[0] == (0xE220A8397B1DCDAF >> 11) * 2.0 ** -53


@pytest.mark.parametrize("seed", [0, 1, 7, 12345, (1 << 63) - 1, 0x9E3779B97F4A7C15 & ((1 << 63) - 1)])
def test_vectorised_rng_matches_big_int_reference(seed):
    n = 300
    got = I.splitmix64_u01(seed, n)
    want = np.array([reference_u01(seed, i) for i in range(n)])
    assert np.array_equal(got, want)
    assert got.min() >= 0.0 and got.max() < 1.0


def test_uniform_values_are_float32_of_double_affine_map():
    seed, low, high = 99, -0.3, 0.7
    got = I.uniform(seed, 50, low, high)
    assert got.dtype == np.float32
    want = np.array([np.float32(low + (high - low) * reference_u01(seed, i)) for i in range(50)])
    assert np.array_equal(got, want)


def test_init_spec_generates_row_major():
    spec = I.InitSpec("uniform", low=-1.0, high=1.0, seed=5)
    a = spec.generate((3, 4))
    assert a.shape == (3, 4) and a.dtype == np.float32 and a.flags["C_CONTIGUOUS"]
    assert a[1, 2] == np.float32(-1.0 + 2.0 * reference_u01(5, 1 * 4 + 2))
    assert np.array_equal(I.zeros().generate((2, 2)), np.zeros((2, 2), np.float32))
    assert np.array_equal(I.constant(1.5).generate((3,)), np.full(3, 1.5, np.float32))


def test_he_and_glorot_bounds():
    he = I.he_uniform(fan_in=24, seed=1)
    assert he.high == pytest.approx(math.sqrt(6 / 24)) and he.low == -he.high
    gl = I.glorot_uniform(fan_in=24, fan_out=8, seed=1)
    assert gl.high == pytest.approx(math.sqrt(6 / 32)) and gl.low == -gl.high


def test_layer_inits_use_fans_and_derived_seeds():
    m = Model(seed=3)
    x = m.input("x", (2, 5, 5, 3))
    h = m.conv2d(x, 4, 3, name="c")
    m.dense(m.flatten(h), 6, init="glorot", name="d")
    ps = {p.attrs["name"]: p.attrs["init"] for p in m.params}
    assert ps["c.weight"].high == pytest.approx(math.sqrt(6 / (3 * 3 * 3)))
    assert ps["d.weight"].high == pytest.approx(math.sqrt(6 / (36 + 6)))
    assert ps["c.bias"].dist == "zeros" and ps["d.bias"].dist == "zeros"
    assert ps["c.weight"].seed == I.derive_seed(3, "c.weight")
    assert ps["c.weight"].seed != ps["d.weight"].seed


def test_seed_derivation_is_stable_and_in_i64_range():
    a = I.derive_seed(0, "dense0.weight")
    assert a == I.derive_seed(0, "dense0.weight")
    assert a != I.derive_seed(1, "dense0.weight")
    assert a != I.derive_seed(0, "dense1.weight")
    for s in range(50):
        assert 0 <= I.derive_seed(s, f"p{s}") < (1 << 63)


def test_seeds_do_not_depend_on_other_layers():
    def build(extra):
        m = Model(seed=0)
        x = m.input("x", (2, 4))
        if extra:
            m.dense(x, 3, name="first")
        m.dense(x, 3, name="target")
        return {p.attrs["name"]: p.attrs["init"] for p in m.params}["target.weight"]
    assert build(False) == build(True)


def test_bad_init_specs_rejected():
    with pytest.raises(ValueError):
        I.InitSpec("normal")
    with pytest.raises(ValueError):
        I.InitSpec("uniform", low=0, high=1, seed=1 << 63)
