"""Floor 5: where fit / evaluate / predict get their batches. Arrays (and lists or dicts of them)
are cut into batches by index; anything else that yields batches is read as it comes: Keras's
``PyDataset`` (``__getitem__(i)`` → batch i, ``__len__`` → the number of batches), a Python
generator or iterator, or any iterable of batches such as a PyTorch ``DataLoader``. A batch is
``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``, with NumPy arrays or anything
``np.asarray`` converts (PyTorch tensors)."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from neurona.autodiff import Tensor
from neurona.models.compile_utils import is_structure
from neurona.models.data import BatchPlan, batches, num_samples, take

__all__ = ["PyDataset", "is_dataset", "DatasetBatches", "array_batches", "unpack_batch"]


class PyDataset:
    """Keras's base class for a dataset of batches: write ``__getitem__(index)`` (batch
    ``index`` as x, (x, y) or (x, y, sample_weight)) and ``__len__`` (the number of batches);
    ``on_epoch_end`` runs after each epoch (e.g. to reshuffle). ``workers``,
    ``use_multiprocessing`` and ``max_queue_size`` are accepted for Keras's code; batches are
    read in order, in this process.

    Example:
        >>> class Squares(PyDataset):
        ...     def __len__(self):
        ...         return 3
        ...     def __getitem__(self, index):
        ...         x = np.full((2, 1), float(index))
        ...         return x, x ** 2
        >>> data = Squares(); data.num_batches, data[2][1].ravel().tolist()
        (3, [4.0, 4.0])
    """

    def __init__(
        self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10
    ) -> None:
        self.workers, self.use_multiprocessing = workers, use_multiprocessing
        self.max_queue_size = max_queue_size

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__}: a PyDataset must define "
            "__getitem__(index), returning batch number index."
        )

    def __len__(self) -> int:
        raise NotImplementedError(
            f"{type(self).__name__}: a PyDataset must define __len__, the number of batches."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches (``len(self)``), or None when it has no length."""
        try:
            return len(self)
        except (NotImplementedError, TypeError):
            return None

    def on_epoch_begin(self) -> None:
        """Called before each epoch (nothing by default)."""

    def on_epoch_end(self) -> None:
        """Called after each epoch (nothing by default)."""


def is_dataset(x: Any) -> bool:
    """True when ``x`` yields batches (a PyDataset, an iterator or generator, an iterable of
    batches), False for data that is cut into batches (arrays, lists, dicts, tensors, pandas).

    Example:
        >>> is_dataset(np.ones((4, 2))), is_dataset([[1.0], [2.0]]), is_dataset(iter([]))
        (False, False, True)
    """
    if x is None or isinstance(x, (np.ndarray, list, tuple, dict, Tensor, str, bytes)):
        return False
    if hasattr(x, "to_numpy") or hasattr(x, "__array__"):  # pandas, PyTorch/JAX arrays
        return False
    return (
        isinstance(x, PyDataset)
        or hasattr(x, "__iter__")
        or hasattr(x, "__next__")
        or (hasattr(x, "__getitem__") and hasattr(x, "__len__"))
    )


def _as_numpy(value: Any) -> Any:
    if value is None or isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a PyTorch tensor
        return value.detach().cpu().numpy()
    return np.asarray(getattr(value, "data", value))


def unpack_batch(batch: Any) -> tuple:
    """(x, y, sample_weight) of one batch, as NumPy arrays (Keras's unpacking rule).

    Example:
        >>> [None if a is None else a.shape for a in unpack_batch((np.ones((2, 3)), [0, 1]))]
        [(2, 3), (2,), None]
    """
    if isinstance(batch, list) and 1 <= len(batch) <= 3 and not isinstance(batch[0], float):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        batch = (batch,)
    if not 1 <= len(batch) <= 3:
        raise ValueError(
            f"a dataset's batch must be x, (x,), (x, y) or (x, y, sample_weight), "
            f"got a tuple of {len(batch)} items."
        )
    x, y, w = (*batch, None, None)[:3]
    return tuple(_arrays(part) for part in (x, y, w))


def _arrays(part: Any) -> Any:
    """An array, or a list/dict of arrays for several inputs or outputs."""
    if isinstance(part, dict):
        return {key: _arrays(value) for key, value in part.items()}
    if isinstance(part, (list, tuple)) and is_structure(part):
        return [_arrays(value) for value in part]
    return _as_numpy(part)


class DatasetBatches:
    """The batches of a dataset, epoch after epoch: ``steps`` per epoch (``steps_per_epoch``,
    else the dataset's length, else until it runs out). A one-shot iterator goes on where the
    last epoch stopped, as in Keras.

    Example:
        >>> source = DatasetBatches(iter([(np.ones((2, 1)), np.zeros(2))] * 3), steps=2)
        >>> [len(list(source.epoch())) for _ in range(3)]
        [2, 1, 0]
    """

    def __init__(self, data: Any, steps: int | None = None, where: str = "fit") -> None:
        self.data, self.where = data, where
        self.indexed = (
            hasattr(data, "__getitem__")
            and hasattr(data, "__len__")
            and (isinstance(data, PyDataset) or not hasattr(data, "__iter__"))
        )
        self.one_shot = hasattr(data, "__next__")
        length = len(data) if hasattr(data, "__len__") and not self.one_shot else None
        self.steps = steps or length
        self._iterator: Iterator | None = data if self.one_shot else None
        self._peeked: list = []

    def peek(self) -> tuple:
        """The first batch, without losing it (to build a model before training)."""
        if self.indexed:
            return unpack_batch(self.data[0])
        if not self.one_shot:
            return unpack_batch(next(iter(self.data)))
        if not self._peeked:
            self._peeked.append(next(self._iterator))
        return unpack_batch(self._peeked[0])

    def epoch(self) -> Iterator[tuple]:
        """(x, y, sample_weight) for each batch of the next epoch."""
        if self.indexed:
            if hasattr(self.data, "on_epoch_begin"):
                self.data.on_epoch_begin()
            n = len(self.data)
            for i in range(self.steps or n):
                yield unpack_batch(self.data[i % n])
            if hasattr(self.data, "on_epoch_end"):
                self.data.on_epoch_end()
            return
        source = self._iterator if self.one_shot else iter(self.data)
        if self._peeked:
            source = itertools.chain(self._peeked, source)
            self._peeked = []
        count = 0
        for batch in itertools.islice(source, self.steps) if self.steps else source:
            count += 1
            yield unpack_batch(batch)
        if self.one_shot and count < (self.steps or 1):
            warnings.warn(
                f"{self.where}: the input ran out of data after {count} batch(es) "
                "this epoch; training stops. Give steps_per_epoch that the data "
                "can supply, or a dataset that can be read again (a PyDataset or a "
                "DataLoader).",
                stacklevel=3,
            )


def array_batches(
    x: Any, y: Any, sample_weight: Any, plan: BatchPlan | None, batch_size: int = 32
) -> Callable[[], Iterator[tuple]]:
    """A function giving the (x, y, sample_weight) batches of one epoch of arrays: by the
    ``plan`` (shuffled, steps_per_epoch) or, without one, in order.

    Example:
        >>> epoch = array_batches(np.arange(5), np.arange(5), None, None, batch_size=2)
        >>> [b[0].tolist() for b in epoch()]
        [[0, 1], [2, 3], [4]]
    """
    plain = type(x) is np.ndarray and (y is None or type(y) is np.ndarray) and sample_weight is None

    def epoch() -> Iterator[tuple]:
        order = plan.epoch() if plan is not None else batches(num_samples(x), batch_size, None)
        for index in order:
            if plain:  # the usual case: one array each, rows gathered by index
                yield x[index], None if y is None else y[index], None
            else:
                yield take(x, index), take(y, index), take(sample_weight, index)

    return epoch
