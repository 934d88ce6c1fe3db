"""Floor 3: metrics that are the running mean of a loss function (Keras 3's ``MeanSquaredError``,
``MeanAbsoluteError``, ``MeanAbsolutePercentageError`` and the cross-entropies as metrics): the
same formula as in ``neurona.losses``, averaged over every sample seen instead of over one batch.
(neurona.losses has no MAPE yet: its per-sample function lives here.)"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.functional.losses import EPSILON
from neurona.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
)
from neurona.losses._labels import prepare
from neurona.metrics.metric import MeanMetricWrapper, to_numpy

__all__ = [
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "mean_absolute_percentage_error",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
]


class MeanSquaredError(MeanMetricWrapper):
    """Mean squared error over every sample seen, (1/n) Σᵢ (1/k) Σ_c (ŷ − y)² (course E6).

    Example:
        >>> MeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        0.25
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean absolute error over every sample seen, (1/n) Σᵢ (1/k) Σ_c |ŷ − y|.

    Example:
        >>> MeanAbsoluteError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        0.25
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> np.ndarray:
    """Mean absolute percentage error per sample (Keras's 'mape'), in percent.

        MAPE = 100 · (1/k) Σ_c |y_c − ŷ_c| / max(|y_c|, ε)      ε = 1e-7 (keras.config.epsilon())

    NOTE: a target of 0 divides by ε, so one zero label can dominate the mean (as in Keras).

    Example:
        >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]])
        array([37.5], dtype=float32)
    """
    y_true, y_pred = prepare("mean_absolute_percentage_error", y_true, y_pred)
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    return 100.0 * np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), EPSILON), axis=-1)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean absolute percentage error over every sample seen, (1/n) Σᵢ MAPEᵢ (Keras 3's 'mape');
    see :func:`mean_absolute_percentage_error`.

    Example:
        >>> MeanAbsolutePercentageError()([[2.0, 4.0], [1.0, 1.0]], [[1.0, 5.0], [1.0, 1.0]])
        18.75
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """Binary cross-entropy over every sample seen; see ``neurona.losses.binary_crossentropy``.

    Example:
        >>> round(BinaryCrossentropy()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), 3)
        0.815
    """

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    """Categorical cross-entropy over every sample seen (one-hot labels).

    Example:
        >>> round(CategoricalCrossentropy()([[0, 1, 0], [0, 0, 1]],
        ...                                 [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), 4)
        1.1769
    """

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Categorical cross-entropy over every sample seen, for integer labels.

    Example:
        >>> round(SparseCategoricalCrossentropy()([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]), 4)
        1.1769
    """

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
