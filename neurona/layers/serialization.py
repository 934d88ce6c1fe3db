"""Floor 4: a layer as a JSON-friendly dict and back (Keras's ``keras.layers.serialize`` and
``keras.layers.deserialize``): its registered class name and config; loading looks classes up
by name only, never importing or running code named in a config."""

from __future__ import annotations

import inspect
import json
import warnings
from typing import Any

from neurona.layers._naming import get_layer_class, get_registered_name, get_registered_object
from neurona.layers.input import InputLayer
from neurona.layers.layer import Layer

__all__ = ["ModelFileError", "serialize", "deserialize", "check_json"]


class ModelFileError(ValueError):
    """A model file (or config) that neurona cannot read: not a zip, truncated, tampered with,
    from another library, or naming classes that are not registered. A ``ValueError``.

    Example:
        >>> issubclass(ModelFileError, ValueError)
        True
    """


def serialize(layer: Layer, *, _stacklevel: int = 2) -> dict:
    """A layer as Keras 3 writes it: module, class_name, config, registered_name, build_config.

    ``class_name`` is the class's ``__name__``; ``registered_name`` is the name it is registered
    under when that differs ('Custom>MyLayer' from ``register_keras_serializable``), and loading
    looks that one up first. A class that is not registered is written anyway, with a warning:
    it must come back through ``custom_objects``.

    Example:
        >>> from neurona import layers
        >>> entry = serialize(layers.Dense(2, name="out"))
        >>> entry["class_name"], entry["config"]["units"], "build_config" in entry
        ('Dense', 2, False)
    """
    if not isinstance(layer, Layer):
        raise TypeError(
            f"layers.serialize: expected a Layer, got {layer!r}. Losses, "
            "optimizers and the like go through "
            "neurona.saving.serialize_keras_object."
        )
    cls = type(layer)
    registered = get_registered_name(cls)
    if get_registered_object(registered) is not cls:
        warnings.warn(
            f"{cls.__name__} '{layer.name}': the class is not registered, so "
            f"load_model will need custom_objects={{{cls.__name__!r}: "
            f"{cls.__name__}}}. Decorate it with @register_keras_serializable() to "
            "load it by name.",
            UserWarning,
            stacklevel=_stacklevel + 1,
        )
    entry = {
        "module": cls.__module__,
        "class_name": cls.__name__,
        "config": layer.get_config(),
        "registered_name": None if registered == cls.__name__ else registered,
    }
    shape = getattr(layer, "_build_input_shape", None)
    if layer.built and shape is not None and not isinstance(layer, InputLayer):
        entry["build_config"] = {"input_shape": list(shape)}
    check_json(entry["config"], f"{cls.__name__} '{layer.name}'")
    return entry


def deserialize(
    config: Any, custom_objects: dict | None = None, *, _where: str = "layers.deserialize"
) -> Layer:
    """A new, unbuilt layer from :func:`serialize`'s dict: the class comes from
    ``custom_objects``, an open ``custom_object_scope``, the custom objects or the layer
    registry, then ``cls.from_config(config)``.

    Raises:
        ModelFileError (a ValueError): a malformed entry, an unknown class, or a config the
            class rejects.

    Example:
        >>> from neurona import layers
        >>> layer = deserialize(serialize(layers.Dense(2, activation="relu")))
        >>> type(layer).__name__, layer.units, layer.built
        ('Dense', 2, False)
    """
    where, entry = _where, config
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("class_name"), str)
        or not isinstance(entry.get("config"), dict)
    ):
        raise ModelFileError(
            f"{where}: expected a layer entry {{'class_name': str, 'config': "
            f"dict, ...}}, got {_short(entry)}. The file was not written by "
            "neurona or was edited by hand."
        )
    name = entry.get("registered_name") or entry["class_name"]
    cls = get_registered_object(name, custom_objects)
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        cls = get_registered_object(entry["class_name"], custom_objects)
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        try:
            cls = get_layer_class(name)
        except ValueError as error:
            raise ModelFileError(
                f"{where}: {error} Or pass custom_objects={{{name!r}: TheClass}}}} to load_model."
            ) from None
    takes = "custom_objects" in inspect.signature(cls.from_config).parameters  # models do
    try:
        return cls.from_config(
            dict(entry["config"]), **({"custom_objects": custom_objects} if takes else {})
        )
    except ModelFileError:
        raise
    except (TypeError, ValueError) as error:
        raise ModelFileError(
            f"{where}: {cls.__name__}.from_config rejected the saved config "
            f"({error}). The file does not match this version of the layer; "
            "re-save it or fix the config."
        ) from None


def check_json(value: Any, where: str, path: str = "config") -> None:
    """Raise a clear TypeError when ``value`` holds something JSON cannot store (a function, a
    constraint, an array), naming the key: configs are saved as JSON, never pickled.

    Example:
        >>> check_json({"units": 3, "shape": (None, 2)}, "Dense 'd'")  # fine: returns None
        >>> try:
        ...     check_json({"kernel_constraint": abs}, "Dense 'd'")
        ... except TypeError as error:
        ...     print(str(error)[:51])
        Dense 'd': config['kernel_constraint'] is <built-in
    """
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"{where}: {path} has a non-string key {key!r}; JSON keys must be strings."
                )
            check_json(item, where, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            check_json(item, where, f"{path}[{i}]")
    elif value is not None and not isinstance(value, (str, bool, int, float)):
        raise TypeError(
            f"{where}: {path} is {value!r} (a "
            f"{type(value).__name__}), which cannot be saved as JSON. Use a "
            "registered name or a serialisable object (one with get_config), or "
            "leave it at None."
        )


def _short(value: Any) -> str:
    text = json.dumps(value, default=repr) if not isinstance(value, str) else repr(value)
    return text if len(text) < 120 else text[:117] + "..."
