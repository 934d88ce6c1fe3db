"""Floor 4: names of layers — Keras's automatic unique names ('dense', 'dense_1', …) and the
registry of layer classes by name, which saving uses to rebuild models without running code
from the file."""

from __future__ import annotations

import re
from collections import defaultdict

from neurona.errors import did_you_mean

__all__ = ["snake_case", "unique_name", "reset_layer_names", "register_layer",
           "get_layer_class"]

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
    raise ValueError(f"get_layer_class: no layer class is registered as {name!r}.{hint} Custom "
                     "layers must be registered with @neurona.layers.register_layer before "
                     "loading a model that uses them.")


