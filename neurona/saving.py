"""Side package: Keras 3's ``keras.saving`` namespace. Registration
(``register_keras_serializable``, ``get_custom_objects``, ``custom_object_scope``), objects as
JSON-friendly dicts and back (``serialize_keras_object`` / ``deserialize_keras_object``) and the
model files (``save_model`` / ``load_model``). Loading looks classes up by name only; it never
runs code named in a file."""

from __future__ import annotations

from typing import Any

from neurona import activations, initializers, losses, metrics, optimizers, regularizers
from neurona.layers import Layer
from neurona.layers._naming import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from neurona.layers.serialization import ModelFileError, deserialize, serialize
from neurona.models import Model
from neurona.models.model_json import deserialize_model, serialize_model
from neurona.models.saving import load_model, save_model

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "register_keras_serializable",
    "save_model",
    "serialize_keras_object",
]

# the families serialize_keras_object handles, by base class and the module that holds them
_FAMILIES = [
    (losses.Loss, losses),
    (metrics.Metric, metrics),
    (optimizers.Optimizer, optimizers),
    (initializers.Initializer, initializers),
    (regularizers.Regularizer, regularizers),
]


def serialize_keras_object(obj: Any) -> Any:
    """``obj`` as Keras 3 serialises it: ``{"module", "class_name", "config",
    "registered_name"}`` for a layer, model, loss, metric, optimizer, initializer or
    regularizer (a model adds build_config and compile_config); ``{"class_name": "function",
    "config": name, ...}`` for a function; plain values, lists and dicts as they are (their
    items serialised).

    Raises:
        TypeError: an object with no config (a lambda, an array), saying what to do instead.

    Example:
        >>> from neurona import losses
        >>> entry = serialize_keras_object(losses.MeanSquaredError())
        >>> entry["class_name"], entry["config"]["reduction"], entry["registered_name"]
        ('MeanSquaredError', 'sum_over_batch_size', None)
    """
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if hasattr(obj, "item") and getattr(obj, "shape", None) == ():  # a NumPy scalar
        return obj.item()
    if isinstance(obj, Model):
        return serialize_model(obj)
    if isinstance(obj, Layer):
        return serialize(obj)
    if isinstance(obj, type) or not hasattr(obj, "get_config"):
        name = getattr(obj, "__name__", None)
        if callable(obj) and name and name != "<lambda>" and not isinstance(obj, type):
            return {
                "module": "builtins",
                "class_name": "function",
                "config": get_registered_name(obj),
                "registered_name": "function",
            }
        raise TypeError(
            f"serialize_keras_object: cannot serialise {obj!r} (a "
            f"{type(obj).__name__}): expected a layer, model, loss, metric, "
            "optimizer, initializer, regularizer, a named function or a plain "
            "value. Give a lambda a name with def, and register it."
        )
    cls = type(obj)
    registered = get_registered_name(cls)
    return {
        "module": cls.__module__,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": None if registered == cls.__name__ else registered,
    }


def deserialize_keras_object(config: Any, custom_objects: dict | None = None, **kwargs: Any) -> Any:
    """The object that :func:`serialize_keras_object` described, new (a layer or model with
    fresh weights). Classes and functions are looked up by name: ``custom_objects``, an open
    ``custom_object_scope``, the custom objects, then neurona's own (layers, models, losses,
    metrics, optimizers, initializers, regularizers, activations). Nothing is imported.

    Raises:
        ModelFileError (a ValueError): an unknown name, or a config its class rejects.

    Example:
        >>> from neurona import optimizers
        >>> adam = deserialize_keras_object(serialize_keras_object(optimizers.Adam(0.01)))
        >>> type(adam).__name__, adam.learning_rate
        ('Adam', 0.01)
    """
    where = "deserialize_keras_object"
    if config is None or isinstance(config, (str, bool, int, float)):
        return config
    if isinstance(config, list):
        return [deserialize_keras_object(item, custom_objects) for item in config]
    if not isinstance(config, dict):
        raise TypeError(
            f"{where}: expected a dict from serialize_keras_object, got {type(config).__name__}."
        )
    if "class_name" not in config or "config" not in config:  # a plain dict of entries
        return {
            key: deserialize_keras_object(value, custom_objects) for key, value in config.items()
        }
    if config["class_name"] == "function":
        return _lookup(config["config"], custom_objects, where, functions=True)
    cls = _lookup(
        config.get("registered_name") or config["class_name"],
        custom_objects,
        where,
        fallback=config["class_name"],
        module=str(config.get("module") or ""),
    )
    if isinstance(cls, type) and issubclass(cls, Model):
        return deserialize_model(
            config, {**(custom_objects or {}), config["class_name"]: cls}, where
        )
    if isinstance(cls, type) and issubclass(cls, Layer):
        return deserialize(config, custom_objects, _where=where)
    if not isinstance(config["config"], dict) or not hasattr(cls, "from_config"):
        raise ModelFileError(
            f"{where}: {config['class_name']!r} cannot be rebuilt from "
            f"{config['config']!r}; expected a class with from_config and a "
            "config dict."
        )
    try:
        return cls.from_config(dict(config["config"]))
    except (TypeError, ValueError) as error:
        raise ModelFileError(
            f"{where}: {cls.__name__}.from_config rejected the config ({error})."
        ) from None


def _lookup(
    name: Any,
    custom_objects: dict | None,
    where: str,
    functions: bool = False,
    fallback: str | None = None,
    module: str = "",
) -> Any:
    """A class (or, for ``functions``, a function) by name: the registries, then the built-in
    families, the one ``module`` names first ('keras.metrics': the metric MeanAbsoluteError,
    not the loss); a ModelFileError naming where to register it when nothing has that name."""
    families = sorted(
        _FAMILIES, key=lambda family: family[1].__name__.rsplit(".", 1)[-1] not in module.split(".")
    )
    for key in (name, fallback):
        obj = get_registered_object(key, custom_objects) if isinstance(key, str) else None
        if obj is not None:
            return obj
    if isinstance(name, str):
        for family in (
            [losses.ALL_OBJECTS_DICT, metrics.ALL_OBJECTS_DICT, activations.ALL_OBJECTS_DICT]
            if functions
            else [vars(family) for _, family in families]
        ):
            for key in (name, fallback):
                obj = family.get(key)
                if obj is not None and (
                    functions
                    or isinstance(obj, type)
                    and any(issubclass(obj, base) for base, _ in _FAMILIES)
                ):
                    return obj
    raise ModelFileError(
        f"{where}: no class or function is registered as {name!r}. Decorate "
        "it with @neurona.saving.register_keras_serializable(), or pass "
        f"custom_objects={{{name!r}: ...}}, or load inside "
        f"custom_object_scope({{{name!r}: ...}})."
    )
