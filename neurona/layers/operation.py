"""Floor 4: ``Operation``, the small layer that arithmetic on symbolic tensors records in a graph:
``x + y``, ``2 * x``, ``x[:, 0]``, ``-x`` on ``KerasTensor``s become an Operation node, so that a
Functional model can mix layers and plain operators as Keras allows. ``neurona.ops`` functions
called on KerasTensors are recorded the same way (``op="ops.<name>"``): ops registers its
functions here with :func:`register_op` when it is imported; a model loaded before anything
imported ops imports it here (the one upward import of this floor, listed in the house rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from neurona.layers.layer import Layer

__all__ = ["Operation", "record_op", "register_op"]

_OPS: dict[str, Callable[..., Any]] = {}

_BINARY = {
    "add": lambda x, y: x + y,
    "radd": lambda x, y: y + x,
    "sub": lambda x, y: x - y,
    "rsub": lambda x, y: y - x,
    "mul": lambda x, y: x * y,
    "rmul": lambda x, y: y * x,
    "div": lambda x, y: x / y,
    "rdiv": lambda x, y: y / x,
    "pow": lambda x, y: x**y,
    "matmul": lambda x, y: x @ y,
}
_UNARY = {"neg": lambda x: -x, "abs": abs}


def register_op(name: str, function: Callable[..., Any]) -> None:
    """Make ``function`` recordable as ``Operation("ops.<name>")`` (neurona.ops calls this for
    each of its functions when it is imported).

    Example:
        >>> register_op("identity_example", lambda x: x); "identity_example" in _OPS
        True
    """
    _OPS[name] = function


def _encode(value: Any, tensors: list | None = None, where: str = "Operation") -> Any:
    """``value`` (an index or an ops call's arguments) as JSON-friendly data: slices, Ellipsis,
    tuples, dicts and arrays as tagged dicts; with ``tensors``, each KerasTensor in it becomes
    ``{"tensor": i}`` and is appended there."""
    from neurona.layers.symbolic import KerasTensor

    if tensors is not None and isinstance(value, KerasTensor):
        tensors.append(value)
        return {"tensor": len(tensors) - 1}
    if isinstance(value, slice):
        return {"slice": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {"ellipsis": True}
    if isinstance(value, (list, tuple)):
        items = [_encode(v, tensors, where) for v in value]
        return items if isinstance(value, list) else {"tuple": items}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: _encode(v, tensors, where) for k, v in value.items()}}
    if isinstance(value, np.ndarray):
        return {"array": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.dtype):
        return str(value)
    if tensors is None or value is None or isinstance(value, (bool, int, float, str)):
        return value  # an index passes as it is (as before: the config check judges it)
    raise TypeError(
        f"{where} on a KerasTensor: expected constant arguments that are numbers, strings, "
        f"lists, tuples, dicts or NumPy arrays, got {type(value).__name__}. Compute it "
        "inside a layer's call instead."
    )


def _decode(value: Any, tensors: tuple = ()) -> Any:
    """The inverse of :func:`_encode`, with ``tensors`` in the ``{"tensor": i}`` places."""
    if isinstance(value, list):
        return [_decode(v, tensors) for v in value]
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"tensor"}:
            return tensors[value["tensor"]]
        if keys == {"slice"}:
            return slice(*value["slice"])
        if keys == {"ellipsis"}:
            return Ellipsis
        if keys == {"tuple"}:
            return tuple(_decode(v, tensors) for v in value["tuple"])
        if keys == {"dict"}:
            return {k: _decode(v, tensors) for k, v in value["dict"].items()}
        if keys == {"array", "dtype"}:
            return np.asarray(value["array"], dtype=value["dtype"])
    return value


def record_op(name: str, args: tuple, kwargs: dict) -> Any:
    """``ops.<name>(*args, **kwargs)`` on KerasTensors, recorded as an Operation node; the
    KerasTensors anywhere in the arguments become the node's inputs, the rest its config.

    Example:
        >>> from neurona import layers
        >>> x = layers.Input((3,))
        >>> register_op("twice_example", lambda t, factor=2.0: t * factor)
        >>> record_op("twice_example", (x,), {"factor": 3.0}).shape
        (None, 3)
    """
    tensors: list = []
    template = _encode([list(args), kwargs], tensors, f"ops.{name}")
    return Operation(f"ops.{name}", arguments=template)(*tensors)


class Operation(Layer):
    """An operator applied to tensors, as a layer: ``op`` is one of add, sub, mul, div, pow,
    matmul (and their reflected forms radd, rsub, rmul, rdiv), neg, abs or getitem.

    The maths is the tensor operator itself (``x + y`` on Tensors), so gradients flow as for
    any expression.

    Args:
        op: the operator's name.
        key: the index for getitem (ints, slices, None, Ellipsis or a tuple of them).

    Example:
        >>> import numpy as np
        >>> from neurona import layers, models
        >>> x = layers.Input((3,))
        >>> model = models.Model(x, 2.0 * layers.Dense(2, kernel_initializer="ones")(x)[:, :1])
        >>> model.predict(np.ones((1, 3)), verbose=0)
        array([[6.]], dtype=float32)
    """

    def __init__(self, op: str, key: Any = None, arguments: Any = None, **kwargs: Any) -> None:
        known = op in _BINARY or op in _UNARY or op == "getitem"
        if not known and isinstance(op, str) and op.startswith("ops.") and not _OPS:
            import neurona.ops  # noqa: F401 - a loaded model's ops: importing ops registers them
        if not known and not (isinstance(op, str) and op.removeprefix("ops.") in _OPS):
            raise ValueError(
                f"Operation: unknown op {op!r}; expected one of "
                f"{sorted([*_BINARY, *_UNARY, 'getitem'])} or 'ops.<name>' for a function "
                "of neurona.ops."
            )
        kwargs.setdefault("name", None)
        super().__init__(**kwargs)
        self.op, self.key, self.arguments = op, _decode(key), arguments

    def call(self, x: Any, *args: Any) -> Any:
        if self.op.startswith("ops."):
            positional, keywords = _decode(self.arguments, (x, *args))
            return _OPS[self.op.removeprefix("ops.")](*positional, **keywords)
        if self.op == "getitem":
            return x[self.key]
        if self.op in _UNARY:
            return _UNARY[self.op](x)
        return _BINARY[self.op](x, args[0])

    def get_config(self) -> dict:
        config = {**super().get_config(), "op": self.op, "key": _encode(self.key)}
        return config if self.arguments is None else {**config, "arguments": self.arguments}
