"""A compiled training step: forward + loss + backward + optimizer, and its signature.

:class:`TrainStep` is what :meth:`mpt.Model.compile` returns. It knows the
argument/result table of ``@train_step`` and ``@eval_step`` (roles, names,
initialisation), emits the MLIR (:meth:`TrainStep.to_mlir`), and runs the same
step in FP64 numpy (:meth:`TrainStep.step`) as the reference the compiled
FP32/mixed-precision steps are compared against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from . import init as init_mod
from .autodiff import gradients
from .errors import FrontendError
from .evaluate import evaluate
from .graph import F32, Node, shape_str


@dataclass(frozen=True)
class ArgSpec:
    """One function argument: ``mpt.role``, ``mpt.name``, type, and ``mpt.init`` for state."""

    role: str                      # "param" | "opt_state" | "input"
    name: str
    shape: tuple
    dtype: str                     # "f32" | "i32"
    init: init_mod.InitSpec | None = None
    param: str | None = None       # for per-parameter optimizer state: the parameter's name
    slot: str | None = None        # e.g. "momentum", "adam_m", "adam_v", "step"


class TrainStep:
    """A model's training step (see the module docstring)."""

    def __init__(self):
        raise TypeError("use Model.compile() to build a TrainStep")

    @classmethod
    def build(cls, model, loss: Node, optimizer, output: Node | None = None) -> "TrainStep":
        from .optim import Adam, SGD
        self = object.__new__(cls)
        g = model.graph
        if not isinstance(optimizer, (SGD, Adam)):
            raise FrontendError(f"unknown optimizer {optimizer!r} (use mpt.SGD or mpt.Adam)")
        for what, v in (("loss", loss), ("output", output)):
            if v is None and what == "output":
                continue
            if not isinstance(v, Node) or v.id >= len(g.nodes) or g.nodes[v.id] is not v:
                raise FrontendError(f"compile: the {what} {v!r} is not a tensor of this model")
        if loss.shape != () or loss.dtype != F32:
            raise FrontendError(f"compile: the loss must be a scalar f32 tensor, got {loss.dtype} "
                                f"{shape_str(loss.shape)} from layer '{loss.layer}'")
        if not model.params:
            raise FrontendError("compile: the model has no parameters to train")
        self.model = model
        self.graph = g
        self.optimizer = optimizer
        self.loss_value = loss
        self.output = output
        self.params = list(model.params)
        self.inputs = list(model.inputs)
        with g.layer("loss", "loss"):
            self.loss = g.loss(loss)
            self.seed = g.grad_seed(self.loss)
        grads = gradients(g, self.loss, self.seed, self.params)
        missing = [p.attrs["name"] for p in self.params if grads[p.id] is None]
        if missing:
            raise FrontendError(f"compile: parameters {', '.join(missing)} do not affect the loss "
                                f"(computed by layer '{loss.layer}')")
        self.grads = [grads[p.id] for p in self.params]
        self.state = self._state_specs()
        return self

    # -------------------------------------------------------------- signature
    def _state_specs(self) -> list[ArgSpec]:
        out = []
        for p in self.params:
            pname = p.attrs["name"]
            for slot in self.optimizer.state_slots:
                out.append(ArgSpec("opt_state", f"{pname}.{slot}", p.shape, F32, init_mod.zeros(), pname, slot))
        for name in self.optimizer.global_state:
            out.append(ArgSpec("opt_state", name, (), F32, init_mod.zeros(), None, "step"))
        return out

    def param_specs(self) -> list[ArgSpec]:
        return [ArgSpec("param", p.attrs["name"], p.shape, F32, p.attrs["init"]) for p in self.params]

    def input_specs(self) -> list[ArgSpec]:
        return [ArgSpec("input", x.attrs["name"], x.shape, x.dtype) for x in self.inputs]

    def train_arguments(self) -> list[ArgSpec]:
        """``@train_step`` arguments in order: parameters, optimizer state, inputs."""
        return self.param_specs() + list(self.state) + self.input_specs()

    def eval_arguments(self) -> list[ArgSpec]:
        """``@eval_step`` arguments in order: parameters, inputs."""
        return self.param_specs() + self.input_specs()

    @property
    def batch_size(self) -> int:
        return self.inputs[0].shape[0] if self.inputs else 1

    # ------------------------------------------------------------ numeric FP64
    def init_params(self) -> dict[str, np.ndarray]:
        """Initial parameter values (float32), regenerated from their ``mpt.init``."""
        return {p.attrs["name"]: p.attrs["init"].generate(p.shape) for p in self.params}

    def init_state(self) -> dict[str, np.ndarray]:
        """Initial optimizer state (float32 zeros)."""
        return {s.name: s.init.generate(s.shape) for s in self.state}

    def _feeds(self, params: Mapping, batch: Mapping) -> dict:
        feeds = dict(params)
        feeds.update(batch)
        return feeds

    def forward(self, params: Mapping, batch: Mapping):
        """FP64 ``(loss, output)`` (output is ``None`` without an output tensor)."""
        targets = [self.loss_value] + ([self.output] if self.output is not None else [])
        vals = evaluate(self.graph, targets, self._feeds(params, batch))
        return float(vals[0]), (vals[1] if self.output is not None else None)

    def gradients(self, params: Mapping, batch: Mapping):
        """FP64 ``(loss, {param name: gradient})`` by running the generated backward graph."""
        vals = evaluate(self.graph, [self.loss] + self.grads, self._feeds(params, batch))
        return float(vals[0]), {p.attrs["name"]: v for p, v in zip(self.params, vals[1:])}

    def step(self, params: Mapping, state: Mapping, batch: Mapping):
        """One FP64 training step: ``(new_params, new_state, loss)`` (the loss before the update)."""
        loss, grads = self.gradients(params, batch)
        new_params, new_state = {}, {}
        step_name = self.optimizer.global_state[0] if self.optimizer.global_state else None
        for p in self.params:
            name = p.attrs["name"]
            st = {slot: state[f"{name}.{slot}"] for slot in self.optimizer.state_slots}
            if step_name:
                st["step"] = state[step_name]
            new_p, new_st = self.optimizer.update(params[name], grads[name], st)
            new_params[name] = new_p
            for slot in self.optimizer.state_slots:
                new_state[f"{name}.{slot}"] = new_st[slot]
            if step_name:
                new_state[step_name] = np.asarray(new_st["step"], np.float64)
        return new_params, new_state, loss

    # -------------------------------------------------------------------- MLIR
    def to_mlir(self, **options) -> str:
        """The MLIR module text (``@train_step`` and ``@eval_step``); see :func:`mpt.emit_mlir.emit_module`."""
        from .emit_mlir import emit_module
        return emit_module(self, **options)
