"""Importers of framework training steps: ``mpt.importers.torch`` and ``mpt.importers.jax``.

Each exports a model's training step with the framework's own tools
(torch-mlir; JAX + IREE's input conversion) as linalg on tensors, and writes
it in mpt's training-step contract (docs/importers.md). The framework
packages are optional: importing this package needs none of them.
"""

from .mlir_text import ImportError_

__all__ = ["ImportError_"]
