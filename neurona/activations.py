"""Floor 3: activations by name, as in Keras 3: ``activation="relu"`` ↔ ``F.relu``. The functions
themselves live in ``neurona.functional`` (formulas and derivatives in their docstrings) and are
re-exported here under Keras's names: ``neurona.activations.relu`` is ``F.relu``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import neurona.functional as F
from neurona.errors import did_you_mean

elu = F.elu
exponential = F.exponential
gelu = F.gelu
hard_sigmoid = F.hard_sigmoid
hard_tanh = F.hard_tanh
leaky_relu = F.leaky_relu
linear = F.linear
log_softmax = F.log_softmax
relu = F.relu
relu6 = F.relu6
selu = F.selu
sigmoid = F.sigmoid
silu = F.silu
sign = F.sign
softmax = F.softmax
softplus = F.softplus
softsign = F.softsign
step = F.step
swish = F.swish
tanh = F.tanh

# Keras 3's identifiers (keras.activations.ALL_OBJECTS_DICT, 'swish' an alias of 'silu'), then the
# course's threshold units (A18), which Keras lacks. The first name of a function is its own.
ALL_OBJECTS_DICT: dict[str, Callable] = {
    "elu": elu,
    "exponential": exponential,
    "gelu": gelu,
    "hard_sigmoid": hard_sigmoid,
    "hard_tanh": hard_tanh,
    "leaky_relu": leaky_relu,
    "linear": linear,
    "log_softmax": log_softmax,
    "relu": relu,
    "relu6": relu6,
    "selu": selu,
    "sigmoid": sigmoid,
    "silu": silu,
    "softmax": softmax,
    "softplus": softplus,
    "softsign": softsign,
    "tanh": tanh,
    "swish": swish,
    "step": step,
    "sign": sign,
}
_NAME_OF: dict[int, str] = {}
for _name, _fn in ALL_OBJECTS_DICT.items():
    _NAME_OF.setdefault(id(_fn), _name)

__all__ = [*ALL_OBJECTS_DICT, "get", "serialize", "deserialize"]


def _unknown(identifier: Any) -> ValueError:
    names = ", ".join(sorted(ALL_OBJECTS_DICT))
    return ValueError(
        f"Unknown activation {identifier!r}: expected one of {names}, None (linear) or a callable."
        + did_you_mean(identifier, ALL_OBJECTS_DICT)
    )


def get(identifier: str | Callable | dict | None) -> Callable:
    """The activation function for an identifier, as Keras 3's ``activations.get``.

    None gives ``linear`` (a Dense layer without activation); a name gives the function; a
    callable is returned as is; a dict from :func:`serialize` is deserialized.

    Raises:
        ValueError: for an unknown name (the message lists the valid ones) or a non-callable.

    Example:
        >>> get("relu") is F.relu, get(None) is F.linear
        (True, True)
        >>> get("swish")(nr.tensor([0.0]))
        tensor([0.])
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise _unknown(identifier)


def serialize(activation: Callable) -> str:
    """The name of an activation function (Keras 3 returns the bare name for its built-ins).

    Raises:
        ValueError: for a function that has no name here (custom activations are not saved by
            name; pass them back through ``custom_objects`` when loading).

    Example:
        >>> serialize(F.relu), serialize(F.swish)
        ('relu', 'silu')
    """
    name = _NAME_OF.get(id(activation))
    if name is None:
        raise ValueError(
            f"activations.serialize: expected one of neurona's activations ("
            f"{', '.join(sorted(ALL_OBJECTS_DICT))}), got {activation!r}. Give a custom "
            "activation a name and pass it through custom_objects={'name': fn} when loading."
        )
    return name


def deserialize(config: str | dict, custom_objects: dict | None = None) -> Callable:
    """The activation function for a name (or a Keras-style dict whose 'config' is the name).

    Example:
        >>> deserialize("tanh") is F.tanh
        True
    """
    known = {**ALL_OBJECTS_DICT, **(custom_objects or {})}
    name = config.get("config", config.get("class_name")) if isinstance(config, dict) else config
    if not isinstance(name, str) or name not in known:
        raise _unknown(config)
    return known[name]
