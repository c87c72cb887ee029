"""Data sets for training runs: the handwritten digits, a synthetic generator, batching, ``.npy`` directories.

A *dataset directory* (what ``mpt-run`` reads) is::

    DIR/train/<input-name>.npy
    DIR/test/<input-name>.npy

one file per ``mpt.role = #mpt.role<input>`` argument of the training step, named by its
``mpt.name`` (``x.npy``: float32 NHWC images ``[N, H, W, C]``, ``y.npy``: int32
class labels ``[N]``). The first axis is the sample count; all files of a split
have the same count. The runtime takes consecutive batches of the graph's batch
size (a last partial batch is not used). Files are standard ``.npy`` version
1.0, little-endian, C order.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import numpy as np

from ..init import splitmix64_u01

DIGITS_CANDIDATES = (
    "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz",
    "/usr/share/python3-sklearn/datasets/data/digits.csv.gz",
)
DIGITS_TEST_SIZE = 360

Split = dict[str, np.ndarray]


def find_digits_csv() -> Path:
    """The path of ``digits.csv.gz``: Debian's python3-sklearn copy, else an installed scikit-learn's."""
    for c in DIGITS_CANDIDATES:
        if Path(c).is_file():
            return Path(c)
    try:  # scikit-learn from PyPI: locate its package data without importing all of sklearn
        import importlib.util
        spec = importlib.util.find_spec("sklearn")
        if spec is not None and spec.submodule_search_locations:
            for loc in spec.submodule_search_locations:
                p = Path(loc) / "datasets" / "data" / "digits.csv.gz"
                if p.is_file():
                    return p
    except (ImportError, ValueError):
        pass
    raise FileNotFoundError("digits.csv.gz not found: install Debian's python3-sklearn "
                            f"({DIGITS_CANDIDATES[0]}) or scikit-learn from PyPI")


def load_digits(path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All 1797 digits: ``x`` float32 ``[1797, 8, 8, 1]`` in [0, 1] (pixel / 16), ``y`` int32 ``[1797]``."""
    path = Path(path) if path is not None else find_digits_csv()
    with gzip.open(path, "rt") as f:
        raw = np.loadtxt(f, delimiter=",", dtype=np.float64)
    if raw.ndim != 2 or raw.shape[1] != 65:
        raise ValueError(f"{path}: expected rows of 64 pixels and a label, got shape {raw.shape}")
    pixels, labels = raw[:, :64], raw[:, 64]
    if pixels.min() < 0 or pixels.max() > 16 or np.any(labels != np.round(labels)) or labels.min() < 0 \
            or labels.max() > 9:
        raise ValueError(f"{path}: pixel values must be 0..16 and labels 0..9")
    x = (pixels / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    y = labels.astype(np.int32)
    return x, y


def digits(test_size: int = DIGITS_TEST_SIZE, path: str | Path | None = None) -> dict[str, Split]:
    """The fixed split: the last ``test_size`` samples (in file order) are the test set."""
    x, y = load_digits(path)
    if not 0 < test_size < len(x):
        raise ValueError(f"test_size must be between 1 and {len(x) - 1}, got {test_size}")
    n = len(x) - test_size
    return {"train": {"x": x[:n], "y": y[:n]}, "test": {"x": x[n:], "y": y[n:]}}


def synthetic(shape: Sequence[int], count: int, classes: int = 10, seed: int = 0, regression: int = 0,
              x_name: str = "x", y_name: str = "y") -> Split:
    """``count`` deterministic samples of ``shape``: ``x`` uniform in [0, 1) (the init RNG with ``seed``).

    Targets come from a fixed random linear teacher ``W`` (seed ``seed + 1``):
    class labels ``argmax(flatten(x) @ W)`` (int32) for ``classes``, or float32
    ``flatten(x) @ W`` of width ``regression`` when ``regression > 0``. The
    labels are therefore learnable.
    """
    shape = tuple(int(d) for d in shape)
    if count < 1 or any(d < 1 for d in shape):
        raise ValueError(f"synthetic: count and shape must be positive, got count={count} shape={shape}")
    d = math.prod(shape)
    x = splitmix64_u01(seed, count * d).astype(np.float32).reshape((count, *shape))
    width = regression if regression > 0 else classes
    if width < 1 or (regression <= 0 and classes < 2):
        raise ValueError(f"synthetic: need classes >= 2 or regression >= 1, got classes={classes}, "
                         f"regression={regression}")
    w = splitmix64_u01(seed + 1, d * width).reshape(d, width) * 2.0 - 1.0
    scores = x.reshape(count, d).astype(np.float64) @ w
    if regression > 0:
        y = scores.astype(np.float32)
    else:
        y = np.argmax(scores - scores.mean(axis=0), axis=1).astype(np.int32)
    return {x_name: x, y_name: y}


def batches(split: Mapping[str, np.ndarray], batch_size: int, drop_last: bool = True) -> Iterator[Split]:
    """Consecutive batches (the order the runtime uses); the last partial batch is dropped by default."""
    n = _count(split)
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    stop = n - n % batch_size if drop_last else n
    for i in range(0, stop, batch_size):
        yield {k: v[i:i + batch_size] for k, v in split.items()}


def _count(split: Mapping[str, np.ndarray]) -> int:
    counts = {k: len(v) for k, v in split.items()}
    if not counts or len(set(counts.values())) != 1:
        raise ValueError(f"all arrays of a split need the same sample count, got {counts}")
    return next(iter(counts.values()))


def _npy_dtype(a: np.ndarray) -> np.ndarray:
    if a.dtype.kind == "f":
        return np.ascontiguousarray(a, dtype="<f4")
    if a.dtype.kind in "iub":
        return np.ascontiguousarray(a, dtype="<i4")
    raise ValueError(f"unsupported dtype {a.dtype} (float32 and int32 only)")


def write_dataset(directory: str | Path, splits: Mapping[str, Mapping[str, np.ndarray]]) -> Path:
    """Write ``{split: {input name: array}}`` as ``DIR/<split>/<name>.npy`` (float32 / int32, v1.0)."""
    directory = Path(directory)
    for split, arrays in splits.items():
        _count(arrays)
        d = directory / split
        d.mkdir(parents=True, exist_ok=True)
        for name, arr in arrays.items():
            a = _npy_dtype(np.asarray(arr))
            with open(d / f"{name}.npy", "wb") as f:
                np.lib.format.write_array(f, a, version=(1, 0), allow_pickle=False)
    return directory


def read_dataset(directory: str | Path) -> dict[str, Split]:
    """Read a dataset directory back: ``{split: {name: array}}``."""
    directory = Path(directory)
    out: dict[str, Split] = {}
    for d in sorted(p for p in directory.iterdir() if p.is_dir()):
        out[d.name] = {f.stem: np.load(f, allow_pickle=False) for f in sorted(d.glob("*.npy"))}
    return out
