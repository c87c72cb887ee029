"""Exceptions raised by the mpt frontend."""


class FrontendError(ValueError):
    """A model definition the frontend cannot turn into a training step.

    Raised while the graph is being built (before any MLIR is written); the
    message names the layer and the shapes involved.
    """
