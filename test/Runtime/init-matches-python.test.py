"""Compares mpt-run's initial state with values computed by mpt.init."""
import sys

import numpy as np

from mpt.init import InitSpec, splitmix64_u01, uniform

state = sys.argv[1]


def load(name, dtype, shape):
    a = np.load(f"{state}/{name}.npy")
    assert a.dtype == np.dtype(dtype) and a.shape == shape, (name, a.dtype, a.shape)
    return a


def same_bits(a, b, name):
    assert a.tobytes() == b.tobytes(), (name, a, b)


def double_to_bf16_bits(d):
    """Round float64 values to bfloat16 (nearest even) in one step, on the bits."""
    bits = np.asarray(d, np.float64).view(np.uint64)
    sign = (bits >> np.uint64(63)).astype(np.uint16) << np.uint16(15)
    mag = bits & np.uint64(0x7FFFFFFFFFFFFFFF)
    # Keep 7 fraction bits of the 52: round the low 45 bits to nearest even.
    lsb = (mag >> np.uint64(45)) & np.uint64(1)
    mag = (mag + np.uint64((1 << 44) - 1) + lsb) >> np.uint64(45)
    exp = (mag >> np.uint64(7)).astype(np.int64) - 1023 + 127
    assert np.all((exp > 0) & (exp < 255)), "test values must be normal bf16"
    return sign | ((exp.astype(np.uint16) << np.uint16(7)) | (mag & np.uint64(0x7F)).astype(np.uint16))


master = uniform(42, 15, -1.0, 1.0).reshape(3, 5)
same_bits(load("master", np.float32, (3, 5)), master, "master")
same_bits(load("wc", np.float16, (3, 5)), master.astype(np.float16), "wc")

e = load("e", np.uint16, (7,))  # bf16 travels as its bit pattern
u = splitmix64_u01((1 << 64) - 1, 7)
same_bits(e, double_to_bf16_bits(-2.0 + 5.0 * u), "e")

same_bits(load("c", np.float16, (2,)), np.full(2, np.float16(0.1)), "c")
same_bits(load("k", np.int32, (3,)), np.full(3, 7, np.int32), "k")
same_bits(load("z", np.float64, (2,)), 0.0 + 1.0 * splitmix64_u01(1 << 63, 2), "z")
same_bits(load("q", np.int8, (4,)), np.zeros(4, np.int8), "q")
same_bits(load("flag", np.bool_, (2,)), np.zeros(2, np.bool_), "flag")
big = InitSpec("uniform", low=-0.3, high=0.3, seed=3633366754287286897).generate((1000,))
same_bits(load("big", np.float32, (1000,)), big, "big")
print("ok")
