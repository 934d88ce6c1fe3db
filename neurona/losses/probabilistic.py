"""Floor 3: the probabilistic losses of Keras 3 (binary, categorical and sparse categorical
cross-entropy, Kullback-Leibler divergence, Poisson), each as a function and a class. The fused
cross-entropy of softmax probabilities lives in ``_fused``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import neurona.functional as F
from neurona.autodiff.tensor import Tensor
from neurona.functional import losses as kernels
from neurona.losses._fused import categorical_mean, fused_cross_entropy, sparse_mean
from neurona.losses._labels import check_axis, check_range, class_indices, prepare
from neurona.losses.loss import LossFunctionWrapper, as_prediction

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "kl_divergence",
    "poisson",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
]

EPSILON = kernels.EPSILON  # keras.config.epsilon()


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Binary cross-entropy per sample (course L6), the mean over ``axis``.

        L = −mean[y log p + (1 − y) log(1 − p)]

    from_logits=False: p = clip(y_pred, ε, 1 − ε) with ε = 1e-7, as Keras (∂L/∂p = 0 where
    clipped). from_logits=True: p = σ(z), fused and stable (∂L/∂z = (σ(z) − y)/k).
    label_smoothing s moves the labels towards ½: y ← y(1 − s) + s/2.

    Example:
        >>> binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]])
        tensor([0.51082563])
    """
    y_true, y_pred = prepare("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        return F.mean(kernels.sigmoid_binary_cross_entropy(y_true, y_pred), axis=axis)
    return F.mean(kernels.binary_cross_entropy(y_true, y_pred), axis=axis)


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Tensor:
    """Categorical cross-entropy per sample (course L7) for one-hot (or soft) labels.

        L = −Σ_c y_c log p_c

    from_logits=False (Keras): p = clip(y_pred / Σ y_pred, ε, 1 − ε). from_logits=True:
    p = softmax(z), fused, so ∂L/∂z = softmax(z) − y. label_smoothing s: y ← y(1 − s) + s/k.

    Raises:
        ShapeError: for integer class labels (use sparse_categorical_crossentropy) and other
            shapes that differ from y_pred's.

    Example:
        >>> categorical_crossentropy([[0.0, 1.0, 0.0]], [[0.05, 0.95, 0.0]])
        tensor([0.05129331])
    """
    check_axis("categorical_crossentropy", axis)
    y_pred = as_prediction(y_pred)
    if y_pred.shape and y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, "
            f"num_classes) with num_classes > 1. Received: y_pred.shape={y_pred.shape}. Consider "
            "using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    y_true, y_pred = prepare("categorical_crossentropy", y_true, y_pred, categorical=True)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if not from_logits:
        fused = fused_cross_entropy(y_true, y_pred, False, False, axis, mean=False)
        if fused is not None:
            return fused
    if from_logits:
        return kernels.softmax_cross_entropy(y_true, y_pred, axis=axis)
    return kernels.categorical_cross_entropy(y_true, y_pred, axis=axis)


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Tensor:
    """Categorical cross-entropy per sample for integer class labels t: L = −log p_t.

    y_true has y_pred's shape without the class axis (or with it of size 1). from_logits=True
    fuses the softmax (∂L/∂z = softmax(z) − onehot(t)); otherwise p is normalised and clipped as
    in categorical_crossentropy. Samples labelled ``ignore_class`` get loss 0 (and the class
    averages over the others).

    Raises:
        ShapeError: for one-hot labels (use categorical_crossentropy) or mismatched shapes.
        ValueError: for labels that are not whole numbers in 0 … k − 1.

    Example:
        >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        tensor([0.05129331, 2.3025851 ])
    """
    where = "sparse_categorical_crossentropy"
    y_pred = as_prediction(y_pred)
    labels = class_indices(where, y_true, y_pred, axis)
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = np.where(valid, labels, 0)
    check_range(where, labels, y_pred.shape[axis])
    fused = (
        None
        if from_logits or valid is not None
        else fused_cross_entropy(labels, y_pred, True, False, axis, mean=False)
    )
    if fused is not None:
        return fused
    if from_logits:
        values = kernels.sparse_softmax_cross_entropy(labels, y_pred, axis=axis)
    else:
        one_hot = kernels._one_hot(labels, y_pred.shape[axis], axis, y_pred.dtype)
        values = kernels.categorical_cross_entropy(one_hot, y_pred, axis=axis)
    return values if valid is None else values * valid.astype(y_pred.dtype)


# Loss objects with the default reduction call these first (see LossFunctionWrapper)
categorical_crossentropy.fused_mean = categorical_mean
sparse_categorical_crossentropy.fused_mean = sparse_mean


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """Kullback-Leibler divergence per sample, both arguments clipped to [ε, 1] as Keras does.

        L = Σ_c y_c log(y_c / p_c)      ∂L/∂p_c = −y_c / p_c  (0 where p is clipped)

    Example:
        >>> kl_divergence([[0.5, 0.5]], [[0.5, 0.5]])
        tensor([0.])
    """
    y_true, y_pred = prepare("kl_divergence", y_true, y_pred)
    y_true = (
        F.clip(y_true, EPSILON, 1.0)
        if isinstance(y_true, Tensor)
        else np.clip(y_true, y_true.dtype.type(EPSILON), 1)
    )
    y_pred = F.clip(y_pred, y_pred.dtype.type(EPSILON), 1.0)
    return F.sum(y_true * (F.log(y_true) - F.log(y_pred)), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """Poisson loss per sample: the negative log-likelihood of counts y with rate ŷ (up to a term
    free of ŷ), with Keras's ε inside the log.

        L = mean(ŷ − y log(ŷ + ε))      ∂L/∂ŷ = (1 − y/(ŷ + ε))/k

    Example:
        >>> poisson([[1.0]], [[1.0]])
        tensor([0.9999999])
    """
    y_true, y_pred = prepare("poisson", y_true, y_pred)
    return F.mean(y_pred - y_true * F.log(y_pred + EPSILON), axis=-1)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy loss (Keras 3): labels 0/1, predictions probabilities or logits.

    See :func:`binary_crossentropy` for the formula; ``from_logits=True`` is the numerically
    stable choice for a final Dense without activation.

    Example:
        >>> BinaryCrossentropy(from_logits=True)([[1.0], [0.0]], [[1e4], [-1e4]])
        tensor(0.)
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "binary_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy loss (Keras 3) for one-hot labels.

    See :func:`categorical_crossentropy`. For integer labels use SparseCategoricalCrossentropy.

    Example:
        >>> CategoricalCrossentropy()([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        ...                           [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        tensor(1.1769392)
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy loss (Keras 3) for integer class labels.

    See :func:`sparse_categorical_crossentropy`. With ``ignore_class``, the mean runs over the
    samples whose label is not ``ignore_class`` (Keras's mask).

    Example:
        >>> SparseCategoricalCrossentropy()([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        tensor(1.1769392)
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = "sum_over_batch_size",
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def _loss_mask(self, y_true: Any, y_pred: Tensor) -> Any:
        if self.ignore_class is None:
            return None
        labels = class_indices(self.name, y_true, as_prediction(y_pred), self.axis)
        return labels != self.ignore_class


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence loss (Keras 3); see :func:`kl_divergence`.

    Example:
        >>> KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]])
        tensor(0.)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "kl_divergence",
        dtype: Any = None,
    ) -> None:
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Poisson loss (Keras 3) for count data; see :func:`poisson`.

    Example:
        >>> Poisson()([[1.0], [0.0]], [[1.0], [1.0]])
        tensor(0.99999994)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "poisson",
        dtype: Any = None,
    ) -> None:
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)
