"""Floor 3: optimisers with Keras 3's names, arguments, defaults and update rules.

``get("adam")`` resolves the string identifiers that ``model.compile(optimizer=...)`` accepts.
"""

from __future__ import annotations

from typing import Any

from neurona.errors import did_you_mean
from neurona.optimizers import schedules
from neurona.optimizers.adagrad import Adadelta, Adagrad
from neurona.optimizers.adam import Adam, AdamW, Nadam
from neurona.optimizers.course import (
    CourseAdagrad,
    CourseAdam,
    CourseGD,
    CourseMomentum,
    CourseNesterov,
    CourseRMSProp,
)
from neurona.optimizers.optimizer import Optimizer
from neurona.optimizers.rmsprop import RMSprop
from neurona.optimizers.schedules import LearningRateSchedule
from neurona.optimizers.sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "CourseAdagrad",
    "CourseAdam",
    "CourseGD",
    "CourseMomentum",
    "CourseNesterov",
    "CourseRMSProp",
    "LearningRateSchedule",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

_BY_NAME = {
    c.__name__.lower(): c
    for c in (SGD, RMSprop, Adagrad, Adadelta, Adam, AdamW, Nadam)
    + (CourseGD, CourseMomentum, CourseNesterov, CourseAdagrad, CourseRMSProp, CourseAdam)
}


def serialize(optimizer: Optimizer) -> dict:
    """A JSON-friendly dict in Keras 3's layout: class_name + config.

    Example:
        >>> serialize(SGD())["config"]["learning_rate"]
        0.01
    """
    return {
        "module": "neurona.optimizers",
        "class_name": type(optimizer).__name__,
        "config": optimizer.get_config(),
        "registered_name": None,
    }


def _lookup(name: Any) -> type:
    cls = _BY_NAME.get(str(name).lower())
    if cls is None:
        hint = did_you_mean(str(name).lower(), _BY_NAME)
        raise ValueError(
            f"optimizers.get: expected one of {sorted(_BY_NAME)} (any case), got {name!r}.{hint}"
        )
    return cls


def deserialize(config: dict) -> Optimizer:
    """A new optimiser from :func:`serialize`'s dict (Keras's dicts work too).

    Example:
        >>> deserialize({"class_name": "Adam", "config": {"learning_rate": 0.01}}).learning_rate
        0.01
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"optimizers.deserialize: expected a dict with 'class_name' and "
            f"'config', got {config!r}."
        )
    return _lookup(config["class_name"]).from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Optimizer | None:
    """Resolve a name ('sgd', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamw', 'nadam', and
    the course's forms 'coursegd', 'coursemomentum', 'coursenesterov', 'courseadagrad',
    'coursermsprop', 'courseadam'; any case), a config dict, an Optimizer class or instance
    (returned as is), or an object with ``as_optimizer()`` (the course rules of
    ``neurona.classic``, which become the ``Course…`` optimiser with the same settings).

    Example:
        >>> get("adam")
        Adam(name='adam', learning_rate=0.001)
        >>> get("CourseNesterov").momentum
        0.9
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if callable(getattr(identifier, "as_optimizer", None)):  # neurona.classic's course rules
        return get(identifier.as_optimizer())
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise TypeError(
        f"optimizers.get: expected a name such as 'adam', a config dict or an "
        f"Optimizer, got {identifier!r} of type {type(identifier).__name__}."
    )
