"""Floor 4: ``Operation``, the small layer that arithmetic on symbolic tensors records in a graph:
``x + y``, ``2 * x``, ``x[:, 0]``, ``-x`` on ``KerasTensor``s become an Operation node, so that a
Functional model can mix layers and plain operators as Keras allows."""

from __future__ import annotations

from typing import Any

from neurona.layers.layer import Layer

__all__ = ["Operation"]

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


def _encode_key(key: Any) -> Any:
    """An index (ints, slices, None, Ellipsis, tuples of them) as JSON-friendly values."""
    if isinstance(key, slice):
        return {"slice": [key.start, key.stop, key.step]}
    if key is Ellipsis:
        return {"ellipsis": True}
    if isinstance(key, tuple):
        return {"tuple": [_encode_key(k) for k in key]}
    return key


def _decode_key(key: Any) -> Any:
    if isinstance(key, dict) and "slice" in key:
        return slice(*key["slice"])
    if isinstance(key, dict) and "ellipsis" in key:
        return Ellipsis
    if isinstance(key, dict) and "tuple" in key:
        return tuple(_decode_key(k) for k in key["tuple"])
    return key


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

    def __init__(self, op: str, key: Any = None, **kwargs: Any) -> None:
        if op not in _BINARY and op not in _UNARY and op != "getitem":
            raise ValueError(
                f"Operation: unknown op {op!r}; expected one of "
                f"{sorted([*_BINARY, *_UNARY, 'getitem'])}."
            )
        kwargs.setdefault("name", None)
        super().__init__(**kwargs)
        self.op, self.key = op, _decode_key(key)

    def call(self, x: Any, *args: Any) -> Any:
        if self.op == "getitem":
            return x[self.key]
        if self.op in _UNARY:
            return _UNARY[self.op](x)
        return _BINARY[self.op](x, args[0])

    def get_config(self) -> dict:
        return {**super().get_config(), "op": self.op, "key": _encode_key(self.key)}
