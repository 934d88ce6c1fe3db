"""Floor 3: ``checked_labels``, every label of a training set checked once (when ``fit`` starts)
instead of once per batch, for the losses whose labels have checks of their own (the
cross-entropies with class labels)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from neurona.backend import default_dtype
from neurona.losses._labels import check_range, class_indices, prepare
from neurona.losses.loss import Loss, LossFunctionWrapper
from neurona.losses.probabilistic import categorical_crossentropy, sparse_categorical_crossentropy

__all__ = ["checked_labels"]


@contextlib.contextmanager
def checked_labels(loss: Loss, y: Any, output_shape: tuple) -> Iterator[bool]:
    """Check all the labels ``y`` for ``loss`` now; inside the block, ``loss`` skips its
    per-batch label checks (the values and gradients are the same, bit for bit).

    The checks on entry are those the loss makes on each batch, with the same errors (integer
    labels 0 … k − 1 of the right shape for sparse categorical cross-entropy; labels of the
    predictions' shape for categorical cross-entropy). Inside the block the loss trusts that
    its labels are batches of ``y`` (rows of it, as ``fit`` gives). A loss that has no such
    checks, or one it cannot check ahead (``ignore_class``, an unknown output size), runs
    unchanged. On exit the loss checks every batch again.

    Args:
        loss: the loss object the training loop calls.
        y: every label of the training set (first axis: samples).
        output_shape: the model's output shape, e.g. (None, 10); the first axis is ignored.

    Yields:
        True when the labels were checked here (the loss then skips its per-batch checks),
        False when the loss runs unchanged.

    Raises:
        ShapeError, ValueError: the errors of the per-batch checks, for the first bad labels.

    Example:
        >>> from neurona.losses import SparseCategoricalCrossentropy
        >>> loss = SparseCategoricalCrossentropy()
        >>> with checked_labels(loss, np.array([2, 0, 1]), (None, 3)) as checked:
        ...     loss(np.array([2, 0]), nr.tensor([[0.1, 0.2, 0.7], [0.8, 0.1, 0.1]]))
        tensor(0.28990924)
        >>> checked
        True
    """
    if not _check_all(loss, y, output_shape):
        yield False  # nothing to skip: the loss is left as it is
        return
    previous = loss._labels_checked  # (a block inside another one for the same loss)
    loss._labels_checked = True
    try:
        yield True
    finally:
        loss._labels_checked = previous


def _check_all(loss: Loss, y: Any, output_shape: tuple) -> bool:
    """Run the per-batch label checks on all of ``y`` (raising their errors); False when the
    loss has none to skip or they cannot run ahead."""
    if not isinstance(loss, LossFunctionWrapper) or not output_shape:
        return False
    if loss.fn not in (sparse_categorical_crossentropy, categorical_crossentropy):
        return False
    if any(not isinstance(size, (int, np.integer)) for size in output_shape[1:]):
        return False  # an axis of unknown size: the batches' shapes decide
    y = np.asarray(getattr(y, "values", y))  # pandas Series / DataFrame
    options = loss._fn_kwargs
    y_pred = np.broadcast_to(np.zeros((), default_dtype()), (len(y), *output_shape[1:]))
    if loss.fn is sparse_categorical_crossentropy:
        if options.get("ignore_class") is not None:
            return False  # the ignored label may be any value
        where, axis = "sparse_categorical_crossentropy", options.get("axis", -1)
        check_range(where, class_indices(where, y, y_pred, axis), y_pred.shape[axis])
        return True
    prepare("categorical_crossentropy", y, y_pred, categorical=True)
    return y.shape == y_pred.shape  # labels with an extra axis of size 1: checked per batch
