"""Floor 3 helper: bring y_true and y_pred to matching shapes as Keras does, and explain (what was
expected, what was got, how to fix it) the labels that do not fit a loss."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff.tensor import Tensor
from neurona.errors import ShapeError
from neurona.losses.loss import as_prediction, as_target, squeeze_or_expand_to_same_rank

__all__: list[str] = []  # private helpers of the loss functions


def label_data(y: Any) -> np.ndarray:
    """The labels as an array (a tensor's data, a pandas object's values)."""
    return np.asarray(y.data if isinstance(y, Tensor) else getattr(y, "values", y))


def _are_class_indices(y: np.ndarray) -> bool:
    if y.dtype.kind in "iub":
        return True
    return y.dtype.kind == "f" and y.size > 0 and bool(np.all(y == np.round(y)))


def prepare(where: str, y_true: Any, y_pred: Any, categorical: bool = False):
    """y_pred as a tensor, y_true in its dtype, ranks matched; a ShapeError if shapes differ."""
    y_pred = as_prediction(y_pred)
    y_true = as_target(y_true, y_pred.dtype)
    shape = y_true.shape
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.shape != y_pred.shape:
        raise _mismatch(where, label_data(y_true).reshape(shape), y_pred.shape, categorical)
    return y_true, y_pred


def _mismatch(where: str, y: np.ndarray, pred_shape: tuple, categorical: bool) -> ShapeError:
    k = pred_shape[-1] if pred_shape else 1
    indices = k > 1 and (y.ndim == 1 or y.shape[-1] == 1) and _are_class_indices(y)
    if categorical and indices:
        return ShapeError(
            f"{where}: expected one-hot labels of shape {pred_shape} like y_pred, got integer "
            f"labels of shape {y.shape}; use 'sparse_categorical_crossentropy' or one-hot encode "
            f"them with nr.utils.to_categorical(y, {k})."
        )
    fix = (
        f"If y_true holds class indices, one-hot encode them with nr.utils.to_categorical(y, "
        f"{k}) or use 'sparse_categorical_crossentropy'."
        if indices
        else f"Reshape y_true to {pred_shape}, or check that the model's last layer has as "
        "many units as y_true has columns."
    )
    return ShapeError(
        f"{where}: expected y_true of the same shape as y_pred {pred_shape} (only a trailing "
        f"axis of size 1 may differ), got shape {y.shape}. {fix}"
    )


def class_indices(where: str, y_true: Any, y_pred: Tensor, axis: int = -1) -> np.ndarray:
    """Integer labels of shape y_pred.shape without ``axis`` (a trailing axis of size 1 dropped)."""
    y = label_data(y_true)
    axis = axis % y_pred.ndim
    if y.ndim == y_pred.ndim and y.shape[axis] == 1:
        y = y.squeeze(axis)
    k = y_pred.shape[axis]
    expected = y_pred.shape[:axis] + y_pred.shape[axis + 1 :]
    if y.shape == y_pred.shape and k > 1:
        raise ShapeError(
            f"{where}: expected integer class labels of shape {expected}, got labels of shape "
            f"{y.shape} like y_pred (one-hot?); use 'categorical_crossentropy', or pass the "
            "class indices y.argmax(axis=-1)."
        )
    if y.shape != expected:
        raise ShapeError(
            f"{where}: expected integer class labels of shape {expected} (or {expected + (1,)}) "
            f"for y_pred of shape {y_pred.shape}, got shape {y.shape}."
        )
    if not _are_class_indices(y) and y.size:
        raise ValueError(
            f"{where}: expected integer class labels 0 … {k - 1}, got values of dtype {y.dtype} "
            "that are not whole numbers. For probabilities per class use "
            "'categorical_crossentropy'."
        )
    return y.astype(np.int64, copy=False)


def check_range(where: str, labels: np.ndarray, k: int) -> None:
    """Raise if a class label is outside 0 … k − 1."""
    if labels.size and (
        np.minimum.reduce(labels, axis=None) < 0 or np.maximum.reduce(labels, axis=None) >= k
    ):  # .min(), no wrapper
        raise ValueError(
            f"{where}: expected class labels in 0 … {k - 1} (y_pred has {k} classes), got labels "
            f"from {labels.min()} to {labels.max()}. Check the number of units of the last layer."
        )


def check_axis(where: str, axis: Any) -> None:
    """Raise unless ``axis`` is an int (not a bool)."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(f"{where}: expected an int axis, got {axis!r}.")
