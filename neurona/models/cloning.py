"""Floor 5: ``clone_model``, Keras's copy of a model's architecture with new layers and fresh
(re-initialised) weights: a Sequential layer by layer, a Functional model by replaying its graph
on new inputs with a clone of every layer, a subclassed model from its config."""

from __future__ import annotations

import inspect
from typing import Any

from neurona.layers import Input, InputLayer
from neurona.layers._structure import flatten, map_structure, pack_like
from neurona.layers.symbolic import KerasTensor
from neurona.models.functional import Functional
from neurona.models.sequential import Sequential

__all__ = ["clone_model"]


def clone_model(
    model: Any,
    input_tensors: Any = None,
    clone_function: Any = None,
    call_function: Any = None,
    **kwargs: Any,
) -> Any:
    """A new model of the same architecture with new layers and freshly initialised weights
    (Keras's ``keras.models.clone_model``). A compiled model's clone is compiled the same way.

    Each layer is copied by ``clone_function(layer)``, by default
    ``layer.__class__.from_config(layer.get_config())``; a layer used twice is cloned once.
    A Functional model's calls are replayed on new ``Input``s (or ``input_tensors``) with
    ``call_function(layer, *args, **kwargs)``, by default ``layer(*args, **kwargs)``. A
    subclassed model is rebuilt from its config (its class's ``from_config(get_config())``).

    Args:
        model: a Sequential, Functional or subclassed ``Model``.
        input_tensors: symbolic inputs (from ``layers.Input``) to build the clone on, in the
            structure of ``model.input``; default new Inputs of the same shapes and names.
        clone_function: ``fn(layer) -> layer``; ``lambda layer: layer`` shares the layers.
        call_function: ``fn(layer, *args, **kwargs) -> outputs`` (Functional models only).

    Raises:
        ValueError: ``call_function`` for a Sequential, ``clone_function`` / ``input_tensors``
            / ``call_function`` for a subclassed model, or ``input_tensors`` of another
            structure.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> copy = clone_model(model)
        >>> copy.get_config() == model.get_config()
        True
        >>> bool((copy.get_weights()[0] == model.get_weights()[0]).all())
        False
    """
    cache = kwargs.pop("cache", None)
    if kwargs.pop("recursive", False):
        raise NotImplementedError(
            "clone_model: recursive=True is not supported; nested models "
            "are cloned by clone_function (from their config)."
        )
    if kwargs:
        raise ValueError(
            f"clone_model: unexpected keyword arguments {sorted(kwargs)}; "
            "expected input_tensors, clone_function, call_function."
        )
    for what, fn in (("clone_function", clone_function), ("call_function", call_function)):
        if fn is not None and not callable(fn):
            raise ValueError(f"clone_model: expected {what} to be a callable, got {fn!r}.")
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                f"clone_model: call_function is not supported for the Sequential "
                f"'{model.name}': its layers are listed, not called, when it is "
                "made. Use call_function with Functional models only."
            )
        clone = _clone_sequential(model, _cached(clone_function, cache), input_tensors)
    elif isinstance(model, Functional):
        clone = _clone_functional(
            model, _cached(clone_function, cache), input_tensors, call_function
        )
    else:
        if clone_function is not None or input_tensors is not None or call_function is not None:
            raise ValueError(
                f"clone_model: clone_function, input_tensors and call_function "
                f"work for Sequential and Functional models only, got the "
                f"subclassed {type(model).__name__} '{model.name}'. Clone it "
                "with clone_model(model) alone (from its config)."
            )
        from neurona.models.model_json import deserialize_model, serialize_model

        cls = type(model)
        return deserialize_model(serialize_model(model), {cls.__name__: cls}, "clone_model")
    if getattr(model, "compiled", False):
        clone.compile_from_config(model.get_compile_config())
    return clone


def _default_clone(layer: Any) -> Any:
    return layer.__class__.from_config(layer.get_config())


def _cached(clone_function: Any, cache: dict | None) -> Any:
    """``clone_function`` called once per layer (a shared layer stays shared in the clone)."""
    clone_function = clone_function or _default_clone
    cache = {} if cache is None else cache

    def clone(layer: Any) -> Any:
        if id(layer) not in cache:
            cache[id(layer)] = clone_function(layer)
        return cache[id(layer)]

    return clone


def _clone_sequential(model: Sequential, clone: Any, input_tensors: Any) -> Sequential:
    new_layers = [clone(layer) for layer in model.layers]
    source = model._input_layer
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError(
                    f"clone_model: a Sequential takes one input tensor, got {len(input_tensors)}."
                )
            input_tensors = input_tensors[0]
        history = getattr(input_tensors, "_keras_history", None)
        if (
            not isinstance(input_tensors, KerasTensor)
            or history is None
            or not isinstance(history.operation, InputLayer)
        ):
            raise ValueError(
                f"clone_model: expected input_tensors to be a KerasTensor from "
                f"layers.Input(...), got {input_tensors!r}."
            )
        new_layers = [history.operation, *new_layers]
    elif source is not None:
        new_layers = [
            Input(
                batch_shape=source.batch_shape, dtype=source.dtype, name=source.name
            )._keras_history.operation,
            *new_layers,
        ]
    elif model.built and model._build_input_shape is not None:
        new_layers = [
            Input(batch_shape=tuple(model._build_input_shape))._keras_history.operation,
            *new_layers,
        ]
    return Sequential(new_layers, name=model.name, trainable=model.trainable)


def _clone_functional(
    model: Functional, clone: Any, input_tensors: Any, call_function: Any
) -> Functional:
    if input_tensors is None:
        input_tensors = map_structure(
            lambda t: Input(
                batch_shape=t.shape, dtype=t.dtype, name=t._keras_history.operation.name
            ),
            model.input,
        )
    new_inputs = flatten(input_tensors)
    if len(new_inputs) != len(model.inputs) or not all(
        isinstance(t, KerasTensor) for t in new_inputs
    ):
        raise ValueError(
            f"clone_model: expected input_tensors with the structure of "
            f"model.input ({len(model.inputs)} KerasTensors from layers.Input), "
            f"got {input_tensors!r}."
        )
    values = {id(old): new for old, new in zip(model.inputs, new_inputs)}

    def value(v: Any) -> Any:
        return values[id(v)] if isinstance(v, KerasTensor) else v

    for node in model._nodes:  # in an order where every call's inputs exist
        layer = clone(node.layer)
        args, kwargs = map_structure(value, list(node.args)), map_structure(value, node.kwargs)
        out = (
            call_function(layer, *args, **kwargs)
            if call_function is not None
            else layer(*args, **kwargs)
        )
        results = flatten(out)
        for old, new in zip(node.output_tensors, results):
            values[id(old)] = new
    structure = model._output_structure
    outputs = (
        values[id(structure)]
        if isinstance(structure, KerasTensor)
        else pack_like(structure, [values[id(t)] for t in model.outputs])
    )
    cls = type(model)
    if cls is not Functional and _functional_like(cls):
        return cls(input_tensors, outputs, name=model.name)
    return Functional(input_tensors, outputs, name=model.name, trainable=model.trainable)


def _functional_like(cls: type) -> bool:
    """Keras's test: the class's constructor takes (inputs, outputs) first."""
    names = list(inspect.signature(cls.__init__).parameters)[1:3]
    return names == ["inputs", "outputs"]
