"""Floor 3: metrics with Keras 3's names (stateful classes: ``update_state``, ``result``,
``reset_state``; and per-sample functions), found by identifier: ``metrics.get("mse")``, plus the
course's confusion-matrix report."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from neurona.errors import did_you_mean
from neurona.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    resolve_accuracy,
    sparse_categorical_accuracy,
)
from neurona.metrics.auc import AUC, average_precision, roc_auc
from neurona.metrics.confusion import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
    confusion_matrix_report,
)
from neurona.metrics.from_losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
    mean_absolute_percentage_error,
)
from neurona.metrics.metric import Mean, MeanMetricWrapper, Metric, _snake

_CLASSES = [
    Metric,
    Mean,
    MeanMetricWrapper,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Precision,
    Recall,
    TruePositives,
    FalsePositives,
    TrueNegatives,
    FalseNegatives,
    AUC,
]


# as keras.metrics.ALL_OBJECTS_DICT: class names, their snake-case forms and short aliases
ALL_OBJECTS_DICT: dict[str, Any] = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({_snake(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update(
    {
        "auc": AUC,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
    }
)

__all__ = [cls.__name__ for cls in _CLASSES] + [
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "mean_absolute_percentage_error",
    "resolve_accuracy",
    "confusion_matrix_report",
    "roc_auc",
    "average_precision",
    "get",
    "serialize",
    "deserialize",
]


def _lookup(name: str, known: dict) -> Any:
    if name not in known:
        names = ", ".join(sorted(known, key=str.lower))
        raise ValueError(
            f"Unknown metric {name!r}: expected one of {names}.{did_you_mean(name, known)} "
            "('accuracy' in compile() is "
            "resolved from the loss and shapes, see resolve_accuracy.)"
        )
    return known[name]


def serialize(metric: Metric) -> dict:
    """A JSON-ready description of a metric, in Keras 3's layout.

    Example:
        >>> serialize(BinaryAccuracy(threshold=0.7))["config"]["threshold"]
        0.7
    """
    if not isinstance(metric, Metric):
        raise ValueError(f"metrics.serialize: expected a Metric instance, got {metric!r}.")
    return {
        "module": "neurona.metrics",
        "class_name": type(metric).__name__,
        "config": metric.get_config(),
        "registered_name": None,
    }


def deserialize(config: str | dict, custom_objects: dict | None = None) -> Metric | Callable:
    """Rebuild a metric from :func:`serialize`'s output (or from a name).

    Example:
        >>> deserialize(serialize(AUC(curve="PR"))).curve
        'PR'
    """
    known = {**ALL_OBJECTS_DICT, **(custom_objects or {})}
    if isinstance(config, str):
        return _lookup(config, known)
    if not isinstance(config, dict) or "class_name" not in config:
        raise TypeError(
            f"metrics.deserialize: expected a name or a dict with 'class_name' and 'config', got "
            f"{config!r}."
        )
    return _lookup(config["class_name"], known).from_config(config.get("config") or {})


def get(identifier: Any) -> Metric | Callable | None:
    """The metric for an identifier, as Keras 3's ``metrics.get`` (a name gives an instance).

    NOTE: as in Keras, ``get("accuracy")`` is the exact-match ``Accuracy``; ``compile`` turns
    "accuracy"/"acc" into the binary, categorical or sparse variant with :func:`resolve_accuracy`.

    Example:
        >>> get("mse").name, get("AUC").name
        ('mean_squared_error', 'auc')
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _lookup(identifier, ALL_OBJECTS_DICT)
    else:
        obj = identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj) or isinstance(obj, Metric):
        return obj
    raise TypeError(
        f"metrics.get: expected a metric name such as 'mse', a Metric, a function or a config "
        f"dict, got {identifier!r} of type {type(identifier).__name__}."
    )
