"""Floor 2 helper: summing a gradient back to the shape of the input it belongs to.

Broadcasting forward means summing backward: if x of shape (3, 1) was stretched to (2, 3, 4),
every copy of x[i, 0] contributed to the output, so ∂L/∂x[i, 0] is the sum over the copies.
"""

from __future__ import annotations

from typing import Any


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` over the axes that broadcasting added or stretched, to get ``shape``.

    Args:
        grad: ∂L/∂z for z = x ∘ y, of z's (broadcast) shape.
        shape: the shape of the input x.

    Returns:
        ∂L/∂x, of shape ``shape``.

    Example:
        >>> import numpy as np
        >>> unbroadcast(np.ones((2, 3, 4)), (3, 1)).tolist()
        [[8.0], [8.0], [8.0]]
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def shape_of(x: Any) -> tuple[int, ...]:
    """The shape of an array, or ``()`` for a Python number.

    Example:
        >>> shape_of(2.0)
        ()
    """
    return getattr(x, "shape", ())
