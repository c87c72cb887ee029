"""Every primitive the frontend creates has a numpy implementation, an MLIR emission and a gradient rule.

The primitives are the node kinds the zoo's training steps actually contain
(forward and backward graphs of every model), not names read out of the
source: a primitive a model builds without the three pieces fails here.
"""

import pytest

from mpt import autodiff, emit_mlir, evaluate, graph
from mpt.models import MODELS, build, make_optimizer

#: Kinds of graph nodes that are leaves, not computations.
LEAVES = {"input", "param"}


def zoo_node_kinds():
    kinds = set()
    for name in MODELS:
        for opt in ("sgd", "adam"):
            step = build(name, make_optimizer(opt))
            kinds |= {node.op for node in step.graph.nodes}
    return kinds - LEAVES


def test_the_zoo_covers_the_primitive_families():
    # Every family of primitive the models are made of, forward and backward.
    assert {"ew", "reduce", "matmul", "batch_matmul", "conv2d", "conv2d_grad_input", "conv2d_grad_filter",
            "pad", "slice", "pool", "maxpool_select", "window_sum", "transpose", "reshape", "loss",
            "grad_seed"} <= zoo_node_kinds()


@pytest.mark.parametrize("kind", sorted(zoo_node_kinds()))
def test_every_primitive_is_complete(kind):
    assert kind in evaluate.IMPL, f"no numpy implementation for primitive '{kind}'"
    assert hasattr(emit_mlir._Func, f"_{kind}"), f"no MLIR emission for primitive '{kind}'"
    assert kind in autodiff.VJP or kind in autodiff.BACKWARD_ONLY, f"no gradient rule for '{kind}'"


def test_every_elementwise_function_is_complete():
    # onehot has an integer input: emitted and evaluated by dedicated code.
    for fn in (graph.EW_FNS.keys() | evaluate.EW_IMPL.keys() | emit_mlir.EW_BODY.keys()) - {"onehot"}:
        assert fn in graph.EW_FNS, f"{fn}: implemented but not declared in graph.EW_FNS"
        assert fn in evaluate.EW_IMPL, f"{fn}: no numpy implementation"
        assert fn in emit_mlir.EW_BODY, f"{fn}: no MLIR emission"
