"""Floor 4: the Functional API's symbolic tensors. ``Input(shape)`` gives a ``KerasTensor`` (a
shape and a dtype, no numbers); calling a layer on KerasTensors records a ``Node`` (the layer,
its arguments, its outputs) instead of computing, so that ``Model(inputs, outputs)`` can later
walk the graph from the outputs back to the inputs and run it on data.

The output shape comes from the layer's ``compute_output_shape`` when its class writes one, else
from running ``call`` once on a small batch of zeros (twice when a non-batch axis is free, to see
which output axes follow it)."""

from __future__ import annotations

import itertools
from collections import namedtuple
from typing import Any

import numpy as np

from neurona.autodiff import no_grad
from neurona.backend import on_clear_session
from neurona.layers._context import check_allocation
from neurona.layers._structure import flatten, map_structure

__all__ = [
    "first_node",
    "KerasTensor",
    "KerasHistory",
    "Node",
    "is_symbolic",
    "output_spec",
    "symbolic_call",
]

KerasHistory = namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])
_NAMES = itertools.count()


@on_clear_session
def _restart_names() -> None:
    global _NAMES
    _NAMES = itertools.count()


class KerasTensor:
    """A symbolic tensor: what a layer will receive, without the numbers.

    Args:
        shape: the full shape, batch axis first (None where any size is allowed).
        dtype: the dtype's name, default 'float32'.
        name: default 'keras_tensor', 'keras_tensor_1', …

    ``_keras_history`` = (layer, node index, output index) names the layer call that made it.

    Example:
        >>> from neurona import layers
        >>> x = layers.Input((784,), name="pixels")
        >>> x.shape, x.dtype, x.name, x.ndim
        ((None, 784), 'float32', 'pixels', 2)
        >>> layers.Dense(10)(x).shape
        (None, 10)
    """

    def __init__(self, shape: Any, dtype: Any = "float32", name: str | None = None) -> None:
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = np.dtype(dtype).name
        if name is None:  # named Inputs do not use up a number (as in Keras)
            count = next(_NAMES)
            name = "keras_tensor" if count == 0 else f"keras_tensor_{count}"
        self.name = name
        self._keras_history: KerasHistory | None = None

    @property
    def ndim(self) -> int:
        """The number of axes, batch included."""
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            f"KerasTensor {self.name!r} is symbolic (shape {self.shape}): it has no "
            "values. Build a Model(inputs, outputs) and call it on data, or use "
            "neurona.functional on real tensors."
        )

    def __bool__(self) -> bool:
        raise TypeError(
            f"KerasTensor {self.name!r} is symbolic: its truth value is unknown "
            "until the model runs on data. Move the condition into a layer's call."
        )

    __hash__ = object.__hash__

    # ----- operators: each records a small layer (neurona.layers.operation) -----------------
    def _op(self, name: str, *args: Any, **params: Any) -> KerasTensor:
        from neurona.layers.operation import Operation

        return Operation(name, **params)(self, *args)

    def __getitem__(self, key: Any) -> KerasTensor:
        return self._op("getitem", key=key)


def _operator(name: str) -> Any:
    def method(self: KerasTensor, *args: Any) -> KerasTensor:
        return self._op(name, *args)

    method.__name__ = name
    method.__doc__ = f"Record ``{name}`` on the symbolic tensor (an Operation layer)."
    return method


for _dunder, _name in {
    "__add__": "add",
    "__radd__": "radd",
    "__sub__": "sub",
    "__rsub__": "rsub",
    "__mul__": "mul",
    "__rmul__": "rmul",
    "__truediv__": "div",
    "__rtruediv__": "rdiv",
    "__pow__": "pow",
    "__matmul__": "matmul",
    "__neg__": "neg",
    "__abs__": "abs",
}.items():
    setattr(KerasTensor, _dunder, _operator(_name))


def is_symbolic(args: Any, kwargs: dict | None = None) -> bool:
    """True when any leaf of ``args`` (or ``kwargs``) is a KerasTensor.

    Example:
        >>> is_symbolic((np.ones(2),)), is_symbolic(([KerasTensor((None, 2))],))
        (False, True)
    """
    for leaf in flatten(args):
        if isinstance(leaf, KerasTensor):
            return True
    return bool(kwargs) and any(isinstance(v, KerasTensor) for v in flatten(kwargs))


class Node:
    """One call of a layer in a graph: ``outputs = layer(*args, **kwargs)`` on KerasTensors.

    Example:
        >>> from neurona import layers
        >>> x = layers.Input((3,)); dense = layers.Dense(2); y = dense(x)
        >>> node = dense._inbound_nodes[0]
        >>> node.layer is dense, node.input_tensors == [x], node.output_tensors == [y]
        (True, True, True)
    """

    def __init__(self, layer: Any, args: tuple, kwargs: dict, outputs: Any) -> None:
        self.layer, self.args, self.kwargs, self.outputs = layer, args, kwargs, outputs
        self.input_tensors = [t for t in flatten((args, kwargs)) if isinstance(t, KerasTensor)]
        self.output_tensors = flatten(outputs)
        index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, tensor in enumerate(self.output_tensors):
            tensor._keras_history = KerasHistory(layer, index, i)

    @property
    def parent_nodes(self) -> list[Node]:
        """The nodes that made this node's inputs."""
        return [
            t._keras_history.operation._inbound_nodes[t._keras_history.node_index]
            for t in self.input_tensors
            if t._keras_history is not None
        ]


def first_node(layer: Any, what: str) -> Node:
    """The layer's first call on symbolic tensors (what ``layer.input`` / ``layer.output``
    read), or the AttributeError saying it has had none.

    Example:
        >>> from neurona import layers
        >>> dense = layers.Dense(2); y = dense(KerasTensor((None, 3)))
        >>> first_node(dense, "output").outputs is y
        True
    """
    if not layer._inbound_nodes:
        raise AttributeError(
            f"{type(layer).__name__} '{layer.name}' has no {what} yet: it has "
            "not been called on a symbolic tensor (layers.Input). Use it in "
            "a functional model first."
        )
    return layer._inbound_nodes[0]


def _as_shape_tensors(shape: Any, dtype: str) -> Any:
    """compute_output_shape's answer (a shape, or a list/dict of shapes) as KerasTensors."""
    if isinstance(shape, dict):
        return {key: _as_shape_tensors(value, dtype) for key, value in shape.items()}
    if (
        isinstance(shape, (list, tuple))
        and shape
        and all(isinstance(s, (list, tuple)) for s in shape)
    ):
        return [_as_shape_tensors(s, dtype) for s in shape]
    return KerasTensor(shape, dtype)


def _dummy(tensor: KerasTensor, fill: int) -> np.ndarray:
    shape = [fill if d is None else d for d in tensor.shape]
    check_allocation("activation", tuple(shape), None)  # load_model's budget
    return np.zeros(shape, dtype=tensor.dtype)


def _run_on_zeros(layer: Any, args: tuple, kwargs: dict, batch: Any) -> Any:
    """The output KerasTensors from calling ``layer`` on zeros shaped like the inputs."""

    def run(fill: int) -> Any:
        def swap(v: Any) -> Any:
            return _dummy(v, fill) if isinstance(v, KerasTensor) else v

        call_kwargs = map_structure(swap, kwargs)
        if layer._call_has_training:
            call_kwargs["training"] = False  # never move BatchNormalization's statistics
        with no_grad():
            return layer(*map_structure(swap, args), **call_kwargs)

    first = run(1)
    free = any(d is None for t in flatten(args) if isinstance(t, KerasTensor) for d in t.shape[1:])
    second = run(2) if free else first

    def spec(a: Any, b: Any) -> KerasTensor:
        data_a, data_b = getattr(a, "data", a), getattr(b, "data", b)
        if not hasattr(data_a, "shape"):
            raise TypeError(
                f"{type(layer).__name__} '{layer.name}' returned {type(a).__name__} "
                "from call; a layer must return tensors (or lists/dicts of them)."
            )
        dims = [None if da != db else da for da, db in zip(data_a.shape[1:], data_b.shape[1:])]
        return KerasTensor((batch, *dims), np.asarray(data_a).dtype)

    return _zip_map(spec, first, second)


def _zip_map(fn: Any, a: Any, b: Any) -> Any:
    if isinstance(a, dict):
        return {key: _zip_map(fn, a[key], b[key]) for key in a}
    if isinstance(a, (list, tuple)):
        return [_zip_map(fn, x, y) for x, y in zip(a, b)]
    return fn(a, b)


def output_spec(layer: Any, args: tuple, kwargs: dict, shapes: Any) -> Any:
    """The KerasTensors (without history) that ``layer(*args, **kwargs)`` would return: from the
    layer's ``compute_output_shape`` when its class writes one, else from a run on zeros.

    Example:
        >>> from neurona import layers
        >>> dense = layers.Dense(4); x = KerasTensor((None, 3)); dense.build(x.shape)
        >>> output_spec(dense, (x,), {}, x.shape).shape
        (None, 4)
    """
    from neurona.layers.layer import Layer

    first = next(t for t in flatten((args, kwargs)) if isinstance(t, KerasTensor))
    if type(layer).compute_output_shape is not Layer.compute_output_shape:
        try:
            shape = layer.compute_output_shape(shapes)
        except NotImplementedError:
            shape = None
        if shape is not None:
            return _as_shape_tensors(shape, layer.dtype if layer.dtype else first.dtype)
    return _run_on_zeros(layer, args, kwargs, first.shape[0])


def symbolic_call(layer: Any, args: tuple, kwargs: dict) -> Any:
    """Record ``layer(*args, **kwargs)`` on KerasTensors: build the layer from their shapes,
    infer the outputs, add a ``Node`` and return its output KerasTensors (what
    ``Layer.__call__`` does when any argument is symbolic).

    Example:
        >>> from neurona import layers
        >>> dense = layers.Dense(2); y = symbolic_call(dense, (KerasTensor((None, 5)),), {})
        >>> y.shape, y._keras_history.operation is dense, dense.built
        ((None, 2), True, True)
    """
    shapes = map_structure(
        lambda t: t.shape if isinstance(t, KerasTensor) else np.shape(t), args[0]
    )
    if isinstance(shapes, tuple) and isinstance(args[0], tuple):
        shapes = list(shapes)  # a tuple of inputs: a list of shapes, not one shape
    if not layer.built:
        if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
            layer._check_declared_shape(shapes)
        layer.build(shapes)
    outputs = output_spec(layer, args, kwargs, shapes)
    Node(layer, args, kwargs, outputs)
    return outputs
