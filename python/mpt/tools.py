"""Finding and driving the mpt command-line tools (``mpt-opt``) and stock MLIR tools.

``mpt-opt`` is looked up in ``$MPT_OPT``, then ``$MPT_BUILD_DIR/bin/mpt-opt``,
then ``<repo>/build/bin/mpt-opt`` (the repository that holds this package),
then ``PATH``. Stock MLIR tools
(used by the tests to check the non-mpt parts of the emitted IR) are looked up
in ``$MLIR_OPT`` / ``$MLIR_RUNNER``, ``PATH`` (``mlir-opt-22``, ``mlir-opt``)
and ``/usr/lib/llvm-22/bin``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LLVM_BIN = Path("/usr/lib/llvm-22/bin")


class ToolNotFound(RuntimeError):
    """A required command-line tool is not available."""


def _first_executable(candidates) -> str | None:
    for c in candidates:
        if not c:
            continue
        p = Path(c)
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
        w = shutil.which(str(c))
        if w:
            return w
    return None


def _from_env(var: str) -> str | None:
    """The tool named by ``$var``; an explicit setting that is not an executable is an error."""
    env = os.environ.get(var)
    if not env:
        return None
    found = _first_executable([env])
    if not found:
        raise ToolNotFound(f"{var}={env} is not an executable file")
    return found


def find_mpt_opt() -> str:
    """Path to ``mpt-opt`` or :class:`ToolNotFound` saying where it was looked for."""
    env = _from_env("MPT_OPT")
    build_dir = os.environ.get("MPT_BUILD_DIR")
    found = _first_executable([env, Path(build_dir) / "bin" / "mpt-opt" if build_dir else None,
                               REPO_ROOT / "build" / "bin" / "mpt-opt", "mpt-opt"])
    if not found:
        raise ToolNotFound(f"mpt-opt not found: set MPT_OPT, or build it at {REPO_ROOT / 'build/bin/mpt-opt'} "
                           f"(cmake --build build), or put it on PATH")
    return found


def find_llvm_tool(name: str, env_var: str) -> str:
    """Path to a stock MLIR tool (``mlir-opt``, ``mlir-runner``)."""
    env = _from_env(env_var)
    found = _first_executable([env, f"{name}-22", LLVM_BIN / name, name])
    if not found:
        raise ToolNotFound(f"{name} not found: set {env_var} or install MLIR 22 ({LLVM_BIN})")
    return found


def run_tool(tool: str, args: list[str], text: str, timeout: float = 300) -> str:
    """Run ``tool args`` with ``text`` on stdin; returns stdout or raises RuntimeError with stderr."""
    proc = subprocess.run([tool, *args], input=text, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(tool).name} {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def verify_with_mpt_opt(text: str, extra_args: list[str] | None = None) -> str:
    """Parse and verify ``text`` with ``mpt-opt`` (round-trips it); returns the printed module."""
    return run_tool(find_mpt_opt(), ["--verify-each", *(extra_args or [])], text)
