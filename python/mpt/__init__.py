"""mpt frontend: build FP32 training steps (forward, autodiff, optimizer) as MLIR.

Quick start::

    import mpt
    m = mpt.Model(seed=0)
    x = m.input("x", (32, 8, 8, 1))
    y = m.input("y", (32,), "i32")
    logits = m.dense(m.dense(m.flatten(x), 64, activation="relu"), 10, init="glorot")
    step = m.compile(m.softmax_cross_entropy(logits, y), mpt.SGD(lr=0.1), output=logits)
    open("mlp.mlir", "w").write(step.to_mlir())

See docs/frontend.md.
"""

from .errors import FrontendError
from .init import InitSpec
from .ops import Model, sequential
from .optim import SGD, Adam, AdamW
from .train import ArgSpec, TrainStep
from .emit_mlir import emit_module

__all__ = ["FrontendError", "InitSpec", "Model", "sequential", "SGD", "Adam", "AdamW", "ArgSpec", "TrainStep",
           "emit_module"]
__version__ = "0.1.0"
