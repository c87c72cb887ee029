"""Digits loader, split, synthetic generator, batching and the .npy dataset-directory format."""

import csv
import gzip
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mpt import data

PYDIR = Path(__file__).resolve().parents[1]


def raw_rows():
    with gzip.open(data.find_digits_csv(), "rt") as f:
        return [list(map(float, row)) for row in csv.reader(f)]


def test_digits_loader_shapes_range_and_values():
    x, y = data.load_digits()
    rows = raw_rows()
    assert x.shape == (1797, 8, 8, 1) and x.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int32
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    for i in (0, 1, 1000, 1796):
        assert np.array_equal(x[i, :, :, 0], np.float32(np.array(rows[i][:64]).reshape(8, 8) / 16.0))
        assert y[i] == int(rows[i][64])


def test_digits_split_is_fixed_last_360_test():
    s = data.digits()
    x, y = data.load_digits()
    assert len(s["train"]["x"]) == 1437 and len(s["test"]["x"]) == 360
    assert np.array_equal(s["test"]["x"], x[-360:]) and np.array_equal(s["train"]["y"], y[:1437])


def test_synthetic_is_deterministic_and_learnable_shape():
    a = data.synthetic((4, 4, 3), 64, classes=5, seed=3)
    b = data.synthetic((4, 4, 3), 64, classes=5, seed=3)
    c = data.synthetic((4, 4, 3), 64, classes=5, seed=4)
    assert a["x"].shape == (64, 4, 4, 3) and a["x"].dtype == np.float32 and a["y"].dtype == np.int32
    assert np.array_equal(a["x"], b["x"]) and np.array_equal(a["y"], b["y"])
    assert not np.array_equal(a["x"], c["x"])
    assert a["x"].min() >= 0 and a["x"].max() < 1 and a["y"].min() >= 0 and a["y"].max() < 5
    assert len(np.unique(a["y"])) > 1
    r = data.synthetic((3,), 10, regression=2)
    assert r["y"].shape == (10, 2) and r["y"].dtype == np.float32


def test_batches_are_consecutive_and_drop_the_remainder():
    split = {"x": np.arange(10).reshape(10, 1), "y": np.arange(10)}
    bs = list(data.batches(split, 4))
    assert len(bs) == 2 and np.array_equal(bs[1]["y"], [4, 5, 6, 7])
    assert len(list(data.batches(split, 4, drop_last=False))) == 3
    with pytest.raises(ValueError):
        list(data.batches({"x": np.zeros(3), "y": np.zeros(4)}, 2))


def parse_npy(path):
    """A minimal independent .npy v1.0 reader: (descr, fortran_order, shape, payload bytes)."""
    raw = Path(path).read_bytes()
    assert raw[:6] == b"\x93NUMPY" and raw[6:8] == b"\x01\x00"
    (hlen,) = struct.unpack("<H", raw[8:10])
    header = eval(raw[10:10 + hlen].decode("latin1"))  # a Python dict literal by the format's definition
    assert (10 + hlen) % 64 == 0
    return header["descr"], header["fortran_order"], header["shape"], raw[10 + hlen:]


def test_dataset_directory_format(tmp_path):
    s = data.digits()
    data.write_dataset(tmp_path, s)
    for split, n in (("train", 1437), ("test", 360)):
        descr, fo, shape, payload = parse_npy(tmp_path / split / "x.npy")
        assert (descr, fo, shape) == ("<f4", False, (n, 8, 8, 1))
        assert np.array_equal(np.frombuffer(payload, "<f4").reshape(shape), s[split]["x"])
        descr, fo, shape, payload = parse_npy(tmp_path / split / "y.npy")
        assert (descr, fo, shape) == ("<i4", False, (n,))
        assert np.array_equal(np.frombuffer(payload, "<i4"), s[split]["y"])
    back = data.read_dataset(tmp_path)
    assert set(back) == {"train", "test"} and set(back["train"]) == {"x", "y"}


def test_cli_digits_and_synthetic(tmp_path):
    env_cmd = [sys.executable, "-m", "mpt.data"]
    r = subprocess.run(env_cmd + ["digits", "-o", str(tmp_path / "d")], cwd=PYDIR, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert np.load(tmp_path / "d" / "test" / "y.npy").shape == (360,)
    r = subprocess.run(env_cmd + ["synthetic", "--shape", "5,5,2", "--classes", "4", "--train", "40", "--test", "8",
                                  "--seed", "9", "-o", str(tmp_path / "s")], cwd=PYDIR, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    x = np.load(tmp_path / "s" / "train" / "x.npy")
    assert x.shape == (40, 5, 5, 2) and x.dtype == np.dtype("<f4")
    full = data.synthetic((5, 5, 2), 48, classes=4, seed=9)
    assert np.array_equal(np.load(tmp_path / "s" / "test" / "x.npy"), full["x"][40:])
    r = subprocess.run(env_cmd + ["synthetic", "--shape", "0,3", "-o", str(tmp_path / "bad")], cwd=PYDIR,
                       capture_output=True, text=True)
    assert r.returncode != 0 and not (tmp_path / "bad").exists()
