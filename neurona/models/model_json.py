"""Floor 5: a whole model as one JSON-friendly dict (Keras 3's ``serialize_keras_object`` of a
model: module, class_name, config, registered_name, build_config, compile_config), as the JSON
text of ``model.to_json()``, and the way back (``model_from_json``), classes by name only."""

from __future__ import annotations

import json
from typing import Any

from neurona.layers._naming import get_registered_name
from neurona.models.serialization import ModelFileError, check_json, compile_config

__all__ = ["serialize_model", "deserialize_model", "model_from_json"]


def serialize_model(model: Any) -> dict:
    """``model`` as Keras 3 serialises it: module, class_name, config, registered_name, and,
    when they apply, build_config (the input shape a built model was built on) and
    compile_config (``model.get_compile_config()``).

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> entry = serialize_model(Sequential([layers.Input((3,)), layers.Dense(2)]))
        >>> sorted(entry), entry["class_name"]
        (['build_config', 'class_name', 'config', 'module', 'registered_name'], 'Sequential')
    """
    cls = type(model)
    registered = get_registered_name(cls)
    entry = {
        "module": cls.__module__,
        "class_name": cls.__name__,
        "config": model.get_config(),
        "registered_name": None if registered == cls.__name__ else registered,
    }
    shape = getattr(model, "_build_input_shape", None)
    if model.built and shape is not None:
        entry["build_config"] = {"input_shape": _as_lists(shape)}
    compiled = compile_config(model)
    if compiled is not None:
        entry["compile_config"] = compiled
    check_json(entry, f"model '{model.name}'", "entry")
    return entry


def _as_lists(shape: Any) -> Any:
    """Tuples (one shape, or a list of shapes) as lists, the way JSON writes them."""
    if isinstance(shape, (list, tuple)):
        return [_as_lists(d) for d in shape]
    return shape


def deserialize_model(
    entry: Any, custom_objects: dict | None = None, where: str = "deserialize_model"
) -> Any:
    """A new model (fresh weights) from :func:`serialize_model`'s dict: the class by name
    (``custom_objects``, an open ``custom_object_scope``, the registry), ``from_config``, built
    on ``build_config`` when the config alone does not build it, compiled when
    ``compile_config`` is there (as Keras's ``deserialize_keras_object``).

    Raises:
        ModelFileError (a ValueError): a malformed entry or an unknown class.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> deserialize_model(serialize_model(model)).get_config() == model.get_config()
        True
    """
    from neurona.models.loading import _build_from_config, _model_from_config
    from neurona.models.serialization import compile_from_config

    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("class_name"), str)
        or not isinstance(entry.get("config"), dict)
    ):
        raise ModelFileError(
            f"{where}: expected a model entry {{'class_name': str, 'config': "
            f"dict, ...}}, got {type(entry).__name__} "
            f"{sorted(entry) if isinstance(entry, dict) else ''}. Pass what "
            "model.to_json() or serialize_keras_object(model) wrote."
        )
    named = dict(entry, class_name=entry.get("registered_name") or entry["class_name"])
    model = _model_from_config(named, custom_objects, where)
    build = entry.get("build_config")
    if not model.built and isinstance(build, dict):
        _build_from_config(model, build, where)
    if isinstance(entry.get("compile_config"), dict):
        compile_from_config(model, entry["compile_config"], custom_objects, where)
    return model


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """The model that ``model.to_json()`` describes, with fresh weights (Keras's
    ``keras.models.model_from_json``). Runs no code from the text: classes are looked up by
    name in ``custom_objects``, an open ``custom_object_scope`` and the registry.

    Raises:
        ModelFileError (a ValueError): text that is not JSON or not a model entry, an unknown
            class.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> copy = model_from_json(model.to_json())
        >>> copy.get_config() == model.get_config(), copy.count_params()
        (True, 8)
    """
    where = "model_from_json"
    if not isinstance(json_string, (str, bytes, bytearray)):
        raise TypeError(
            f"{where}: expected the JSON text from model.to_json(), got "
            f"{type(json_string).__name__}. For a dict use "
            "neurona.saving.deserialize_keras_object."
        )
    try:
        entry = json.loads(json_string)
    except json.JSONDecodeError as error:
        raise ModelFileError(
            f"{where}: the text is not valid JSON ({error}). Pass what model.to_json() returned."
        ) from None
    return deserialize_model(entry, custom_objects, where)
