"""Floor 3: the regression losses of Keras 3 (mean squared error, mean absolute error, Huber,
log-cosh), each as a function (one value per sample) and a class (reduced to a scalar)."""

from __future__ import annotations

import math
from typing import Any

import neurona.functional as F
from neurona.autodiff.tensor import Tensor
from neurona.functional import losses as kernels
from neurona.losses._labels import prepare
from neurona.losses.loss import LossFunctionWrapper

__all__ = [
    "mean_squared_error",
    "mean_absolute_error",
    "huber",
    "log_cosh",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Huber",
    "LogCosh",
]


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean squared error per sample (course L1, Keras's 'mse'): the mean over the last axis.

        L = (1/k) Σ_c (ŷ_c − y_c)²      ∂L/∂ŷ = 2(ŷ − y)/k

    NOTE: no ½ (course L2 and §1.11 #7): the slides' ½‖a − y‖² summed over 10 outputs is 5× this.

    Example:
        >>> mean_squared_error([[1.0, 0.0]], [[0.9, 0.1]])
        tensor([0.01])
    """
    y_true, y_pred = prepare("mean_squared_error", y_true, y_pred)
    return kernels.mse(y_true, y_pred)


def _mse_mean(y_true: Any, y_pred: Any, checked: bool = False) -> Tensor:
    """mean_squared_error averaged over the batch in the same node (one node, not two); its
    only label check (the shapes) is cheap, so ``checked`` changes nothing."""
    y_true, y_pred = prepare("mean_squared_error", y_true, y_pred)
    return kernels.mse(y_true, y_pred, mean=True)


mean_squared_error.fused_mean = _mse_mean  # Loss objects with the default reduction use it


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """Mean absolute error per sample (course L4, Keras's 'mae').

        L = (1/k) Σ_c |ŷ_c − y_c|      ∂L/∂ŷ = sign(ŷ − y)/k  (0 at ŷ = y)

    Example:
        >>> mean_absolute_error([[1.0, 0.3]], [[1.9, 0.3]])
        tensor([0.45])
    """
    y_true, y_pred = prepare("mean_absolute_error", y_true, y_pred)
    return kernels.mae(y_true, y_pred)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """Huber loss per sample: quadratic for small errors, linear for large ones.

        with e = ŷ − y:  ½e² if |e| ≤ δ, else δ|e| − ½δ²;  L = mean over the last axis
        ∂L/∂ŷ = e/k if |e| ≤ δ, else δ sign(e)/k

    Example:
        >>> huber([[0.0, 0.0]], [[0.5, 3.0]])
        tensor([1.3125])
    """
    y_true, y_pred = prepare("huber", y_true, y_pred)
    error = y_pred - y_true
    abs_error = F.abs(error)
    small = abs_error.data <= delta
    values = F.where(small, 0.5 * F.square(error), delta * abs_error - 0.5 * delta**2)
    return F.mean(values, axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """Log-cosh loss per sample, computed without overflow as e + softplus(−2e) − log 2.

        L = mean(log cosh(ŷ − y))      ∂L/∂ŷ = tanh(ŷ − y)/k

    ≈ e²/2 for small errors and |e| − log 2 for large ones: like MSE, but robust to outliers.

    Example:
        >>> log_cosh([[0.0]], [[1e4]])
        tensor([9999.307])
    """
    y_true, y_pred = prepare("log_cosh", y_true, y_pred)
    error = y_pred - y_true
    return F.mean(error + F.softplus(-2.0 * error) - math.log(2.0), axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean squared error loss (Keras 3, 'mse'): mean over the batch of :func:`mean_squared_error`.

    Example:
        >>> MeanSquaredError()([1.0, 0.0, 1.0], [0.9, 0.1, 0.8])
        tensor(0.02)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_squared_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean absolute error loss (Keras 3, 'mae'); see :func:`mean_absolute_error`.

    Example:
        >>> MeanAbsoluteError()([1.0, 0.3, 1.0], [1.9, 0.3, 1.8])
        tensor(0.56666666)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "mean_absolute_error",
        dtype: Any = None,
    ) -> None:
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class Huber(LossFunctionWrapper):
    """Huber loss (Keras 3); see :func:`huber`. Unlike Keras 3, get_config keeps ``delta``.

    Example:
        >>> Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]])
        tensor(1.3125)
    """

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str = "huber_loss",
        dtype: Any = None,
    ) -> None:
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)
        self.delta = delta


class LogCosh(LossFunctionWrapper):
    """Log-cosh loss (Keras 3); see :func:`log_cosh`.

    Example:
        >>> LogCosh()([[0.0], [0.0]], [[0.0], [0.0]])
        tensor(0.)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str = "log_cosh",
        dtype: Any = None,
    ) -> None:
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)
