"""Side module (any floor): Keras's sequence helpers ``pad_sequences`` and
``timeseries_dataset_from_array``, re-exported by ``nr.utils``. NumPy only, no tf.data."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from neurona.models.data_adapter import PyDataset

__all__ = ["TimeseriesDataset", "pad_sequences", "timeseries_dataset_from_array"]


def pad_sequences(
    sequences: Any,
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: float | str = 0.0,
) -> np.ndarray:
    """Pad (or cut) a list of sequences to one length: an array (num_samples, maxlen, ...).

    maxlen defaults to the longest sequence. Shorter sequences are filled with ``value``
    before them (``padding="pre"``, Keras's default) or after them ("post"); longer ones lose
    their first steps (``truncating="pre"``) or their last ones ("post"). Each step may itself
    be an array: the step shape is taken from the first non-empty sequence. Same rules,
    defaults and dtype (int32) as ``keras.utils.pad_sequences``.

    Args:
        sequences: a list of sequences (lists or arrays).
        maxlen: the output length, or None for the longest sequence.
        dtype: the output dtype; ``object`` for strings of any length.
        padding: "pre" or "post": where the padding goes.
        truncating: "pre" or "post": which end of a too-long sequence is cut.
        value: the padding value.

    Returns:
        An array of shape (len(sequences), maxlen) + step shape.

    Raises:
        ValueError: sequences that are not a list of sequences, a step shape that differs,
            an unknown padding/truncating, or a string value with a non-string dtype.

    Example:
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1],
               [0, 2, 3],
               [4, 5, 6]], dtype=int32)
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2, padding="post").tolist()
        [[1, 0], [2, 3], [5, 6]]
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(
            f"pad_sequences: expected a list of sequences, got "
            f"{type(sequences).__name__}. Pass a list (e.g. list(generator))."
        )
    for name, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ValueError(f'pad_sequences: expected {name} "pre" or "post", got {choice!r}.')
    lengths, step_shape = [], None
    for position, s in enumerate(sequences):
        if not hasattr(s, "__len__"):
            raise ValueError(
                f"pad_sequences: expected a list of sequences, got the non-"
                f"sequence {s!r} at position {position}. Wrap single values: [v]."
            )
        lengths.append(len(s))
        if step_shape is None and len(s):
            step_shape = np.asarray(s).shape[1:]  # Keras: from the first non-empty sequence
    step_shape = step_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    is_text = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ValueError(
            f"pad_sequences: dtype {dtype!r} cannot hold the string value "
            f"{value!r}. Pass dtype=object for strings of any length."
        )
    out = np.full((len(sequences), maxlen) + step_shape, value, dtype=dtype)
    for position, s in enumerate(sequences):
        if not len(s) or maxlen == 0:
            continue
        kept = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if kept.shape[1:] != step_shape:
            raise ValueError(
                f"pad_sequences: expected steps of shape {step_shape} (as in the "
                f"first non-empty sequence), got {kept.shape[1:]} in the sequence "
                f"at position {position}."
            )
        if padding == "post":
            out[position, : len(kept)] = kept
        else:
            out[position, -len(kept) :] = kept
    return out


class TimeseriesDataset(PyDataset):
    """The batches of windows made by ``timeseries_dataset_from_array``: batch i is
    ``(x, y)`` (or ``x`` without targets), built from the data when it is asked for.

    Window k starts at ``start_index + p_k`` and takes ``sequence_length`` steps
    ``sampling_rate`` apart; its target is ``targets[start_index + p_k]``, where
    p = 0, sequence_stride, 2·sequence_stride, … (shuffled once with
    ``np.random.RandomState(seed)`` when ``shuffle``, as Keras does, and again after each
    epoch). A ``PyDataset``: ``len()`` is the number of batches, ``model.fit`` reads it
    directly and the object can be iterated again and again.

    Example:
        >>> data = timeseries_dataset_from_array(np.arange(10), None, sequence_length=3,
        ...                                      batch_size=4)
        >>> len(data), data[1].tolist()
        (2, [[4, 5, 6], [5, 6, 7], [6, 7, 8], [7, 8, 9]])
    """

    def __init__(
        self,
        data: np.ndarray,
        targets: np.ndarray | None,
        positions: np.ndarray,
        sequence_length: int,
        sampling_rate: int,
        batch_size: int | None,
        shuffle: bool,
        seed: int,
    ) -> None:
        super().__init__()
        self.data, self.targets, self.positions = data, targets, positions
        self.sequence_length, self.sampling_rate = sequence_length, sampling_rate
        self.batch_size, self.shuffle = batch_size, shuffle
        self._rng = np.random.RandomState(seed)
        if shuffle:
            self._rng.shuffle(self.positions)

    def __len__(self) -> int:
        n = len(self.positions)
        return n if self.batch_size is None else -(-n // self.batch_size)

    def __getitem__(self, index: int) -> Any:
        if not -len(self) <= index < len(self):
            raise IndexError(
                f"TimeseriesDataset: batch index {index} out of range for {len(self)} batches."
            )
        index %= len(self)
        if self.batch_size is None:  # one window, no batch axis (Keras's batch_size=None)
            return self._windows(self.positions[index : index + 1], squeeze=True)
        chosen = self.positions[index * self.batch_size : (index + 1) * self.batch_size]
        return self._windows(chosen)

    def _windows(self, starts: np.ndarray, squeeze: bool = False) -> Any:
        steps = np.arange(self.sequence_length) * self.sampling_rate
        x = self.data[starts[:, None] + steps]  # (batch, sequence_length, ...)
        y = None if self.targets is None else self.targets[starts]  # (batch, ...)
        if squeeze:
            x, y = x[0], None if y is None else y[0]
        return x if y is None else (x, y)

    def __iter__(self):
        """The batches of one pass, in order."""
        return (self[i] for i in range(len(self)))

    def on_epoch_end(self) -> None:
        """With ``shuffle``, draw a new window order for the next epoch."""
        if self.shuffle:
            self._rng.shuffle(self.positions)


def _check_indices(n: int, start_index, end_index, sequence_stride, sampling_rate) -> None:
    where = "timeseries_dataset_from_array"
    if start_index and not 0 <= start_index < n:
        raise ValueError(
            f"{where}: expected start_index in [0, {n - 1}] (data of length "
            f"{n}), got start_index={start_index}."
        )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                f"{where}: expected end_index > start_index, got "
                f"start_index={start_index}, end_index={end_index}."
            )
        if not 0 < end_index < n:
            raise ValueError(
                f"{where}: expected end_index in [1, {n - 1}] (data of length "
                f"{n}), got end_index={end_index}."
            )
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if not 0 < value < n:
            raise ValueError(
                f"{where}: expected {name} in [1, {n - 1}] (data of length {n}), "
                f"got {name}={value}."
            )


def timeseries_dataset_from_array(
    data: ArrayLike,
    targets: ArrayLike | None,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
) -> TimeseriesDataset:
    """Sliding windows over a time series (axis 0 is time), in batches, like Keras:

        window k = data[s_k], data[s_k + r], …, data[s_k + (sequence_length − 1)·r]
        target k = targets[s_k]
        s_k = start_index + k·sequence_stride,  r = sampling_rate

    for every window that ends before ``end_index`` (and has a target). ``targets[i]`` is the
    target of the window starting at i: to predict the step after a window of 10, pass
    ``data[:-10]`` and ``targets=data[10:]``. Same windows, order, dtypes and errors as
    ``keras.utils.timeseries_dataset_from_array``, returned as a ``TimeseriesDataset``
    (a ``PyDataset`` of NumPy batches) instead of a ``tf.data.Dataset``.

    Notes: with ``shuffle`` the window order is Keras's first step, a
    ``np.random.RandomState(seed).shuffle`` of the window starts; Keras then also shuffles
    through a tf.data buffer, which cannot be reproduced without TensorFlow, so the batches
    hold the same windows as Keras's in another order. A new order is drawn after each epoch.

    Args:
        data: the series, shape (T, ...).
        targets: one target per time step (window start), or None for x-only batches.
        sequence_length: the number of steps in a window.
        sequence_stride: the distance between the starts of two windows.
        sampling_rate: the distance between two steps inside a window.
        batch_size: windows per batch (the last batch may be smaller); None for single
            windows without a batch axis.
        shuffle: whether to shuffle the windows (else in time order).
        seed: the shuffle seed (None draws one from NumPy's global generator, as Keras).
        start_index, end_index: use only data[start_index:end_index] (end excluded).

    Returns:
        A ``TimeseriesDataset`` yielding (x, y) with x (batch, sequence_length, ...) and
        y (batch, ...) — or x only when targets is None.

    Raises:
        ValueError: indices or strides outside the data, a non-positive sequence_length.

    Example:
        >>> series = np.arange(8)
        >>> batches = timeseries_dataset_from_array(series[:-3], series[3:], sequence_length=3,
        ...                                         batch_size=2)
        >>> x, y = batches[0]; x.tolist(), y.tolist()
        ([[0, 1, 2], [1, 2, 3]], [3, 4])
        >>> len(batches), batches[1][0].tolist()
        (2, [[2, 3, 4]])
    """
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError(
            "timeseries_dataset_from_array: expected data with a time axis "
            f"(shape (T, ...)), got a scalar {data!r}."
        )
    if not (isinstance(sequence_length, (int, np.integer)) and sequence_length >= 1):
        raise ValueError(
            f"timeseries_dataset_from_array: expected sequence_length to be an int "
            f">= 1, got {sequence_length!r}."
        )
    if batch_size is not None and not (
        isinstance(batch_size, (int, np.integer)) and batch_size >= 1
    ):
        raise ValueError(
            f"timeseries_dataset_from_array: expected batch_size to be an int >= 1 "
            f"or None, got {batch_size!r}."
        )
    _check_indices(len(data), start_index, end_index, sequence_stride, sampling_rate)
    start = start_index or 0
    end = len(data) if end_index is None else end_index
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        num_seqs = min(num_seqs, len(targets))  # Keras compares with all of targets
        if num_seqs > len(targets[start:end]):
            raise ValueError(
                f"timeseries_dataset_from_array: expected a target for each of the "
                f"{num_seqs} windows from start_index {start}, got "
                f"{len(targets[start:end])} targets there (targets of length "
                f"{len(targets)}). Pass one target per time step of data."
            )
        targets = targets[start:end]
    positions = np.arange(0, max(num_seqs, 0), sequence_stride)
    if shuffle and seed is None:
        seed = np.random.randint(1e6)  # Keras draws the seed from NumPy's global generator
    return TimeseriesDataset(
        data[start:end],
        targets,
        positions,
        int(sequence_length),
        int(sampling_rate),
        batch_size,
        shuffle,
        seed or 0,
    )
