"""Floor 5: ``Functional``, the model of the Functional API: ``Model(inputs, outputs)`` over the
graph that calling layers on ``Input`` tensors recorded. It keeps the layer calls (nodes) in
topological order and runs them on data, each layer once per node, so that one layer called on
two inputs (a shared layer) uses one set of weights and its gradients add up.

    inputs = Input((784,))
    h = Dense(64, activation="relu")(inputs)          # a Node: Dense on inputs
    outputs = Dense(10)(h)                             # a Node: Dense on h
    model = Model(inputs, outputs)                     # walks outputs → inputs
"""

from __future__ import annotations

from typing import Any

from neurona.layers import InputLayer, Layer
from neurona.layers._structure import flatten, map_structure, pack_like
from neurona.layers.symbolic import KerasTensor
from neurona.models.functional_config import functional_config, functional_from_config
from neurona.models.model import Model

__all__ = ["Functional"]


class Functional(Model):
    """A model defined by its symbolic inputs and outputs (Keras's Functional API).

    Args:
        inputs: a KerasTensor from ``layers.Input``, or a list or dict of them.
        outputs: KerasTensor(s) computed from ``inputs`` by calling layers: one, a list or a
            dict (whose keys then name the outputs for losses, metrics and logs).
        name: default 'functional', 'functional_1', …

    Example:
        >>> import numpy as np
        >>> from neurona import layers
        >>> a, b = layers.Input((3,), name="a"), layers.Input((2,), name="b")
        >>> merged = layers.Concatenate()([a, b])
        >>> model = Model([a, b], layers.Dense(1, name="score")(merged))
        >>> [layer.name for layer in model.layers][:2], model.output_shape
        (['a', 'b'], (None, 1))
        >>> model.predict({"a": np.ones((4, 3)), "b": np.ones((4, 2))}, verbose=0).shape
        (4, 1)
    """

    def __init__(
        self,
        inputs: Any,
        outputs: Any,
        name: str | None = None,
        trainable: bool = True,
        **kwargs: Any,
    ) -> None:
        Layer.__init__(self, name=name, **kwargs)
        self._reset_compile_state()
        self._input_structure = list(inputs) if isinstance(inputs, tuple) else inputs
        self._output_structure = list(outputs) if isinstance(outputs, tuple) else outputs
        self.inputs = flatten(self._input_structure)
        self.outputs = flatten(self._output_structure)
        for what, tensors in (("inputs", self.inputs), ("outputs", self.outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise TypeError(
                        f"Model: expected {what} to be symbolic tensors from "
                        f"layers.Input(...) and layer calls, got {type(t).__name__}. "
                        "Build the graph with layers.Input(shape) first."
                    )
        for t in self.inputs:
            if not isinstance(t._keras_history.operation, InputLayer):
                raise ValueError(
                    f"Model: every input must come straight from layers.Input, got "
                    f"{t.name!r} made by {t._keras_history.operation.name!r}."
                )
        nodes = _sorted_nodes(self.inputs, self.outputs)
        self._nodes = [node for node in nodes if not isinstance(node.layer, InputLayer)]
        self._input_layers = [t._keras_history.operation for t in self.inputs]
        seen: set = set()
        self._layers = [
            node.layer for node in nodes if not (id(node.layer) in seen or seen.add(id(node.layer)))
        ]
        names = [layer.name for layer in self._layers]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:  # Keras: "All operation names should be unique."
            raise ValueError(
                f"Model: expected every layer to have its own name, got {twice} used more than "
                "once. Pass a unique name= to each layer (or leave names to neurona)."
            )
        self._build_input_shape = self.input_shape
        self.built = True
        if not trainable:
            self.trainable = False

    # ----- structure ---------------------------------------------------------------------
    @property
    def layers(self) -> list[Layer]:
        """Every layer of the graph once, in Keras's order (by depth: deepest first)."""
        return list(self._layers)

    @property
    def input(self) -> Any:
        """The symbolic input(s), as given to the constructor."""
        return self._input_structure

    @property
    def output(self) -> Any:
        """The symbolic output(s), as given to the constructor."""
        return self._output_structure

    @property
    def input_shape(self) -> Any:
        """The input shape (batch axis None), a list for several inputs."""
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        """The output shape (batch axis None), a list for several outputs."""
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input_names(self) -> list[str]:
        """The names of the Input layers (the keys of a dict of input data)."""
        return [layer.name for layer in self._input_layers]

    @property
    def output_names(self) -> list[str]:
        """The outputs' names: the dict keys of ``outputs`` (sorted), else the names of the
        layers that make them (the keys of y, loss, metrics and logs)."""
        if isinstance(self._output_structure, dict):
            return sorted(self._output_structure)
        return [t._keras_history.operation.name for t in self.outputs]

    def _output_shapes(self) -> list:
        return [t.shape for t in self.outputs]

    def _known_output_names(self) -> list[str]:
        return self.output_names

    def _compiled_for(self, y_pred: Any) -> Any:
        if self.compiled_loss is None:
            self._build_compiled(self.output_names)
        return self.compiled_loss

    def _outputs_list(self, y_pred: Any) -> list:
        return flatten(y_pred) if len(self.outputs) > 1 else [y_pred]

    # ----- running the graph -------------------------------------------------------------
    def _flat_inputs(self, inputs: Any) -> list:
        """The data for each Input, in order: a dict by input name (or by the keys the model
        was built with), a list/tuple in order, or one array for a one-input model."""
        if len(self.inputs) == 1 and hasattr(inputs, "shape"):  # one array or tensor: the usual
            return [inputs]
        names = self.input_names
        if isinstance(inputs, dict):
            keys = (
                sorted(self._input_structure) if isinstance(self._input_structure, dict) else names
            )
            missing = [key for key in keys if key not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}': the input data has keys "
                    f"{sorted(inputs)}, but the model's inputs are {keys}; missing "
                    f"{missing}."
                )
            return [inputs[key] for key in keys]
        if isinstance(inputs, (list, tuple)) and len(self.inputs) > 1:
            if len(inputs) != len(self.inputs):
                raise ValueError(
                    f"Model '{self.name}' has {len(self.inputs)} inputs {names}, got "
                    f"a list of {len(inputs)} arrays. Pass one per input, in order."
                )
            return list(inputs)
        if len(self.inputs) > 1:
            raise ValueError(
                f"Model '{self.name}' has {len(self.inputs)} inputs {names}, got one "
                "array. Pass a list (in that order) or a dict by input name."
            )
        if (
            isinstance(inputs, (list, tuple))
            and len(inputs) == 1
            and not isinstance(inputs[0], (int, float))
        ):
            inputs = inputs[0]
        return [inputs]

    def _convert_inputs(self, inputs: Any) -> Any:
        """Data as it is: each Input layer converts its own to its dtype (a float64 or int32
        Input is not first cast to the model's float32)."""
        return inputs

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        """Run the graph: each Input takes its data, then each node its layer on the values of
        its arguments (``training`` reaches every layer through the call context)."""
        values: dict = {}
        for tensor, layer, data in zip(self.inputs, self._input_layers, self._flat_inputs(inputs)):
            values[id(tensor)] = layer(data)
        for node in self._nodes:
            args, kwargs = node.args, node.kwargs
            if len(args) == 1 and type(args[0]) is KerasTensor and not kwargs:
                out = node.layer(values[id(args[0])])
            else:

                def value(v: Any) -> Any:
                    return values[id(v)] if isinstance(v, KerasTensor) else v

                out = node.layer(*map_structure(value, args), **map_structure(value, kwargs))
            if len(node.output_tensors) == 1:
                values[id(node.output_tensors[0])] = out if type(out) is not list else out[0]
            else:
                for tensor, result in zip(node.output_tensors, flatten(out)):
                    values[id(tensor)] = result
        if type(self._output_structure) is KerasTensor:
            return values[id(self._output_structure)]
        return pack_like(self._output_structure, [values[id(t)] for t in self.outputs])

    # ----- config ------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras's functional config: every layer with its inbound nodes, and the names of the
        input and output layers (see ``neurona.models.functional_config``)."""
        return functional_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Functional:
        """The model rebuilt from ``get_config()``'s dict, with fresh weights."""
        inputs, outputs, name = functional_from_config(config, custom_objects)
        return cls(inputs, outputs, name=name, trainable=bool(config.get("trainable", True)))


def _sorted_nodes(inputs: list, outputs: list) -> list:
    """Every node between ``inputs`` and ``outputs`` (the Input layers' own nodes included) in
    Keras's order: by depth (the longest path to an output), deepest first, ties in depth-first
    order from the outputs. Each node comes after the nodes it reads from, and layers and
    weights come out listed as Keras lists them. An error names the first tensor that depends
    on something not in ``inputs``."""
    input_ids = {id(t) for t in inputs}
    post_order: list = []  # depth-first from the outputs: producers before consumers
    state: dict = {}  # id(node) → 1 while visiting, 2 when done
    for start in outputs:
        stack = [(_node_of(start), False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                state[id(node)] = 2
                post_order.append(node)
                continue
            if state.get(id(node)):
                continue
            state[id(node)] = 1
            stack.append((node, True))
            for t in reversed(node.input_tensors):  # the first input is visited first
                parent = _node_of(t)
                if id(t) not in input_ids and isinstance(parent.layer, InputLayer):
                    raise ValueError(
                        f"Model: graph disconnected: {t.name!r} comes from the "
                        f"Input {parent.layer.name!r}, which is not among the "
                        "model's inputs. Add it to inputs=[...]."
                    )
                if not state.get(id(parent)):
                    stack.append((parent, False))
    depth = {id(t): 0 for t in outputs}  # outputs 0; a tensor: one more than its consumers
    for node in reversed(post_order):  # every consumer before its producers
        here = max(depth.get(id(t), 0) for t in node.output_tensors)
        depth[id(node)] = here
        for t in node.input_tensors:
            depth[id(t)] = max(depth.get(id(t), 0), here + 1)
    position = {id(node): i for i, node in enumerate(post_order)}
    return sorted(post_order, key=lambda node: (-depth[id(node)], position[id(node)]))


def _node_of(tensor: KerasTensor) -> Any:
    history = tensor._keras_history
    if history is None:
        raise ValueError(f"Model: {tensor.name!r} was not made by a layer call on an Input.")
    return history.operation._inbound_nodes[history.node_index]
