"""Floor 3: losses with Keras 3's names, as functions (one value per sample) and classes (weighted
and reduced to a scalar tensor), found by string identifier: ``losses.get("mse")``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from neurona.errors import did_you_mean
from neurona.losses.checked import checked_labels
from neurona.losses.hinge import (
    CategoricalHinge,
    Hinge,
    PerceptronLoss,
    SquaredHinge,
    categorical_hinge,
    hinge,
    perceptron,
    squared_hinge,
)
from neurona.losses.loss import Loss, LossFunctionWrapper, reduce_weighted_values
from neurona.losses.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from neurona.losses.regression import (
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanSquaredError,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_squared_error,
)

_CLASSES = [
    Loss,
    LossFunctionWrapper,
    MeanSquaredError,
    MeanAbsoluteError,
    Huber,
    LogCosh,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    KLDivergence,
    Poisson,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    PerceptronLoss,
]
_FUNCTIONS = [
    mean_squared_error,
    mean_absolute_error,
    huber,
    log_cosh,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    kl_divergence,
    poisson,
    hinge,
    squared_hinge,
    categorical_hinge,
    perceptron,
]

ALL_OBJECTS_DICT: dict[str, Any] = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
ALL_OBJECTS_DICT.update(
    {
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
    }
)

__all__ = [obj.__name__ for obj in _CLASSES + _FUNCTIONS] + [
    "reduce_weighted_values",
    "checked_labels",
    "get",
    "serialize",
    "deserialize",
]


def serialize(loss: Loss | Callable) -> dict:
    """A JSON-ready description of a loss, in Keras 3's layout.

    Example:
        >>> serialize(MeanSquaredError())["class_name"]
        'MeanSquaredError'
        >>> serialize(mean_squared_error)["config"]
        'mean_squared_error'
    """
    if isinstance(loss, Loss):
        return {
            "module": "neurona.losses",
            "class_name": type(loss).__name__,
            "config": loss.get_config(),
            "registered_name": None,
        }
    name = getattr(loss, "__name__", None)
    if ALL_OBJECTS_DICT.get(name) is loss:
        return {
            "module": "builtins",
            "class_name": "function",
            "config": name,
            "registered_name": "function",
        }
    raise ValueError(
        f"losses.serialize: expected a Loss instance or a loss function of neurona.losses, got "
        f"{loss!r}. Custom losses must subclass neurona.losses.Loss (and be passed back through "
        "custom_objects when loading)."
    )


def deserialize(config: str | dict, custom_objects: dict | None = None) -> Loss | Callable:
    """Rebuild a loss from :func:`serialize`'s output (or from a name).

    Example:
        >>> deserialize(serialize(BinaryCrossentropy(from_logits=True))).from_logits
        True
    """
    known = {**ALL_OBJECTS_DICT, **(custom_objects or {})}
    if isinstance(config, str):
        return _lookup(config, known)
    if not isinstance(config, dict) or "class_name" not in config:
        raise TypeError(
            f"losses.deserialize: expected a name or a dict with 'class_name' and 'config', got "
            f"{config!r}."
        )
    if config["class_name"] == "function":
        return _lookup(config["config"], known)
    cls = _lookup(config["class_name"], known)
    return cls.from_config(config.get("config") or {})


def _lookup(name: str, known: dict) -> Any:
    if name not in known:
        names = ", ".join(sorted(known, key=str.lower))
        hint = did_you_mean(name, known)
        raise ValueError(f"Unknown loss {name!r}: expected one of {names}.{hint}")
    return known[name]


def get(identifier: Any) -> Loss | Callable | None:
    """The loss for an identifier, as Keras 3's ``losses.get``.

    A function name ('mse', 'binary_crossentropy') gives the function (one value per sample); a
    class name ('MeanSquaredError') or class gives an instance; a dict is deserialized; a callable
    is returned as is; None gives None.

    Raises:
        ValueError: for an unknown name (the message lists the known ones).

    Example:
        >>> get("mse").__name__, type(get("BinaryCrossentropy")).__name__
        ('mean_squared_error', 'BinaryCrossentropy')
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
    if callable(obj):
        return obj
    raise TypeError(
        f"losses.get: expected a loss name such as 'mse', a Loss, a function or a config dict, got "
        f"{identifier!r} of type {type(identifier).__name__}."
    )
