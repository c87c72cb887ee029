"""Shrinks a failing spec while it still fails the same way, and saves it.

:func:`minimize` tries, in rounds until nothing is accepted, smaller
variants of the spec: without one layer (at any depth), a residual replaced
by its body, batch 1, smaller input dimensions, two classes, plain SGD,
smaller layer options (filters and units 1, kernel, stride, dilation and
window 1, no padding, no activation, no bias) and, for the loop template,
fewer trips and sizes. A variant is accepted when it still builds and
:func:`mpt.harness.check.check_graph`, run on the failing leg only, fails on
that leg with the same kind. :func:`save` writes the result as a regression
input: ``<leg>-<kind>-<hash>.json`` (the spec and the failure) and the
step's MLIR next to it; ``python -m mpt.harness replay`` runs them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import FrontendError
from .check import Failure, check_graph
from .generate import build, copy_spec, spec_size

SHRINK = {"filters": 1, "units": 1, "kernel_size": 1, "stride": 1, "dilation": 1, "window": 1, "padding": 0,
          "activation": None, "use_bias": False, "heads": 1}


def _layer_lists(spec):
    """Every list of layers in the spec (the top level and residual bodies)."""
    out = [spec["layers"]]
    i = 0
    while i < len(out):
        for layer in out[i]:
            if layer["op"] == "residual":
                out.append(layer["layers"])
        i += 1
    return out


def _variants(spec: dict):
    if spec["kind"] == "loop":
        for key, small in (("trips", 1), ("batch", 1), ("features", 1), ("hidden", 1), ("classes", 2),
                           ("act", "relu")):
            if spec[key] != small:
                v = copy_spec(spec)
                v[key] = small
                yield v
        if spec["optimizer"] != {"kind": "sgd", "lr": 0.1}:
            v = copy_spec(spec)
            v["optimizer"] = {"kind": "sgd", "lr": 0.1}
            yield v
        return
    n_lists = len(_layer_lists(spec))
    for li in range(n_lists):
        for i in range(len(_layer_lists(spec)[li])):
            v = copy_spec(spec)
            lst = _layer_lists(v)[li]
            removed = lst.pop(i)
            yield v
            if removed["op"] == "residual":
                v = copy_spec(spec)
                lst = _layer_lists(v)[li]
                body = lst[i]["layers"]
                lst[i:i + 1] = body
                yield v
    if spec["batch"] != 1:
        v = copy_spec(spec)
        v["batch"] = 1
        yield v
    for d in range(len(spec["input"])):
        if spec["input"][d] > 1:
            v = copy_spec(spec)
            v["input"][d] = max(1, spec["input"][d] // 2)
            yield v
    if spec["head"]["classes"] != 2:
        v = copy_spec(spec)
        v["head"]["classes"] = 2
        yield v
    if spec["optimizer"] != {"kind": "sgd", "lr": 0.1}:
        v = copy_spec(spec)
        v["optimizer"] = {"kind": "sgd", "lr": 0.1}
        yield v
    for li in range(n_lists):
        for i, layer in enumerate(_layer_lists(spec)[li]):
            for key, small in SHRINK.items():
                if key in layer and layer[key] != small:
                    v = copy_spec(spec)
                    _layer_lists(v)[li][i][key] = small
                    yield v


def _builds(spec: dict) -> bool:
    try:
        build(spec)
        return True
    except (FrontendError, ValueError):
        return False


def minimize(spec: dict, failure: Failure, plan: dict, *, timeout: float = 300.0, max_tries: int = 150,
             log=None) -> dict:
    """The smallest variant of ``spec`` found that fails like ``failure``
    under the same ``plan`` (precisions and cuda leg, kept in the result)."""
    legs = {failure.leg}

    def same(candidate):
        r = check_graph(candidate, legs=legs, timeout=timeout)
        return any(f.leg == failure.leg and f.kind == failure.kind for f in r.failures)

    best = copy_spec(spec)
    best["plan"] = dict(plan)
    tries = 0
    progress = True
    while progress and tries < max_tries:
        progress = False
        for v in _variants(best):
            if tries >= max_tries:
                break
            if spec_size(v) >= spec_size(best):
                continue
            if not _builds(v):
                continue
            tries += 1
            if same(v):
                best = v
                progress = True
                if log:
                    log(f"  minimise: accepted a variant of size {spec_size(best)}")
                break
    return best


def save(spec: dict, failure: Failure, directory: Path, found_by: str) -> Path:
    """Writes the spec, the failure and the step's MLIR; returns the JSON path."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(spec, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    base = directory / f"{failure.leg}-{failure.kind}-{digest}"
    record = {"spec": spec, "failure": failure.as_dict(), "found_by": found_by}
    base.with_suffix(".json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    try:
        base.with_suffix(".mlir").write_text(build(spec).to_mlir())
    except (FrontendError, ValueError):
        pass
    return base.with_suffix(".json")
