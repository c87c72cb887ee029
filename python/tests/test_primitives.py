"""Every primitive has a shape rule, a numpy implementation, an MLIR emission and a gradient rule."""

import re

from mpt import autodiff, emit_mlir, evaluate, graph


def primitive_names():
    src = open(graph.__file__).read()
    return set(re.findall(r'self\._add\("(\w+)"', src)) - {"input", "param"}


def test_every_primitive_is_complete():
    prims = primitive_names()
    assert {"ew", "reduce", "matmul", "batch_matmul", "conv2d", "pad", "slice", "pool", "loss"} <= prims
    for p in prims:
        assert p in evaluate.IMPL, f"no numpy implementation for primitive '{p}'"
        assert hasattr(emit_mlir._Func, f"_{p}"), f"no MLIR emission for primitive '{p}'"
        assert p in autodiff.VJP or p in autodiff.BACKWARD_ONLY or p == "fill", f"no gradient rule for '{p}'"


def test_every_elementwise_function_is_complete():
    for fn in graph.EW_FNS:
        if fn == "onehot":  # integer input: emitted and evaluated by dedicated code
            continue
        assert fn in evaluate.EW_IMPL, fn
        assert fn in emit_mlir.EW_BODY, fn
