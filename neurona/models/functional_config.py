"""Floor 5: a Functional model as Keras 3 writes its config, and back. Each layer is listed with
its ``inbound_nodes``: the arguments of each of its calls, where a symbolic tensor is written
``{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history": [layer name,
node index, tensor index]}}``. Rebuilding creates every layer from the registry (no code from
the file runs), then replays the calls in an order where each call's inputs exist."""

from __future__ import annotations

from typing import Any

from neurona.layers import InputLayer
from neurona.layers._structure import map_structure
from neurona.layers.symbolic import KerasTensor
from neurona.models.serialization import ModelFileError, deserialize_layer, serialize_layer

__all__ = ["functional_config", "functional_from_config"]

_TENSOR = "__keras_tensor__"


def functional_config(model: Any) -> dict:
    """The config dict of a Functional ``model`` (Keras's format).

    Example:
        >>> from neurona import layers, models
        >>> x = layers.Input((3,), name="x")
        >>> model = models.Model(x, layers.Dense(2, name="out")(x))
        >>> config = functional_config(model)
        >>> [entry["name"] for entry in config["layers"]], config["output_layers"]
        (['x', 'out'], [['out', 0, 0]])
    """
    nodes_of: dict = {}  # id(layer) → this model's nodes of that layer, in call order
    for layer in model.layers:
        if isinstance(layer, InputLayer):
            nodes_of[id(layer)] = [layer._inbound_nodes[0]]
    for node in model._nodes:
        nodes_of.setdefault(id(node.layer), []).append(node)

    def local(history: Any) -> list:
        layer, index = history.operation, history.node_index
        node = layer._inbound_nodes[index]
        return [layer.name, nodes_of[id(layer)].index(node), history.tensor_index]

    def encode(value: Any) -> Any:
        if isinstance(value, KerasTensor):
            return {
                "class_name": _TENSOR,
                "config": {
                    "shape": list(value.shape),
                    "dtype": value.dtype,
                    "keras_history": local(value._keras_history),
                },
            }
        return value

    entries = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = (
            []
            if isinstance(layer, InputLayer)
            else [
                {
                    "args": map_structure(encode, list(node.args)),
                    "kwargs": map_structure(encode, dict(node.kwargs)),
                }
                for node in nodes_of[id(layer)]
            ]
        )
        entries.append(entry)

    def refs(structure: Any) -> Any:
        if isinstance(structure, dict):
            return {key: local(value._keras_history) for key, value in structure.items()}
        if isinstance(structure, list):
            return [local(t._keras_history) for t in structure]
        return [local(structure._keras_history)]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": entries,
        "input_layers": refs(model._input_structure),
        "output_layers": refs(model._output_structure),
    }


def functional_from_config(config: dict, custom_objects: dict | None = None) -> tuple:
    """(inputs, outputs, name) rebuilt from :func:`functional_config`'s dict: every layer from
    the registry, then every call replayed once its inputs exist.

    Example:
        >>> from neurona import layers, models
        >>> x = layers.Input((3,), name="x")
        >>> config = functional_config(models.Model(x, layers.Dense(2, name="out")(x)))
        >>> inputs, outputs, name = functional_from_config(config)
        >>> inputs.shape, outputs.shape, outputs._keras_history.operation.name
        ((None, 3), (None, 2), 'out')
    """
    where = "Model.from_config"
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ModelFileError(
            f"{where}: expected a dict with a 'layers' list (from "
            f"get_config()), got {type(config).__name__}."
        )
    layers, pending = {}, []
    for i, entry in enumerate(config["layers"]):
        layer = deserialize_layer(entry, custom_objects, f"{where}: layer {i}")
        name = entry.get("name", layer.name)
        if name in layers:
            raise ModelFileError(f"{where}: two layers are named {name!r}.")
        layers[name] = layer
        nodes = entry.get("inbound_nodes", [])
        if not isinstance(nodes, list):
            raise ModelFileError(
                f"{where}: layer {name!r} has inbound_nodes of type "
                f"{type(nodes).__name__}, expected a list."
            )
        pending += [(name, node) for node in nodes]
    made: dict = {}  # (layer name, node index) → output tensors
    for name, layer in layers.items():
        if isinstance(layer, InputLayer):
            made[(name, 0)] = [layer._input_tensor]
    counts: dict = {}
    while pending:
        progress = False
        for item in list(pending):
            name, node = item
            try:
                args = _decode(node.get("args", []), made)
                kwargs = _decode(node.get("kwargs", {}), made)
            except KeyError:
                continue  # an input of this call is not made yet
            except (TypeError, AttributeError):
                raise ModelFileError(
                    f"{where}: layer {name!r} has a malformed inbound node {node!r}."
                ) from None
            outputs = layers[name](*args, **kwargs)
            index = counts.get(name, 0)
            counts[name] = index + 1
            made[(name, index)] = _flat(outputs)
            pending.remove(item)
            progress = True
        if not progress:
            raise ModelFileError(
                f"{where}: the graph cannot be rebuilt; the calls of "
                f"{sorted({name for name, _ in pending})} read tensors that no "
                "layer makes. The config was altered."
            )
    inputs = _refs(config.get("input_layers"), made, where)
    outputs = _refs(config.get("output_layers"), made, where)
    return inputs, outputs, config.get("name")


def _flat(outputs: Any) -> list:
    from neurona.layers._structure import flatten

    return flatten(outputs)


def _decode(value: Any, made: dict) -> Any:
    if isinstance(value, dict) and value.get("class_name") == _TENSOR:
        name, node_index, tensor_index = value["config"]["keras_history"]
        return made[(name, node_index)][tensor_index]
    if isinstance(value, dict):
        return {key: _decode(item, made) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item, made) for item in value]
    return value


def _refs(value: Any, made: dict, where: str) -> Any:
    try:
        if isinstance(value, dict):
            return {key: made[(ref[0], ref[1])][ref[2]] for key, ref in value.items()}
        tensors = [made[(ref[0], ref[1])][ref[2]] for ref in value]
    except (KeyError, IndexError, TypeError):
        raise ModelFileError(
            f"{where}: input_layers/output_layers {value!r} name tensors that "
            "the layers do not make. The config was altered."
        ) from None
    return tensors[0] if len(tensors) == 1 else tensors
