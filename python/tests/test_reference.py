"""FP64 reference runs (python -m mpt.reference), what compiled steps are compared against."""

import subprocess
import sys
from pathlib import Path

import numpy as np

from mpt import data
from mpt.models import build, make_optimizer
from mpt.reference import reference_run

PYDIR = Path(__file__).resolve().parents[1]


def test_reference_run_takes_consecutive_batches_and_wraps():
    split = data.synthetic((4,), 10, classes=3, seed=1)        # 2 batches of 4, 2 samples left over
    step = build("mlp", make_optimizer("sgd", lr=0.1), batch=4, blocks=1, width=5, input_shape=(4,), classes=3)
    losses, init, final = reference_run(step, split, 3)
    params, state = step.init_params(), step.init_state()
    want = []
    for i in (0, 4, 0):
        params, state, loss = step.step(params, state, {"x": split["x"][i:i + 4], "y": split["y"][i:i + 4]})
        want.append(loss)
    assert np.array_equal(losses, want)
    assert all(np.array_equal(final[k], params[k]) for k in params)
    assert all(init[k].dtype == np.float32 for k in init)


def test_reference_cli(tmp_path):
    data.write_dataset(tmp_path / "d", {"train": data.synthetic((8, 8, 1), 64, seed=2)})
    r = subprocess.run([sys.executable, "-m", "mpt.reference", "cnn", "--batch", "8", "--optimizer", "adam",
                        "--data", str(tmp_path / "d"), "--steps", "3", "-o", str(tmp_path / "ref")],
                       cwd=PYDIR, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert np.load(tmp_path / "ref" / "loss.npy").shape == (3,)
    assert np.load(tmp_path / "ref" / "final" / "adam.step.npy") == 3.0
    assert np.load(tmp_path / "ref" / "init" / "conv0.weight.npy").dtype == np.dtype("<f4")
    r = subprocess.run([sys.executable, "-m", "mpt.reference", "mlp", "--input-shape", "4,4,1",
                        "--data", str(tmp_path / "d"), "-o", str(tmp_path / "bad")], cwd=PYDIR,
                       capture_output=True, text=True)
    assert r.returncode == 1 and "samples of shape (8, 8, 1), the step expects (4, 4, 1)" in r.stderr
