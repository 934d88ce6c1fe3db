"""Floor 3: weight initialisers with Keras 3's names, string ids, defaults and fan rules.

Each one is called as ``init(shape, dtype=None)`` and returns a NumPy array (float32 unless asked);
``get("glorot_uniform")`` resolves the string ids that layers accept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.errors import did_you_mean
from neurona.initializers.constant import (
    Constant,
    Identity,
    Initializer,
    Ones,
    Zeros,
    _shape_and_dtype,
)
from neurona.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomInitializer",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "deserialize",
    "get",
    "serialize",
]

_CLASSES = (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
)
_SNAKE = {
    "GlorotNormal": "glorot_normal",
    "GlorotUniform": "glorot_uniform",
    "HeNormal": "he_normal",
    "HeUniform": "he_uniform",
    "LecunNormal": "lecun_normal",
    "LecunUniform": "lecun_uniform",
    "RandomNormal": "random_normal",
    "RandomUniform": "random_uniform",
    "TruncatedNormal": "truncated_normal",
    "VarianceScaling": "variance_scaling",
}
_BY_NAME = {c.__name__: c for c in _CLASSES}
_BY_NAME.update({_SNAKE.get(c.__name__, c.__name__.lower()): c for c in _CLASSES})
_BY_NAME.update(
    {
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
        "OrthogonalInitializer": Orthogonal,
        "IdentityInitializer": Identity,
    }
)


def _lookup(name: str) -> type:
    if name in _BY_NAME:
        return _BY_NAME[name]
    valid = sorted(n for n in _BY_NAME if n.islower())
    hint = did_you_mean(name, valid)
    raise ValueError(
        f"initializers.get: expected one of {valid} (or a class name such as "
        f"'GlorotUniform'), got {name!r}.{hint}"
    )


def serialize(initializer: Initializer) -> dict:
    """A JSON-friendly dict in Keras 3's layout: class_name + config.

    Example:
        >>> serialize(Constant(2.0))["config"]
        {'value': 2.0}
    """
    return {
        "module": "neurona.initializers",
        "class_name": type(initializer).__name__,
        "config": initializer.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict) -> Initializer:
    """Rebuild an initialiser from :func:`serialize`'s dict (Keras's dicts work too).

    Example:
        >>> deserialize({"class_name": "HeNormal", "config": {"seed": 3}})
        HeNormal(seed=3, input_axes=None, output_axes=None)
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"initializers.deserialize: expected a dict with 'class_name' and "
            f"'config', got {config!r}."
        )
    return _lookup(config["class_name"]).from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Initializer | Any | None:
    """Resolve a string id, config dict, class, instance, callable or array to an initialiser.

    Strings are Keras's: 'glorot_uniform', 'he_normal', 'zeros', 'GlorotUniform', …; an array
    becomes an initialiser that returns it (the shape must match).

    Example:
        >>> get("glorot_uniform")
        GlorotUniform(seed=None, input_axes=None, output_axes=None)
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, (np.ndarray, np.generic)):
        return _from_array(np.asarray(identifier))
    if callable(identifier):
        return identifier
    raise TypeError(
        f"initializers.get: expected a name such as 'glorot_uniform', a config dict, "
        f"an Initializer or a callable(shape, dtype), got {identifier!r}."
    )


def _from_array(value: np.ndarray):
    def initialize(shape, dtype=None):
        shape, dtype = _shape_and_dtype("initializers.get(array)", shape, dtype)
        if shape != value.shape:
            raise ValueError(
                f"initializers.get(array): expected shape {value.shape} (the "
                f"array's), got shape={shape}."
            )
        return value.astype(dtype)

    return initialize
