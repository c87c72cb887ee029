# -*- Python -*-
# lit configuration of the mpt regression tests.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "MPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mpt_obj_root, "test")
config.excludes = ["Inputs", "Unit", "CMakeLists.txt", "README.md",
                   "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%mpt_src_root", config.mpt_src_root))
config.substitutions.append(("%mpt_obj_root", config.mpt_obj_root))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%python", config.python_executable))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
# `not`, `count` and `split-file` live with the LLVM tools.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Python helpers (mpt.models, check scripts) come from this checkout, not
# from wherever the package happens to be installed.
config.environment["PYTHONPATH"] = os.path.join(config.mpt_src_root, "python")

# FileCheck strictness for every test (docs/getting-started.md, "Tests").
config.environment["FILECHECK_OPTS"] = (
    "-enable-var-scope --allow-unused-prefixes=false")

tool_dirs = [config.mpt_tools_dir, config.llvm_tools_dir]
tools = [
    "mpt-opt",
    "mpt-compile",
    "mpt-translate",
    "mpt-capi-test",
    ToolSubst("mpt-ptx-emu", unresolved="ignore"),
    ToolSubst("mpt-run", unresolved="ignore"),
    ToolSubst("mpt-artifact", unresolved="ignore"),
    ToolSubst("mlir-opt-22", unresolved="ignore"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The digits data set (Debian's python3-sklearn, installed by setup.sh).
if os.path.exists(
        "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"):
    config.available_features.add("digits")

# A sanitizer build (scripts/run_tests.sh --asan): tests that limit the
# address space (ulimit -v, RLIMIT_AS) or measure memory cannot run under
# AddressSanitizer, which reserves terabytes of shadow memory.
if "address" in getattr(config, "mpt_sanitize", "").split(","):
    config.available_features.add("asan")

# The host C compiler: runtime tests build small step functions with it.
config.substitutions.append(("%host_cc", config.host_cc))

config.substitutions.append(
    ("%mpt_plugin", os.path.join(config.mpt_obj_root, "lib", "libMPTPlugin.so")))

# The stock MLIR 22 mlir-opt that the plugin test loads into.
stock = shutil.which("mlir-opt", path=config.llvm_tools_dir)
if stock:
    config.substitutions.append(("%stock_mlir_opt", stock))
    config.available_features.add("stock-mlir-opt")

if config.cuda_toolkit_root and os.path.exists(
        os.path.join(config.cuda_toolkit_root, "bin", "ptxas")):
    config.available_features.add("cuda-toolkit")
    config.substitutions.append(
        ("%ptxas", os.path.join(config.cuda_toolkit_root, "bin", "ptxas")))
