"""How the end-to-end tests start data-parallel runs: Open MPI's mpirun on
this machine only (loopback), oversubscribed (more ranks than cores), and
allowed to run as root (CI containers run as root)."""
import os
import shutil
import subprocess
import sys

import e2e


def mpirun_cmd(ranks):
    mpirun = shutil.which("mpirun")
    if not mpirun:
        sys.exit("FAIL: mpirun not found (apt-get install openmpi-bin "
                 "libopenmpi-dev; scripts/setup.sh installs them)")
    return [mpirun, "-np", str(ranks), "--oversubscribe", "--bind-to", "none",
            "--mca", "btl", "self,vader,tcp",
            "--mca", "btl_tcp_if_include", "lo",
            "--mca", "btl_vader_single_copy_mechanism", "none"]


def mpi_env():
    env = dict(os.environ)
    env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    # No network interfaces but loopback, and no warnings about them.
    env["OMPI_MCA_oob_tcp_if_include"] = "lo"
    return env


def run_ranks(ranks, args, expect_ok=True, timeout=600):
    """mpirun -np RANKS mpt-run ARGS...; returns the CompletedProcess."""
    cmd = mpirun_cmd(ranks) + [e2e.tool("mpt-run")] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, env=mpi_env(),
                       timeout=timeout)
    if (p.returncode == 0) != expect_ok:
        sys.exit("FAIL: " + " ".join(cmd) + f"\nexit status {p.returncode}\n"
                 f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p
