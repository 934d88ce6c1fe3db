"""Side module: the helpers Keras users expect under ``nr.utils`` (``keras.utils``): one-hot
labels, L2 normalisation, padding, time-series windows, cached files, PyDataset, seeding."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from neurona.backend import set_random_seed
from neurona.datasets.preprocessing import to_categorical as _one_hot
from neurona.models.data_adapter import PyDataset
from neurona.utils_files import get_file
from neurona.utils_sequences import pad_sequences, timeseries_dataset_from_array
from neurona.viz.model_dot import model_to_dot
from neurona.viz.model_plot import plot_model

__all__ = [
    "PyDataset",
    "get_file",
    "model_to_dot",
    "normalize",
    "pad_sequences",
    "plot_model",
    "set_random_seed",
    "timeseries_dataset_from_array",
    "to_categorical",
]


def to_categorical(x: ArrayLike, num_classes: int | None = None) -> np.ndarray:
    """One-hot labels, exactly as ``keras.utils.to_categorical``: float64, row i has a 1 in
    column x[i].

    num_classes defaults to max(x) + 1 (0 also means "infer", as in Keras). The output has
    shape x.shape + (num_classes,), except that a trailing axis of size 1 is dropped first
    (labels (n, 1) give (n, num_classes)).

    Notes: ``nr.datasets.to_categorical`` is the same encoding with a ``dtype`` argument and
    float32 by default (the course's labs); this one follows Keras (float64). Where Keras
    silently truncates non-integer labels (1.7 → 1) or wraps negative ones (−1 → the last
    class), this one raises ValueError.

    Raises:
        ValueError: non-integer labels, or labels outside [0, num_classes − 1].

    Example:
        >>> to_categorical([0, 2, 1])
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]])
        >>> to_categorical(np.array([[1], [0]]), num_classes=3).shape
        (2, 3)
    """
    return _one_hot(x, num_classes or None, dtype="float64")


def normalize(x: ArrayLike, axis: int | None = -1, order: int | float | str = 2) -> np.ndarray:
    """Scale x to unit norm along ``axis`` (Keras's ``keras.utils.normalize``):

        x / ‖x‖_order      (a zero norm is taken as 1, so zero vectors stay zero)

    The norm is ``np.linalg.norm(x, order, axis)``; floats keep their dtype, integers give
    float64, as in Keras. NOTE: ``nr.datasets.normalize`` is min–max scaling, another
    operation. Differences from Keras: it returns a backend tensor for non-NumPy input (this
    returns NumPy always), and its ``axis=0`` divides by norms along the wrong axis (Keras
    takes ``axis or -1``); here axis=0 normalises each column.

    Example:
        >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
        array([[0.6, 0.8],
               [0. , 0. ]])
        >>> normalize(np.array([[1.0, 3.0]]), order=1).tolist()
        [[0.25, 0.75]]
    """
    x = np.asarray(getattr(x, "data", x)) if not isinstance(x, np.ndarray) else x
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, -1 if axis is None else axis)
