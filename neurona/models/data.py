"""Floor 5: the data side of ``fit``/``evaluate``/``predict``: inputs checked and converted once
(arrays, lists, pandas), the validation split, class weights, and the index of each batch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from neurona.autodiff import Tensor
from neurona.backend import default_dtype, rng
from neurona.layers._structure import flatten, map_structure
from neurona.models.compile_utils import is_structure

__all__ = [
    "BatchPlan",
    "batches",
    "check_batch_before_update",
    "check_inputs",
    "num_samples",
    "take",
    "class_weight_to_sample_weight",
    "should_validate",
    "split_validation",
    "unpack_validation_data",
]


def _as_array(value: Any) -> np.ndarray:
    """One conversion per fit: a Tensor's data, a pandas DataFrame/Series via ``to_numpy()``."""
    if isinstance(value, Tensor):
        return np.asarray(value.data)
    if type(value).__module__.startswith("pandas") and hasattr(value, "to_numpy"):
        return value.to_numpy()
    return np.asarray(value)


def _raise_if_not_finite(where: str, name: str, value: np.ndarray, context: str = "") -> None:
    """The error for NaN/inf in an argument; nothing when ``value`` is finite. The sum carries
    any NaN/inf through without a temporary array; only when it is not finite (or overflowed)
    does the exact element check run."""
    if (
        value.dtype.kind in "fc"
        and not np.isfinite(np.add.reduce(value, axis=None))
        and not np.isfinite(value).all()
    ):
        n_nan, n_inf = int(np.isnan(value).sum()), int(np.isinf(value).sum())
        what = f"NaN ({n_nan} values)" if n_nan else f"inf ({n_inf} values)"
        raise ValueError(
            f"{where}: {name} contains {what}. Remove or impute the missing or "
            f"infinite values before training{context}."
        )


def check_batch_before_update(x_b: np.ndarray, y_b: np.ndarray, w_b: Any, loss: float) -> None:
    """fit's check of its training data, made lazily: when a batch's loss is NaN or inf, raise
    the NaN/inf error if the batch's data hold one, before the optimiser uses that batch (a
    full pass over x at the start of fit would cost as much as ~25 steps). Nothing happens when
    the data are finite: the loss diverged, which fit reports with a warning.

    Example:
        >>> try:
        ...     check_batch_before_update(np.ones((2, 1)), np.array([0, np.inf]), None, np.inf)
        ... except ValueError as err:
        ...     print(str(err)[:40])
        fit: y contains inf (1 values). Remove o
    """
    context = f" (a batch's loss was {loss}; fit stopped before its update)"
    for name, value in (("x", x_b), ("y", y_b), ("sample_weight", w_b)):
        for leaf in flatten(value) if value is not None else []:
            leaf = np.asarray(getattr(leaf, "data", leaf))
            if leaf.dtype.kind in "fc":
                _raise_if_not_finite("fit", name, leaf, context)


def _leaf_array(where: str, name: str, value: Any, finite: bool) -> np.ndarray:
    value = _as_array(value)
    if value.dtype == object:
        raise TypeError(
            f"{where}: expected {name} to be numbers (an array, a list of equal "
            "rows or a numeric DataFrame), got ragged or non-numeric data."
        )
    if value.ndim == 0:
        raise ValueError(f"{where}: expected {name} to have one row per sample, got a scalar.")
    if finite:
        _raise_if_not_finite(where, name, value)
    return value


def _arrays(where: str, name: str, value: Any, finite: bool) -> Any:
    """An array, or a list/dict of arrays (one per model input or output)."""
    if isinstance(value, dict):
        return {
            key: _arrays(where, f"{name}[{key!r}]", item, finite) for key, item in value.items()
        }
    if is_structure(value):
        return [_arrays(where, f"{name}[{i}]", item, finite) for i, item in enumerate(value)]
    return _leaf_array(where, name, value, finite)


def check_inputs(where: str, x: Any, y: Any, sample_weight: Any, finite: bool = True) -> tuple:
    """x, y and sample_weight as arrays of one length, free of NaN and inf (an error naming the
    argument otherwise; ``finite=False`` leaves that to :func:`check_batch_before_update`); y and
    sample_weight may be None. Lists, Tensors and pandas DataFrames/Series are converted once.
    A model with several inputs or outputs takes lists or dicts of arrays for x and y.

    Example:
        >>> [a.shape for a in check_inputs("fit", [[1.0], [2.0]], [0, 1], None)[:2]]
        [(2, 1), (2,)]
        >>> check_inputs("fit", {"a": np.ones((3, 2))}, [np.ones(3), np.ones(3)], None)[1][0].shape
        (3,)
    """
    if x is None:
        raise ValueError(f"{where}: expected x, the input data, got None.")
    arrays = [
        None if value is None else _arrays(where, name, value, finite)
        for name, value in (("x", x), ("y", y), ("sample_weight", sample_weight))
    ]
    lengths = {}
    for name, value in zip(("x", "y", "sample_weight"), arrays):
        if value is not None and not flatten(value):
            raise ValueError(
                f"{where}: expected {name} to hold arrays (one row per sample), got an empty "
                f"{type(value).__name__}. Pass an array, or None."
            )
        for i, leaf in enumerate(flatten(value) if value is not None else []):
            lengths[name if i == 0 else f"{name} (entry {i})"] = len(leaf)
    if len(set(lengths.values())) > 1:
        got = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(
            f"{where}: x and y must have the same number of samples; {got}. Check "
            "that labels and inputs match."
        )
    return tuple(arrays)


def take(data: Any, index: Any) -> Any:
    """The rows ``index`` of an array, or of every array in a list/dict.

    Example:
        >>> take({"a": np.arange(4)}, slice(1, 3))
        {'a': array([1, 2])}
    """
    if data is None:
        return None
    if type(data) is np.ndarray:
        return data[index]
    return map_structure(lambda a: a[index], data)


def num_samples(data: Any) -> int:
    """The number of rows (of the first array of a structure).

    Example:
        >>> num_samples([np.zeros((3, 2)), np.zeros((3, 1))])
        3
    """
    return len(flatten(data)[0])


def unpack_validation_data(validation_data: Any) -> tuple:
    """(x_val, y_val) or (x_val, y_val, sample_weight_val) as a triple.

    Example:
        >>> unpack_validation_data(([1.0], [2.0]))
        ([1.0], [2.0], None)
    """
    data = tuple(validation_data)
    if len(data) == 2:
        return (*data, None)
    if len(data) == 3:
        return data
    raise ValueError(
        f"fit: expected validation_data to be (x_val, y_val) or (x_val, y_val, "
        f"sample_weight_val), got a tuple of length {len(data)}."
    )


def class_weight_to_sample_weight(y: np.ndarray, class_weight: dict) -> np.ndarray:
    """Keras's ``class_weight``: each sample weighs class_weight[its class] (1 for a class not
    listed). The class is y itself for integer labels, argmax(y) for one-hot rows, round(y)
    for a single 0/1 column.

    Example:
        >>> class_weight_to_sample_weight(np.array([0, 1, 1, 2]), {1: 5.0})
        array([1., 5., 5., 1.], dtype=float32)
        >>> class_weight_to_sample_weight(np.eye(3)[[2, 0]], {0: 0.5, 2: 3.0})
        array([3. , 0.5], dtype=float32)
    """
    if not isinstance(class_weight, dict):
        raise TypeError(
            f"fit: expected class_weight to be a dict {{class index: weight}}, e.g. "
            f"{{0: 1.0, 1: 5.0}}, got {type(class_weight).__name__}."
        )
    labels = y
    if labels.ndim == 2:
        labels = labels[:, 0] if labels.shape[1] == 1 else labels.argmax(axis=1)
    elif labels.ndim > 2:
        raise ValueError(
            f"fit: class_weight needs one class per sample (y of shape (n,), (n, 1) "
            f"or one-hot (n, classes)), got y of shape {y.shape}. Pass "
            "sample_weight instead."
        )
    labels = np.round(labels).astype(np.int64)
    weights = np.ones(len(labels), dtype=default_dtype())
    for cls, weight in class_weight.items():
        weights[labels == int(cls)] = weight
    return weights


def should_validate(epoch: int, validation_freq: Any) -> bool:
    """Keras's validation_freq: an int n validates after every n-th epoch (1-based), a list
    names the epochs. ``epoch`` is 0-based, as in the callbacks.

    Example:
        >>> [should_validate(e, 2) for e in range(4)], should_validate(0, [1, 5])
        ([False, True, False, True], True)
    """
    if (
        isinstance(validation_freq, (int, np.integer))
        and not isinstance(validation_freq, bool)
        and validation_freq > 0
    ):
        return (epoch + 1) % validation_freq == 0
    if isinstance(validation_freq, (list, tuple, set)):
        return epoch + 1 in validation_freq
    raise ValueError(
        f"fit: expected validation_freq to be a positive int or a list of epochs "
        f"(1-based), got {validation_freq!r}."
    )


def split_validation(x: np.ndarray, y: np.ndarray, sample_weight: Any, fraction: float) -> tuple:
    """Keras's validation_split: the last ``fraction`` of the samples (before shuffling) is held
    out. Returns (x, y, sample_weight) to train on and the held-out triple.

    Example:
        >>> train, held = split_validation(np.arange(10), np.arange(10), None, 0.2)
        >>> train[0].tolist(), held[0].tolist()
        ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fit: expected validation_split in (0, 1), got {fraction}.")
    n = num_samples(x)
    n_train = int(n * (1.0 - fraction))
    if n_train in (0, n):
        raise ValueError(
            f"fit: validation_split={fraction} leaves no samples to train on or to "
            f"validate on with {n} samples."
        )
    head, tail = slice(0, n_train), slice(n_train, None)
    return (
        (take(x, head), take(y, head), take(sample_weight, head)),
        (take(x, tail), take(y, tail), take(sample_weight, tail)),
    )


def batches(n: int, batch_size: int, order: np.ndarray | None):
    """The index of each batch: slices in order, or chunks of a permutation ``order``.

    Example:
        >>> [b.tolist() for b in batches(5, 2, np.array([4, 3, 2, 1, 0]))]
        [[4, 3], [2, 1], [0]]
    """
    if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"expected batch_size to be a positive int, got {batch_size!r}.")
    for start in range(0, n, batch_size):
        yield (
            slice(start, start + batch_size) if order is None else order[start : start + batch_size]
        )


class BatchPlan:
    """The batches of each epoch of ``fit``: a new permutation per pass over the data when
    ``shuffle``, and with ``steps_per_epoch`` Keras 3's rule: an epoch is that many batches,
    the next epoch goes on where the last one stopped, a new pass starts when the data is used
    up, and an epoch that runs out of data ends early (with a warning).

    Example:
        >>> plan = BatchPlan(8, batch_size=2, shuffle=False, steps_per_epoch=2)
        >>> plan.steps, [[b.start for b in plan.epoch()] for _ in range(3)]
        (2, [[0, 2], [4, 6], [0, 2]])
    """

    def __init__(
        self, n: int, batch_size: int, shuffle: bool = True, steps_per_epoch: int | None = None
    ) -> None:
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"fit: expected batch_size to be a positive int, got {batch_size!r}.")
        if steps_per_epoch is not None and (
            not isinstance(steps_per_epoch, (int, np.integer)) or steps_per_epoch <= 0
        ):
            raise ValueError(
                f"fit: expected steps_per_epoch to be a positive int or None, got "
                f"{steps_per_epoch!r}."
            )
        self.n, self.batch_size, self.shuffle = n, int(batch_size), shuffle
        self.num_batches = -(-n // self.batch_size)
        self.steps_per_epoch = steps_per_epoch
        self.steps = steps_per_epoch or self.num_batches
        self._pass: Any = None  # the current pass over the data (steps_per_epoch only)
        self._seen = 0

    def _new_pass(self):
        return batches(self.n, self.batch_size, rng().permutation(self.n) if self.shuffle else None)

    def epoch(self):
        """The index (a slice or an index array) of each batch of the next epoch."""
        if self.steps_per_epoch is None:
            yield from self._new_pass()
            return
        if self._pass is None:
            self._pass, self._seen = self._new_pass(), 0
        for _ in range(self.steps_per_epoch):
            if self._seen >= self.num_batches:
                warnings.warn(
                    f"fit: the data ran out after {self.num_batches} batches, before "
                    f"steps_per_epoch={self.steps_per_epoch}; the epoch ends early. "
                    "Choose steps_per_epoch that divides the number of batches.",
                    stacklevel=3,
                )
                break
            self._seen += 1
            yield next(self._pass)
        if self._seen >= self.num_batches:  # Keras 3: a fresh pass once this one is used up
            self._pass = None
