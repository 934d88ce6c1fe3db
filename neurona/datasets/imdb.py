"""Side package: Keras's ``keras.datasets.imdb`` namespace: ``load_data`` (25,000 training and
25,000 test movie reviews as word-index sequences, labelled 1 positive / 0 negative; Maas et al.
2011) and ``get_word_index``, from Keras's own files found offline first (see
``neurona.datasets.keras_files``)."""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from neurona.datasets.keras_files import KERAS_ORIGIN, check_keys, fetch_file, load_npz

__all__ = ["load_data", "get_word_index"]

_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def _shuffle(x: np.ndarray, y: np.ndarray, rng: np.random.RandomState) -> tuple:
    indices = np.arange(len(x))
    rng.shuffle(indices)
    return x[indices], y[indices]


def load_data(
    path: Any = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    download: bool | None = None,
    **kwargs: Any,
) -> tuple:
    """IMDB reviews as Keras's ``keras.datasets.imdb.load_data`` returns them, with Keras's
    arguments and steps: both splits shuffled with ``np.random.RandomState(seed)``; each
    sequence starts with ``start_char`` and word ``w`` becomes ``w + index_from``; reviews
    longer than ``maxlen`` are dropped; words ranked outside ``[skip_top, num_words)`` become
    ``oov_char`` (or are removed when it is None).

    The file is Keras's ``imdb.npz`` (ragged arrays, read without running code), found in
    ``path``, ``$NEURONA_DATA``, neurona's cache or Keras's cache ``~/.keras/datasets``;
    downloaded from Keras's server (SHA-256 checked) only with ``download=True``.

    Returns:
        ((x_train, y_train), (x_test, y_test)): x object arrays of lists of ints, y int arrays
        of 0/1 labels.

    Example:
        >>> (x, y), _ = load_data(num_words=10000)  # doctest: +SKIP
        >>> len(x), x[0][:3], y[:3]  # doctest: +SKIP
        (25000, [1, 13, 586], array([0, 1, 1]))
    """
    where = "imdb.load_data"
    if kwargs:
        raise TypeError(f"{where}: unknown arguments {sorted(kwargs)}.")
    file = fetch_file(
        where, [str(path), "imdb.npz"], path, KERAS_ORIGIN + "imdb.npz", _SHA256, download
    )
    arrays = load_npz(file, where)
    check_keys(arrays, ("x_train", "y_train", "x_test", "y_test"), file, where)
    rng = np.random.RandomState(seed)
    x_train, labels_train = _shuffle(arrays["x_train"], arrays["y_train"], rng)
    x_test, labels_test = _shuffle(arrays["x_test"], arrays["y_test"], rng)
    head = [] if start_char is None else [start_char]
    x_train = [head + [int(w) + index_from for w in x] for x in x_train]
    x_test = [head + [int(w) + index_from for w in x] for x in x_test]
    if maxlen:
        keep_train = [i for i, x in enumerate(x_train) if len(x) < maxlen]
        keep_test = [i for i, x in enumerate(x_test) if len(x) < maxlen]
        x_train, labels_train = [x_train[i] for i in keep_train], labels_train[keep_train]
        x_test, labels_test = [x_test[i] for i in keep_test], labels_test[keep_test]
        if not x_train or not x_test:
            raise ValueError(
                f"{where}: after keeping the sequences shorter than maxlen={maxlen}, none is "
                "left. Increase maxlen."
            )
    xs = x_train + x_test
    if not num_words:
        num_words = max(max(x) for x in xs if x)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    labels = np.concatenate([labels_train, labels_test])
    split = len(x_train)
    out_train, out_test = np.empty(split, dtype=object), np.empty(len(xs) - split, dtype=object)
    out_train[:], out_test[:] = xs[:split], xs[split:]
    return (out_train, labels[:split]), (out_test, labels[split:])


def get_word_index(path: Any = "imdb_word_index.json", download: bool | None = None) -> dict:
    """Keras's ``keras.datasets.imdb.get_word_index``: word → rank (1 = most frequent) from
    Keras's ``imdb_word_index.json``, found offline first (MD5 checked when downloaded). With
    ``load_data``'s defaults, the word of index ``i`` in a sequence has rank ``i - 3``.

    Example:
        >>> index = get_word_index()  # doctest: +SKIP
        >>> index["the"]  # doctest: +SKIP
        1
    """
    where = "imdb.get_word_index"
    file = fetch_file(
        where,
        [str(path), "imdb_word_index.json"],
        path,
        KERAS_ORIGIN + "imdb_word_index.json",
        _WORD_INDEX_MD5,
        download,
    )
    with open(file, encoding="utf-8") as handle:
        index = json.load(handle)
    if not isinstance(index, dict) or not all(isinstance(v, int) for v in index.values()):
        raise ValueError(f"{where}: {os.fspath(file)!r} is not a word → index JSON object.")
    return index
