"""Floor 2: joining tensors, ``concatenate`` along an existing axis and ``stack`` along a new
one; backward splits ∂L/∂z back into one slice per input."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from neurona.autodiff.function import Function
from neurona.autodiff.tensor import Tensor
from neurona.backend import get_array_module
from neurona.functional.shape import _axis, _input

__all__ = ["concatenate", "stack"]


class Concatenate(Function):
    """z = [x₁, x₂, …] joined along ``axis``.  backward: ∂L/∂xₖ = the k-th block of ∂L/∂z
    along ``axis``.  jvp: ż = [ẋ₁, ẋ₂, …] joined the same way."""

    def forward(self, *arrays, axis=0):
        self.axis = axis
        self.dtypes = [a.dtype for a in arrays]
        self.bounds = list(accumulate(a.shape[axis] for a in arrays))[:-1]  # where blocks end
        return get_array_module(*arrays).concatenate(arrays, axis=axis)

    def backward(self, grad_out):
        blocks = get_array_module(grad_out).split(grad_out, self.bounds, axis=self.axis)
        return tuple(
            g.astype(dtype, copy=False) if need else None
            for g, dtype, need in zip(blocks, self.dtypes, self.needs_input_grad)
        )

    def jvp(self, *tangents):
        return get_array_module(*tangents).concatenate(tangents, axis=self.axis)


class Stack(Function):
    """z = x₁, x₂, … stacked along a new axis ``axis``.  backward: ∂L/∂xₖ = ∂L/∂z taken at
    position k of that axis.  jvp: ż = ẋ₁, ẋ₂, … stacked."""

    def forward(self, *arrays, axis=0):
        self.axis = axis
        self.dtypes = [a.dtype for a in arrays]
        return get_array_module(*arrays).stack(arrays, axis=axis)

    def backward(self, grad_out):
        slices = get_array_module(grad_out).moveaxis(grad_out, self.axis, 0)
        return tuple(
            g.astype(dtype, copy=False) if need else None
            for g, dtype, need in zip(slices, self.dtypes, self.needs_input_grad)
        )

    def jvp(self, *tangents):
        return get_array_module(*tangents).stack(tangents, axis=self.axis)


def _inputs(where: str, tensors: Any) -> list:
    """The sequence of inputs of concatenate/stack, checked to be a non-empty sequence."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)) or not tensors:
        raise TypeError(
            f"{where}(): expected a non-empty list or tuple of tensors, got "
            f"{type(tensors).__name__}. Pass e.g. {where}([a, b], axis=0)."
        )
    return [_input(t) for t in tensors]


def concatenate(tensors: Sequence[Any], axis: int = 0):
    """Join tensors along an existing axis; all other sizes must agree.

        z = [x₁ x₂ …] along ``axis``;   ∂L/∂xₖ = the block of ∂L/∂z that xₖ filled

    Raises:
        ValueError: when the shapes differ on an axis other than ``axis``.

    Example:
        >>> import neurona as nr
        >>> concatenate([nr.tensor([[1.0, 2.0]]), nr.tensor([[3.0, 4.0]])], axis=0)
        tensor([[1., 2.],
                [3., 4.]])
    """
    xs = _inputs("concatenate", tensors)
    first = xs[0].shape
    if len(first) == 0:
        raise ValueError("concatenate(): cannot concatenate scalars (0-d inputs); use stack().")
    axis = _axis("concatenate", axis, len(first))
    for k, x in enumerate(xs[1:], start=1):
        if (x.ndim, x.shape[:axis], x.shape[axis + 1 :]) != (
            len(first),
            first[:axis],
            first[axis + 1 :],
        ):
            raise ValueError(
                f"concatenate(): input {k} has shape {x.shape} but input 0 has shape {first}; "
                f"all sizes must match except along axis {axis}. Reshape or slice the inputs so "
                "that they agree, or choose another axis."
            )
    return Concatenate.apply(*xs, axis=axis)


def stack(tensors: Sequence[Any], axis: int = 0):
    """Stack tensors of one shape along a new axis ``axis`` (of size len(tensors)).

        z[..., k, ...] = xₖ;   ∂L/∂xₖ = ∂L/∂z[..., k, ...]

    Raises:
        ValueError: when the shapes differ.

    Example:
        >>> import neurona as nr
        >>> stack([nr.tensor([1.0, 2.0]), nr.tensor([3.0, 4.0])], axis=1)
        tensor([[1., 3.],
                [2., 4.]])
    """
    xs = _inputs("stack", tensors)
    first = xs[0].shape
    axis = _axis("stack", axis, len(first) + 1)
    for k, x in enumerate(xs[1:], start=1):
        if x.shape != first:
            raise ValueError(
                f"stack(): input {k} has shape {x.shape} but input 0 has shape "
                f"{first}; stack needs equal shapes. Use concatenate() to join "
                "along an existing axis, or reshape the inputs to agree."
            )
    return Stack.apply(*xs, axis=axis)
