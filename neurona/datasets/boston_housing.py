"""Side package: Keras's ``keras.datasets.boston_housing`` namespace: ``load_data`` (506 Boston
towns, 13 features, target the median home value in $1000s; Harrison & Rubinfeld 1978).

Keras's ``boston_housing.npz`` is used when found (``$NEURONA_DATA``, neurona's cache, Keras's
cache ``~/.keras/datasets``); otherwise the copy shipped with neurona (``data/
boston_housing.csv``, the same 506 rows in the same order), so it always works offline. The
split is Keras's: rows shuffled with ``np.random.RandomState(seed)``, the first 80 % for training.

ETHICAL WARNING: feature 11 (``B``) encodes the proportion of Black residents under a
segregation assumption; see ``neurona.datasets.load_boston_housing``, which drops it by default.
Keras's ``load_data`` keeps all 13 columns, and so does this one (Keras scripts index them)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.datasets.keras_files import check_keys, find_file, load_npz

__all__ = ["load_data"]


def _shipped() -> tuple:
    from neurona.datasets.tabular import read_csv

    _, rows = read_csv("boston_housing.csv")
    table = np.array(rows, dtype=np.float64)
    return table[:, :13], table[:, 13]


def load_data(path: Any = "boston_housing.npz", test_split: float = 0.2, seed: int = 113) -> tuple:
    """Boston housing as Keras's ``keras.datasets.boston_housing.load_data`` returns it.

    Returns:
        ((x_train, y_train), (x_test, y_test)): x float64 (404, 13) and (102, 13); y float64
        (404,) and (102,) with the default ``test_split=0.2``.

    Example:
        >>> (x, y), (x_test, y_test) = load_data()
        >>> x.shape, x_test.shape, y.dtype, y[:3].tolist()
        ((404, 13), (102, 13), dtype('float64'), [15.2, 42.3, 50.0])
    """
    where = "boston_housing.load_data"
    if not 0 <= test_split < 1:
        raise ValueError(f"{where}: expected 0 <= test_split < 1, got {test_split!r}.")
    found = find_file([str(path), "boston_housing.npz"], path)
    if found is not None and found.is_file():
        arrays = load_npz(found, where)
        check_keys(arrays, ("x", "y"), found, where)
        x, y = np.asarray(arrays["x"]), np.asarray(arrays["y"])
    else:
        x, y = _shipped()
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
