"""Floor 3 helper of the cross-entropies: the loss of softmax probabilities as one fused node
(``functional.fused_losses``) when that gives the same numbers, and the batch-mean companions
(``fused_mean``) that Loss objects with the default reduction call first."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff.tensor import Tensor
from neurona.functional.fused_losses import (
    dense_softmax_cross_entropy,
    softmax_output_cross_entropy,
)
from neurona.functional.linalg import Dense as DenseNode
from neurona.functional.softmax import Softmax
from neurona.losses._labels import check_axis, check_range, class_indices, label_data, prepare
from neurona.losses.loss import as_prediction, as_target

__all__: list[str] = []  # private helpers of neurona.losses.probabilistic


def fused_cross_entropy(y, y_pred: Tensor, sparse: bool, from_logits: bool, axis: int, mean: bool):
    """The cross-entropy as one node when that gives the same numbers, else None. Probabilities
    fuse when y_pred = softmax(z) over the last axis is a node whose output nothing else
    differentiates: a Dense node with activation="softmax" (then one node from the layer's
    x, W, b: ``dense_softmax_cross_entropy``) or a softmax node (one node from z:
    ``softmax_output_cross_entropy``); or when y_pred needs no gradient at all (evaluation).
    Labels must be constants (no gradient through y_true)."""
    if isinstance(y, Tensor) or not y_pred.size or axis % y_pred.ndim != y_pred.ndim - 1:
        return None
    if from_logits:
        return softmax_output_cross_entropy(y, y_pred, None, sparse, True, mean, checked=True)
    if not y_pred.requires_grad:
        if y_pred.tangent is not None:  # forward mode through y_pred itself
            return None
        return softmax_output_cross_entropy(y, None, y_pred.data, sparse, False, mean, checked=True)
    ctx = y_pred._ctx
    if ctx is None or ctx.released or y_pred._retains_grad:
        return None
    if type(ctx) is DenseNode and ctx.saved[3] == "softmax":
        return dense_softmax_cross_entropy(y, *ctx.inputs, y_pred.data, sparse, mean, checked=True)
    if type(ctx) is not Softmax or ctx.saved[1] % y_pred.ndim != y_pred.ndim - 1:
        return None
    return softmax_output_cross_entropy(
        y, ctx.inputs[0], y_pred.data, sparse, False, mean, checked=True
    )


def categorical_mean(
    y_true: Any,
    y_pred: Any,
    checked: bool = False,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
):
    """categorical_crossentropy averaged over the batch as one node, or None (see
    ``fused_cross_entropy``). ``checked``: y_true has y_pred's shape (``losses.checked_labels``
    made sure)."""
    check_axis("categorical_crossentropy", axis)
    y_pred = as_prediction(y_pred)
    if not y_pred.shape or y_pred.shape[-1] == 1:
        return None  # the per-sample function warns
    if checked:
        y_true = as_target(y_true, y_pred.dtype)
    else:
        y_true, y_pred = prepare("categorical_crossentropy", y_true, y_pred, categorical=True)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    return fused_cross_entropy(y_true, y_pred, False, from_logits, axis, mean=True)


def sparse_mean(
    y_true: Any,
    y_pred: Any,
    checked: bool = False,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
):
    """sparse_categorical_crossentropy averaged over the batch as one node, or None.
    ``checked``: the labels are whole numbers in range (``losses.checked_labels`` made sure)."""
    if ignore_class is not None:
        return None
    y_pred = as_prediction(y_pred)
    if checked:
        labels = label_data(y_true).astype(np.int64, copy=False)  # the node flattens them
    else:
        where = "sparse_categorical_crossentropy"
        labels = class_indices(where, y_true, y_pred, axis)
        check_range(where, labels, y_pred.shape[axis])
    return fused_cross_entropy(labels, y_pred, True, from_logits, axis, mean=True)
