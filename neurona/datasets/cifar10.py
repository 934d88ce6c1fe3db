"""Side package: Keras's ``keras.datasets.cifar10`` namespace: ``load_data`` (60,000 colour images
32×32 in 10 classes; Krizhevsky 2009), offline first (see ``neurona.datasets.keras_files``).

Accepted copies, in the folders searched: ``cifar10.npz`` (arrays x_train, y_train, x_test,
y_test: no pickle at all), the folder ``cifar-10-batches-bin`` (the official binary version, no
pickle), the folder ``cifar-10-batches-py`` (Python batches; also inside Keras's cache
``cifar-10-batches-py-target/``) or the archive ``cifar-10-python.tar.gz`` (read in place). The
Python batches are pickles: they are read with an unpickler that builds NumPy arrays only."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

from neurona.datasets.keras_files import check_keys, fetch_file, load_npz, safe_unpickle

__all__ = ["load_data", "CLASS_NAMES"]

CLASS_NAMES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip
_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
_BATCHES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
_NAMES = [
    "cifar10.npz",
    "cifar-10-batches-bin",
    "cifar-10-batches-py",
    "cifar-10-batches-py-target/cifar-10-batches-py",
    "cifar-10-python.tar.gz",
]


def _from_pickle(data: bytes, where: str) -> tuple:
    batch = safe_unpickle(io.BytesIO(data), encoding="bytes")
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise ValueError(f"{where}: a CIFAR-10 batch must be a dict with data and labels.")
    x = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    return x, np.asarray(batch[b"labels"], dtype=np.uint8)


def _from_binary(data: bytes, where: str) -> tuple:
    if len(data) % 3073:
        raise ValueError(f"{where}: a binary batch holds records of 1 + 3072 bytes.")
    records = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3073)
    return records[:, 1:].reshape(-1, 3, 32, 32), records[:, 0].copy()


def _batches(found: Path, where: str) -> list[tuple]:
    """The six batches (five for training, then the test one) as (x NCHW, y)."""
    if found.name.endswith(".tar.gz"):
        with tarfile.open(found, "r:gz") as archive:  # members read by name, never extracted
            return [
                _from_pickle(archive.extractfile(f"cifar-10-batches-py/{b}").read(), where)
                for b in _BATCHES
            ]
    if found.name == "cifar-10-batches-bin":
        names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
        return [_from_binary((found / n).read_bytes(), where) for n in names]
    return [_from_pickle((found / b).read_bytes(), where) for b in _BATCHES]


def load_data(path: Any = None, download: bool | None = None) -> tuple:
    """CIFAR-10 as Keras's ``keras.datasets.cifar10.load_data()`` returns it (channels last).

    Returns:
        ((x_train, y_train), (x_test, y_test)): images uint8 (50000, 32, 32, 3) and
        (10000, 32, 32, 3); labels uint8 (50000, 1) and (10000, 1), classes in
        ``CLASS_NAMES``.

    Raises:
        FileNotFoundError: no local copy and downloading not allowed; the message lists the
            folders searched and the file names accepted.

    Example:
        >>> (x, y), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x.shape, y.shape, x.dtype  # doctest: +SKIP
        ((50000, 32, 32, 3), (50000, 1), dtype('uint8'))
    """
    where = "cifar10.load_data"
    found = fetch_file(where, _NAMES, path, _URL, _SHA256, download)
    try:
        if found.suffix == ".npz":
            arrays = load_npz(found, where)
            check_keys(arrays, ("x_train", "y_train", "x_test", "y_test"), found, where)
            x_train, x_test = arrays["x_train"], arrays["x_test"]
            y_train, y_test = arrays["y_train"], arrays["y_test"]
        else:
            batches = _batches(found, where)
            x_train = np.concatenate([x for x, _ in batches[:5]]).transpose(0, 2, 3, 1)
            y_train = np.concatenate([y for _, y in batches[:5]])
            x_test, y_test = batches[5][0].transpose(0, 2, 3, 1), batches[5][1]
    except (OSError, KeyError, tarfile.TarError) as error:
        raise ValueError(
            f"{where}: {str(found)!r} is incomplete or damaged ({error}). Expected the "
            f"batches {_BATCHES}."
        ) from None
    x_train, x_test = (
        np.ascontiguousarray(x_train, np.uint8),
        np.ascontiguousarray(x_test, np.uint8),
    )
    y_train = np.asarray(y_train, np.uint8).reshape(-1, 1)
    y_test = np.asarray(y_test, np.uint8).reshape(-1, 1)
    return (x_train, y_train), (x_test, y_test)
