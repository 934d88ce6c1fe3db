"""Floor 3: what ``fit``'s tape-free step (``neurona.models.chain``) needs from a loss: whether it
is Keras's cross-entropy of softmax probabilities, so that the last ``Dense(k, "softmax")`` and
the loss can run as one fused node (``functional.fused_losses``), with every label checked once
per ``fit`` instead of once per batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from neurona.losses._labels import check_range, class_indices, prepare
from neurona.losses.loss import Loss, LossFunctionWrapper
from neurona.losses.probabilistic import categorical_crossentropy, sparse_categorical_crossentropy

__all__ = ["softmax_cross_entropy_labels"]

_MEAN = ("sum_over_batch_size", "mean")


def softmax_cross_entropy_labels(loss: Loss, y: np.ndarray, k: int, dtype: Any
                                 ) -> tuple[bool, Callable] | None:
    """(sparse, labels) when ``loss`` is (sparse) categorical cross-entropy of probabilities
    averaged over the batch: the case where the loss fuses with a softmax output, as on the tape
    (``probabilistic._fused``); None otherwise (from_logits, label smoothing, ignore_class,
    another axis or reduction, another loss).

    Every label in ``y`` is checked here, with the errors the per-batch checks raise (integer
    labels 0 … k − 1 for the sparse loss, one row of k values per sample for the other);
    ``labels(y_b)`` then gives a batch in the form the fused node takes with ``checked=True``.

    Example:
        >>> from neurona.losses import SparseCategoricalCrossentropy
        >>> sparse, labels = softmax_cross_entropy_labels(SparseCategoricalCrossentropy(),
        ...                                               np.array([[2], [0]]), 3, "float32")
        >>> sparse, labels(np.array([[2], [0]]))
        (True, array([2, 0]))
    """
    if type(loss)._fused_mean is not LossFunctionWrapper._fused_mean or loss.reduction not in _MEAN:
        return None
    options = dict(loss._fn_kwargs)
    if options.pop("from_logits", False) or options.pop("axis", -1) != -1:
        return None
    n = len(y)
    if loss.fn is sparse_categorical_crossentropy:
        if options.pop("ignore_class", None) is not None or options:
            return None
        where = "sparse_categorical_crossentropy"
        check_range(where, class_indices(where, y, np.broadcast_to(np.float32(0), (n, k))), k)
        return True, _class_indices
    if loss.fn is categorical_crossentropy:
        if options.pop("label_smoothing", 0.0) or options:
            return None
        prepare("categorical_crossentropy", y, np.broadcast_to(np.zeros((), dtype), (n, k)),
                categorical=True)
        return False, lambda y_b: np.asarray(y_b).astype(dtype, copy=False)
    return None


def _class_indices(y_b: np.ndarray) -> np.ndarray:
    """Checked labels (n,) or (n, 1) as the int64 vector the sparse node takes."""
    return y_b.reshape(len(y_b)).astype(np.int64, copy=False)
