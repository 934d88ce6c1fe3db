"""Floor 3: margin losses for labels ±1: Keras 3's hinge, squared hinge and categorical hinge, and
the course's perceptron criterion max(0, −y ŷ) (which deck [C] calls "hinge", §1.11 #3)."""

from __future__ import annotations

from typing import Any

import numpy as np

import neurona.functional as F
from neurona.autodiff.tensor import Tensor
from neurona.functional import losses as kernels
from neurona.losses._labels import prepare
from neurona.losses.loss import LossFunctionWrapper

__all__ = [
    "hinge",
    "squared_hinge",
    "categorical_hinge",
    "perceptron",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "PerceptronLoss",
]


def convert_binary_labels_to_hinge(y_true: Any) -> Any:
    """Keras's label rule: if every label is 0 or 1, map them to −1/+1 (y ← 2y − 1).

    Example:
        >>> convert_binary_labels_to_hinge(np.array([0.0, 1.0]))
        array([-1.,  1.])
    """
    data = y_true.data if isinstance(y_true, Tensor) else y_true
    if np.all((data == 0) | (data == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Hinge loss per sample (the SVM's), labels ±1 (0/1 are converted, as in Keras).

        L = mean_c max(0, 1 − y_c ŷ_c)      ∂L/∂ŷ = −y/k where y ŷ ≤ 1, else 0

    Example:
        >>> hinge([[1.0, 0.0]], [[0.5, -2.0]])
        tensor([0.25])
    """
    y_true, y_pred = prepare("hinge", y_true, y_pred)
    return kernels.hinge(convert_binary_labels_to_hinge(y_true), y_pred, margin=1.0)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Squared hinge loss per sample, labels ±1 (0/1 are converted).

        L = mean_c max(0, 1 − y_c ŷ_c)²      ∂L/∂ŷ = −2y max(0, 1 − y ŷ)/k

    Example:
        >>> squared_hinge([[1.0, 0.0]], [[0.5, -2.0]])
        tensor([0.125])
    """
    y_true, y_pred = prepare("squared_hinge", y_true, y_pred)
    return kernels.hinge(convert_binary_labels_to_hinge(y_true), y_pred, squared=True)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """Categorical (Crammer-Singer) hinge per sample for one-hot labels.

        pos = Σ_c y_c ŷ_c,  neg = max_c (1 − y_c) ŷ_c,  L = max(0, neg − pos + 1)

    Example:
        >>> categorical_hinge([[0.0, 1.0]], [[0.3, 0.7]])
        tensor([0.6])
    """
    y_true, y_pred = prepare("categorical_hinge", y_true, y_pred, categorical=True)
    pos = F.sum(y_true * y_pred, axis=-1)
    neg = F.max((1.0 - y_true) * y_pred, axis=-1)
    return F.maximum(neg - pos + 1.0, 0.0)


def perceptron(y_true: Any, y_pred: Any) -> Tensor:
    """The perceptron criterion per sample (course L5; the slides call it "hinge"), labels ±1.

        L = mean_c max(0, −y_c ŷ_c)      ∂L/∂ŷ = −y/k where y ŷ ≤ 0 (misclassified), else 0

    Only misclassified samples cost anything, and a sample on the boundary (ŷ = 0) counts as
    misclassified, so gradient descent can start from zero weights as Rosenblatt's rule does.
    Labels 0/1 are converted to −1/+1, as for Keras's hinge.

    Example:
        >>> perceptron([[1.0], [-1.0]], [[2.0], [0.5]])
        tensor([0. , 0.5])
    """
    y_true, y_pred = prepare("perceptron", y_true, y_pred)
    return kernels.hinge(convert_binary_labels_to_hinge(y_true), y_pred, margin=0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss (Keras 3), max(0, 1 − y ŷ) averaged; see :func:`hinge`.

    Example:
        >>> Hinge()([[1.0], [-1.0]], [[0.5], [0.5]])
        tensor(1.)
    """

    def __init__(
        self, reduction: str | None = "sum_over_batch_size", name: str = "hinge", dtype: Any = None
    ) -> None:
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss (Keras 3); see :func:`squared_hinge`.

    Example:
        >>> SquaredHinge()([[1.0], [-1.0]], [[0.5], [0.5]])
        tensor(1.25)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "squared_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss (Keras 3); see :func:`categorical_hinge`.

    Example:
        >>> CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.7]])
        tensor(0.6)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "categorical_hinge",
        dtype: Any = None,
    ) -> None:
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)


class PerceptronLoss(LossFunctionWrapper):
    """The course's perceptron criterion max(0, −y ŷ) (string id 'perceptron'); not in Keras.

    Deck [C] names it "hinge"; neurona keeps 'hinge' for Keras's SVM hinge max(0, 1 − y ŷ).

    Example:
        >>> PerceptronLoss()([[1.0], [-1.0]], [[2.0], [0.5]])
        tensor(0.25)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "perceptron",
        dtype: Any = None,
    ) -> None:
        super().__init__(perceptron, name=name, reduction=reduction, dtype=dtype)
