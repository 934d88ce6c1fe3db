"""Floor 5: ``summary``, Keras's table of a model: each layer (type), its output shape and its
number of parameters, then the totals."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["summary"]


def _count(weights: list) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def _shape_text(layer: Any) -> str:
    try:
        shape = layer.output_shape
    except Exception:  # noqa: BLE001 - a layer that cannot say its shape yet
        shape = None
    return "?" if shape is None else str(tuple(shape))


def summary(model: Any, line_length: int | None = None, print_fn: Any = None) -> None:
    """Print ``model``'s layers as a table, as Keras's ``model.summary()``.

    Param # of a layer is the number of scalars in its weights (Dense: d_in·units + units).
    Unbuilt layers show '?' for the shape and 0 parameters.

    Args:
        model: a model with ``name``, ``layers``, ``trainable_weights`` and ``weights``.
        line_length: the table's width (default 65).
        print_fn: called with each line (default ``print``).

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((2,)), layers.Dense(3, name="hidden")])
        >>> summary(model)  # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
        Model: "..."
        _________________________________________________________________
         Layer (type)                Output Shape              Param #
        =================================================================
         hidden (Dense)              (None, 3)                 9
        =================================================================
        Total params: 9
        Trainable params: 9
        Non-trainable params: 0
        _________________________________________________________________
    """
    print_fn = print if print_fn is None else print_fn
    width = line_length or 65
    columns = (0, int(width * 0.45), int(width * 0.85))

    def row(cells: tuple) -> str:
        line = ""
        for cell, start in zip(cells, columns):
            line = line.ljust(start) + " " + str(cell)
        return line.rstrip()

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * width)
    print_fn(row(("Layer (type)", "Output Shape", "Param #")))
    print_fn("=" * width)
    for layer in model.layers:
        params = _count(layer.weights) if layer.built else 0
        print_fn(row((f"{layer.name} ({type(layer).__name__})", _shape_text(layer), f"{params:,}")))
    print_fn("=" * width)
    total, trainable = _count(model.weights), _count(model.trainable_weights)
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * width)
