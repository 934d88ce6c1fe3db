"""Floor 3: the accuracy family of Keras 3 (exact, binary, categorical, sparse categorical) and
``resolve_accuracy``, which picks one for ``metrics=["accuracy"]`` as Keras's compile does.

    accuracy = (TP + TN) / (TP + TN + FP + FN)      (course E5: the share of right answers)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.errors import ShapeError
from neurona.losses.loss import squeeze_or_expand_to_same_rank
from neurona.metrics.metric import MeanMetricWrapper, to_numpy

__all__ = [
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "resolve_accuracy",
]


def accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where y_pred equals y_true exactly, else 0.0 (for predicted labels, not scores).

    Example:
        >>> accuracy([1, 2, 3], [1, 2, 4])
        array([1., 1., 0.], dtype=float32)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(to_numpy(y_true), to_numpy(y_pred))
    return (y_true == y_pred).astype(np.float32)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    """1.0 where (y_pred > threshold) equals the 0/1 label, else 0.0.

    Example:
        >>> binary_accuracy([[1], [1], [0], [0]], [[0.98], [1.0], [0.0], [0.6]])
        array([[1.],
               [1.],
               [1.],
               [0.]], dtype=float32)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(to_numpy(y_true), to_numpy(y_pred))
    return (y_true == (y_pred > threshold)).astype(np.float32)


def categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where argmax(y_pred) is the class of the one-hot label, else 0.0 (first max on ties).

    Example:
        >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        array([0., 1.], dtype=float32)
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    if y_true.shape != y_pred.shape:
        k = y_pred.shape[-1] if y_pred.ndim else 1
        raise ShapeError(
            f"categorical_accuracy: expected one-hot labels of shape {y_pred.shape} like y_pred, "
            f"got shape {y_true.shape}. For integer labels use 'sparse_categorical_accuracy' or "
            f"one-hot encode them with nr.utils.to_categorical(y, {k})."
        )
    return (y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where argmax(y_pred) equals the integer label, else 0.0.

    Example:
        >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        array([0., 1.], dtype=float32)
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1:] == (1,):
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        hint = (
            " They look one-hot: use 'categorical_accuracy'."
            if y_true.shape == y_pred.shape
            else ""
        )
        raise ShapeError(
            f"sparse_categorical_accuracy: expected integer labels of shape {y_pred.shape[:-1]} "
            f"for y_pred of shape {y_pred.shape}, got shape {y_true.shape}.{hint}"
        )
    return (y_true == y_pred.argmax(axis=-1)).astype(np.float32)


class _CountingMean(MeanMetricWrapper):
    """A mean of 0/1 values per sample: without sample weights, count the ones (the same total
    and count as ``Mean.update_state``, without its general reshaping and float64 copies; fit
    calls this once per batch)."""

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if sample_weight is None:
            values = self._fn(y_true, y_pred, **self._fn_kwargs)
            if values.ndim == 2 and values.shape[1] == 1:
                values = values[:, 0]
            if values.ndim == 1:
                self.total += float(np.count_nonzero(values))
                self.count += values.shape[0]
                return
        super().update_state(y_true, y_pred, sample_weight=sample_weight)


class Accuracy(_CountingMean):
    """How often predictions equal labels exactly (Keras 3's ``Accuracy``).

    Example:
        >>> Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        0.75
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(_CountingMean):
    """How often the thresholded prediction matches a 0/1 label (Keras 3's ``BinaryAccuracy``).

    Example:
        >>> BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
        0.75
    """

    def __init__(
        self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5
    ) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(_CountingMean):
    """How often argmax(y_pred) is the one-hot label's class (Keras 3's ``CategoricalAccuracy``).

    Example:
        >>> CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        0.5
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(_CountingMean):
    """How often argmax(y_pred) is the integer label (Keras 3's ``SparseCategoricalAccuracy``).

    Example:
        >>> SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        0.5
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


def _is_sparse_loss(loss: Any) -> bool:
    name = (
        loss
        if isinstance(loss, str)
        else getattr(loss, "name", None) or getattr(loss, "__name__", "")
    )
    return "sparse_categorical" in str(name) or str(name) == "SparseCategoricalCrossentropy"


def resolve_accuracy(
    loss: Any = None,
    output_shape: tuple | None = None,
    y_true_shape: tuple | None = None,
    name: str = "accuracy",
):
    """The accuracy metric that ``metrics=["accuracy"]`` (or "acc") means, as Keras 3's compile.

    Keras decides from the shapes of y_true and y_pred: y_pred's last axis of size 1 → binary;
    y_true of lower rank than y_pred, or with a last axis of size 1 against k > 1 outputs →
    sparse categorical; otherwise categorical. Without ``y_true_shape`` the loss stands in for
    the labels: a sparse categorical cross-entropy means integer labels.

    Args:
        loss: the compiled loss (a name, a Loss or a function), used without ``y_true_shape``.
        output_shape: the model's output shape (y_pred), e.g. (None, 10).
        y_true_shape: the labels' shape, when known.
        name: the name the metric reports under (the identifier the user wrote).

    Example:
        >>> type(resolve_accuracy("mse", (None, 10))).__name__
        'CategoricalAccuracy'
        >>> type(resolve_accuracy("sparse_categorical_crossentropy", (None, 10))).__name__
        'SparseCategoricalAccuracy'
        >>> resolve_accuracy("binary_crossentropy", (None, 1), name="acc").name
        'acc'
    """
    binary = output_shape is not None and len(output_shape) > 0 and output_shape[-1] == 1
    if y_true_shape is not None and output_shape is not None:
        sparse = len(y_true_shape) < len(output_shape) or (
            len(y_true_shape) > 0 and y_true_shape[-1] == 1 and output_shape[-1] != 1
        )
    elif output_shape is None and isinstance(loss, str) and loss in ("binary_crossentropy", "bce"):
        binary, sparse = True, False
    else:
        sparse = _is_sparse_loss(loss)
    if binary:
        return BinaryAccuracy(name=name)
    if sparse:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)
