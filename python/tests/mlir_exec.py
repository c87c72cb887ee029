"""Run the emitted ``@grad_step`` with stock MLIR (mlir-opt lowering + mlir-runner).

This executes the emitter's output in FP32 on the CPU, so the tests can compare
it against the FP64 numpy evaluator: an independent check of the MLIR text
(affine maps, reductions, pads, reshapes), not only of the graph.
"""

from __future__ import annotations

import re

import numpy as np

from mpt.emit_mlir import emit_module, fmt_f32, tensor_type
from mpt.tools import LLVM_BIN, find_llvm_tool, run_tool

PIPELINE = [
    "--one-shot-bufferize=bufferize-function-boundaries",
    "--convert-linalg-to-loops", "--expand-strided-metadata", "--lower-affine", "--convert-scf-to-cf",
    "--convert-math-to-llvm", "--convert-math-to-libm", "--convert-arith-to-llvm",
    "--finalize-memref-to-llvm", "--convert-func-to-llvm", "--convert-cf-to-llvm",
    "--reconcile-unrealized-casts",
]


def _runner_libs() -> str:
    libdir = LLVM_BIN.parent / "lib"
    return ",".join(str(libdir / f) for f in ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so"))


def _dense(value: np.ndarray, dtype: str) -> str:
    flat = value.reshape(-1)
    if dtype == "i32":
        items = [str(int(v)) for v in flat]
    else:
        items = [fmt_f32(v) for v in flat]
    if value.ndim == 0:
        return f"dense<{items[0]}>"
    return "dense<[" + ", ".join(items) + "]>" if value.ndim == 1 else \
        "dense<" + _nest(np.array(items, dtype=object).reshape(value.shape)) + ">"


def _nest(a) -> str:
    if a.ndim == 1:
        return "[" + ", ".join(a) + "]"
    return "[" + ", ".join(_nest(x) for x in a) + "]"


def _parse(out: str) -> list[np.ndarray]:
    res = []
    for block in out.split("Unranked Memref")[1:]:
        sizes = re.search(r"sizes = \[([^\]]*)\]", block).group(1)
        shape = tuple(int(s) for s in sizes.split(",") if s.strip())
        data = block.split("data =", 1)[1]
        nums = re.findall(r"[-+]?(?:nan|inf|\d+\.?\d*(?:e[-+]?\d+)?)", data)
        res.append(np.array([float(v) for v in nums], np.float64).reshape(shape))
    return res


def _run_main(module: str, name: str, args: list[tuple[str, str]], res_types: list[str],
              passes: list[str]) -> list[np.ndarray]:
    """Appends a ``@main`` that calls ``@name`` on constant arguments
    ``(dense literal, tensor type)`` and prints each f32 result, lowers the
    module with stock mlir-opt (``passes`` first) and runs it."""
    lines = ["  func.func private @printMemrefF32(memref<*xf32>)", "  func.func @main() {"]
    for i, (value, ty) in enumerate(args):
        lines.append(f"    %a{i} = arith.constant {value} : {ty}")
    lines.append(f"    %r:{len(res_types)} = func.call @{name}({', '.join(f'%a{i}' for i in range(len(args)))}) : "
                 f"({', '.join(t for _, t in args)}) -> ({', '.join(res_types)})")
    for i, t in enumerate(res_types):
        mt = t.replace("tensor<", "memref<")
        lines.append(f"    %m{i} = bufferization.to_buffer %r#{i} : {t} to {mt}")
        lines.append(f"    %u{i} = memref.cast %m{i} : {mt} to memref<*xf32>")
        lines.append(f"    func.call @printMemrefF32(%u{i}) : (memref<*xf32>) -> ()")
    lines += ["    return", "  }"]
    body = module.rstrip()
    assert body.endswith("}")
    full = body[:-1] + "\n".join(lines) + "\n}\n"
    lowered = run_tool(find_llvm_tool("mlir-opt", "MLIR_OPT"), [*passes, *PIPELINE], full)
    out = run_tool(find_llvm_tool("mlir-runner", "MLIR_RUNNER"),
                   ["-e", "main", "-entry-point-result=void", f"-shared-libs={_runner_libs()}"], lowered)
    vals = _parse(out)
    assert len(vals) == len(res_types), out[:2000]
    return vals


def run_grad_step(step, params: dict, batch: dict) -> tuple[float, dict]:
    """FP32 ``(loss, {param: grad})`` computed by the emitted MLIR."""
    text = emit_module(step, functions=("grad_step",), locations=False)
    args = [(_dense(np.asarray(params[a.name] if a.role == "param" else batch[a.name]), a.dtype),
             tensor_type(a.shape, a.dtype)) for a in step.eval_arguments()]
    res_types = ["tensor<f32>"] + [tensor_type(p.shape) for p in step.params]
    vals = _run_main(text, "grad_step", args, res_types, ["--allow-unregistered-dialect"])
    return float(vals[0]), {p.attrs["name"]: v for p, v in zip(step.params, vals[1:])}


def run_function(module: str, name: str, args: list[np.ndarray], result_shapes: list[tuple[int, ...]],
                 passes: list[str] | None = None) -> list[np.ndarray]:
    """FP32 results of ``@name`` of ``module`` (linalg on tensors, f32 tensor
    arguments and results) on ``args``, lowered with stock mlir-opt after
    ``passes`` (stock mlir-opt passes) and run by mlir-runner."""
    ty = lambda shape: f"tensor<{'x'.join(map(str, shape))}xf32>" if shape else "tensor<f32>"
    consts = [(_dense(np.asarray(a, np.float32), "f32"), ty(np.shape(a))) for a in args]
    return _run_main(module, name, consts, [ty(s) for s in result_shapes], passes or [])
