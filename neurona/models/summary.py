"""Floor 5: ``summary``, Keras's table of a model: each layer (type), its output shape and its
number of parameters, then the totals; for a graph that is not a plain chain, each layer call's
"Connected to" column (``layer[node][tensor]`` of each input, as Keras writes it)."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["summary"]


def _count(weights: list) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def _shape_text(layer: Any, node: Any = None) -> str:
    """The output shape of one call (the node's symbolic outputs), else the layer's own."""
    if node is None and getattr(layer, "_inbound_nodes", None):
        node = layer._inbound_nodes[-1]
    if node is not None:
        shapes = [t.shape for t in node.output_tensors]
        return str(shapes[0]) if len(shapes) == 1 else str(shapes)
    try:
        shape = layer.output_shape
    except Exception:  # noqa: BLE001 - a layer that cannot say its shape yet
        shape = None
    return "?" if shape is None else str(tuple(shape))


def _rows(model: Any) -> tuple[list, bool]:
    """(layer, node) per row, and whether the graph needs a "Connected to" column (a layer
    with several inputs or calls, or a model with several inputs or outputs)."""
    nodes = getattr(model, "_nodes", None)
    if nodes is None:  # Sequential and subclassed models: one row per layer
        return [(layer, None) for layer in model.layers], False
    rows = [(layer, layer._inbound_nodes[0]) for layer in model._input_layers]
    rows += [(node.layer, node) for node in nodes]
    graph = (
        len(model.inputs) > 1
        or len(model.outputs) > 1
        or any(len(node.input_tensors) != 1 for node in nodes)
        or len({id(n.layer) for n in nodes}) < len(nodes)
    )
    if not graph:  # a chain: is each node fed by the one before it?
        previous = model.inputs[0]
        for node in nodes:
            if node.input_tensors[0] is not previous:
                graph = True
                break
            previous = node.output_tensors[0]
    return rows, graph


def _connections(node: Any) -> str:
    if node is None or not node.input_tensors:
        return "-"
    parts = []
    for t in node.input_tensors:
        layer, index, i = t._keras_history
        parts.append(f"{layer.name}[{index}][{i}]")
    return ", ".join(parts)


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
    rows, graph = _rows(model)
    width = line_length or (98 if graph else 65)
    columns = (
        (0, int(width * 0.33), int(width * 0.58), int(width * 0.7))
        if graph
        else (0, int(width * 0.45), int(width * 0.85))
    )

    def row(cells: tuple) -> str:
        line = ""
        for cell, start in zip(cells, columns):
            line = line.ljust(start) + " " + str(cell)
        return line.rstrip()

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * width)
    header = ("Layer (type)", "Output Shape", "Param #")
    print_fn(row((*header, "Connected to") if graph else header))
    print_fn("=" * width)
    for layer, node in rows:
        params = _count(layer.weights) if layer.built else 0
        cells = (f"{layer.name} ({type(layer).__name__})", _shape_text(layer, node), f"{params:,}")
        print_fn(row((*cells, _connections(node)) if graph else cells))
    print_fn("=" * width)
    total, trainable = _count(model.weights), _count(model.trainable_weights)
    print_fn(f"Total params: {total:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {total - trainable:,}")
    print_fn("_" * width)
