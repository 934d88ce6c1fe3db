"""Floor 4: names of layers — Keras's automatic unique names ('dense', 'dense_1', …) and the
registry of layer classes by name, which saving uses to rebuild models without running code
from the file."""

from __future__ import annotations

import re
from collections import defaultdict

from neurona.backend import on_clear_session
from neurona.errors import did_you_mean

__all__ = ["snake_case", "unique_name", "reset_layer_names", "register_layer", "get_layer_class"]

_NAME_COUNTS: defaultdict[str, int] = defaultdict(int)
_REGISTRY: dict[str, type] = {}


def snake_case(name: str) -> str:
    """Keras's rule (keras.src.utils.naming.to_snake_case): 'LeakyReLU' → 'leaky_re_lu'.

    Example:
        >>> snake_case("LeakyReLU"), snake_case("BatchNormalization")
        ('leaky_re_lu', 'batch_normalization')
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix: str) -> str:
    """'dense', then 'dense_1', 'dense_2' … (Keras's uniquify; explicit names do not count).

    Example:
        >>> reset_layer_names(); unique_name("dense"), unique_name("dense")
        ('dense', 'dense_1')
    """
    count = _NAME_COUNTS[prefix]
    _NAME_COUNTS[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


@on_clear_session
def reset_layer_names() -> None:
    """Restart automatic names at 'dense', 'dense_1' … (what ``keras.backend.clear_session``
    does to names).

    Example:
        >>> reset_layer_names(); unique_name("layer")
        'layer'
    """
    _NAME_COUNTS.clear()


def register_layer(cls: type | None = None, name: str | None = None):
    """Register a custom layer class by name, so that saved models can rebuild it.

    Loading never imports or runs code from a file: it only looks names up here. Use as a
    decorator, ``@register_layer`` or ``@register_layer(name="MyDense")``.

    Example:
        >>> from neurona.layers import Layer
        >>> @register_layer
        ... class Double(Layer):
        ...     def call(self, x):
        ...         return x * 2.0
        >>> get_layer_class("Double") is Double
        True
    """

    def add(c: type) -> type:
        from neurona.layers.layer import Layer

        if not (isinstance(c, type) and issubclass(c, Layer)):
            raise TypeError(f"register_layer: expected a subclass of Layer, got {c!r}.")
        _REGISTRY[name or c.__name__] = c
        return c

    return add if cls is None else add(cls)


def get_layer_class(name: str) -> type:
    """The layer class registered under ``name`` (built-in layers are registered already).

    Example:
        >>> get_layer_class("Layer").__name__
        'Layer'
    """
    if name in _REGISTRY:
        return _REGISTRY[name]
    hint = did_you_mean(name, _REGISTRY)
    raise ValueError(
        f"get_layer_class: no layer class is registered as {name!r}.{hint} Custom "
        "layers must be registered with @neurona.layers.register_layer before "
        "loading a model that uses them."
    )


# ----- Keras 3's registration API (keras.saving.register_keras_serializable & co.) -------------
_CUSTOM_OBJECTS: dict[str, object] = {}


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Register a custom class or function as ``'package>name'`` so that saved models find it.

    Keras 3's decorator (``keras.saving.register_keras_serializable``). A ``Layer`` subclass
    joins the layer registry (``get_layer_class``); anything else (a loss, a metric, an
    activation function, an optimiser) joins the custom objects that ``load_model`` consults.
    Loading looks names up here and never runs code stored in a file.

    Args:
        package: the prefix, default 'Custom' (Keras's default).
        name: default the object's ``__name__``.

    Example:
        >>> from neurona.layers import Layer
        >>> @register_keras_serializable(package="Course")
        ... class Halve(Layer):
        ...     def call(self, x):
        ...         return x * 0.5
        >>> get_registered_name(Halve), get_layer_class("Course>Halve") is Halve
        ('Course>Halve', True)
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(
            f"register_keras_serializable: expected package to be a string without "
            f"'>', got {package!r}."
        )

    def add(obj: object) -> object:
        from neurona.layers.layer import Layer

        key = f"{package}>{name or getattr(obj, '__name__', '')}"
        if isinstance(obj, type) and issubclass(obj, Layer):
            _REGISTRY[key] = obj
            _CUSTOM_OBJECTS[key] = obj  # get_custom_objects() lists every registration (Keras)
        elif callable(obj):
            _CUSTOM_OBJECTS[key] = obj
        else:
            raise TypeError(
                f"register_keras_serializable: expected a class or a function, got {obj!r}."
            )
        return obj

    return add


def get_registered_name(obj: object) -> str:
    """The name ``obj`` is registered under ('Custom>MyLayer', 'Dense'), else its ``__name__``.

    Example:
        >>> from neurona.layers import Dense
        >>> get_registered_name(Dense)
        'Dense'
    """
    keys = [
        key
        for registry in (_REGISTRY, _CUSTOM_OBJECTS)
        for key, value in registry.items()
        if value is obj
    ]
    keys.sort(key=lambda key: ">" not in key)  # an explicit 'package>name' wins
    return keys[0] if keys else getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name: str, custom_objects: dict | None = None) -> object | None:
    """The object registered as ``name``: ``custom_objects`` first, then the open
    ``custom_object_scope`` dicts (innermost first), then the custom objects
    (``get_custom_objects()``), then the layer classes; None when nothing has that name (as
    Keras).

    Example:
        >>> get_registered_object("Dense").__name__, get_registered_object("nothing") is None
        ('Dense', True)
    """
    for registry in (custom_objects or {}, *reversed(_SCOPES), _CUSTOM_OBJECTS, _REGISTRY):
        if name in registry:
            return registry[name]
    return None


def get_custom_objects() -> dict:
    """The global dict of custom objects (Keras's ``keras.saving.get_custom_objects``): every
    ``register_keras_serializable`` registration, and whatever you add to it yourself. Loading
    looks names up in it.

    Example:
        >>> def triple(x):
        ...     return x * 3
        >>> get_custom_objects()["triple"] = triple
        >>> get_registered_object("triple") is triple
        True
        >>> del get_custom_objects()["triple"]
    """
    return _CUSTOM_OBJECTS


class custom_object_scope:  # noqa: N801  (Keras's name)
    """A context manager (Keras's ``keras.saving.custom_object_scope``): inside the ``with``,
    the names in the given dicts resolve while loading (``load_model``, ``from_config``,
    ``deserialize``); on exit they are gone again. Scopes nest; the innermost wins.

    Args:
        *custom_objects: dicts of name → class or function.

    Example:
        >>> from neurona.layers import Dense
        >>> with custom_object_scope({"MyDense": Dense}):
        ...     get_registered_object("MyDense") is Dense
        True
        >>> get_registered_object("MyDense") is None
        True
    """

    def __init__(self, *custom_objects: dict | None) -> None:
        merged: dict = {}
        for objects in custom_objects:
            if objects is None:
                continue
            if not isinstance(objects, dict):
                raise TypeError(
                    f"custom_object_scope: expected dicts of name → class or "
                    f"function, got {objects!r}. Write custom_object_scope("
                    "{'MyLayer': MyLayer})."
                )
            merged.update(objects)
        self.custom_objects = merged

    def __enter__(self) -> custom_object_scope:
        _SCOPES.append(self.custom_objects)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for i in range(len(_SCOPES) - 1, -1, -1):  # this scope's entry, even if out of order
            if _SCOPES[i] is self.custom_objects:
                del _SCOPES[i]
                break


CustomObjectScope = custom_object_scope  # Keras's other spelling
_SCOPES: list[dict] = []  # the open custom_object_scope dicts, outermost first

__all__ += [
    "register_keras_serializable",
    "get_registered_name",
    "get_registered_object",
    "get_custom_objects",
    "custom_object_scope",
    "CustomObjectScope",
]
