"""Floor 4: Keras's ``Dot`` merge layer: the dot product of two inputs along one axis of each,
sample by sample (Keras's batch_dot), optionally of L2-normalized inputs (cosine similarity)."""

from __future__ import annotations

import math
from typing import Any

from neurona import functional as F
from neurona.autodiff import Tensor
from neurona.layers.merge import _Merge

__all__ = ["Dot", "dot"]

_EPSILON = 1e-7  # Keras's backend.epsilon(): the smallest norm Dot(normalize=True) divides by


class Dot(_Merge):
    """Dot product of two inputs along one axis of each, sample by sample (Keras's batch_dot).

        z[b, i…, j…] = Σₖ x[b, i…, k] · y[b, k, j…]   (k: axis ``axes[0]`` of x, ``axes[1]`` of y)
        ∂L/∂x = Σ_j… ∂L/∂z y,   ∂L/∂y = Σ_i… x ∂L/∂z   (one matrix product per sample)

    With ``normalize=True`` each input is first divided by its L2 norm along its dot axis,
    x / max(‖x‖, 1e-7) as Keras, so z is the cosine similarity.

    Args:
        axes: one int (the same axis of both inputs) or a pair (axis of x, axis of y); never 0,
            the batch axis. Negative axes count from the end.
        normalize: L2-normalize both inputs along their dot axes first.

    Shape:
        inputs: x (batch, …) and y (batch, …), rank ≥ 2, with x.shape[axes[0]] = y.shape[axes[1]].
        output: x's axes without the dot axis, then y's without the batch and dot axes;
            (batch, 1) when only the batch axis is left.

    Example:
        >>> import numpy as np
        >>> Dot(axes=1)([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])]).numpy().tolist()
        [[11.0]]
    """

    min_inputs = max_inputs = 2

    def __init__(self, axes: int | tuple[int, int], normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(axes, (int, list, tuple)) or isinstance(axes, bool):
            raise TypeError(
                f"Dot: expected axes to be an int or a pair of ints, got axes={axes!r}. "
                "Write e.g. axes=1 or axes=(1, 2)."
            )
        if isinstance(axes, (list, tuple)) and (
            len(axes) != 2 or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes)
        ):
            raise ValueError(
                f"Dot: expected axes to be an int or a pair of ints (axis of x, axis of y), "
                f"got axes={axes!r}. Write e.g. axes=(1, 2)."
            )
        self.axes = axes
        self.normalize = bool(normalize)

    def _axes(self, shapes: list[tuple]) -> tuple[int, int]:
        """The dot axes of x and y as non-negative positions, checked against the shapes."""
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        where = f"Dot '{self.name}'"
        if any(len(s) < 2 for s in shapes):
            raise ValueError(
                f"{where} expects inputs with a batch axis and at least one more, got shapes "
                f"{shapes}. Add a feature axis, e.g. layers.Reshape((1,))."
            )
        axes = []
        for a, s in zip(pair, shapes):
            if not -len(s) <= a < len(s) or a % len(s) == 0:
                raise ValueError(
                    f"{where} was given axes={self.axes!r}, which for shapes {shapes} names "
                    f"axis {a}: the batch axis (0) or past the last axis. Pick axes from 1 to "
                    "rank − 1 (or negative ones)."
                )
            axes.append(a % len(s))
        k_x, k_y = shapes[0][axes[0]], shapes[1][axes[1]]
        if k_x is not None and k_y is not None and k_x != k_y:
            raise ValueError(
                f"{where} expects the dot axes to have one size, got {k_x} (axis {axes[0]} of "
                f"{shapes[0]}) and {k_y} (axis {axes[1]} of {shapes[1]}). Choose axes whose "
                "sizes match."
            )
        return axes[0], axes[1]

    def _merged_shape(self, input_shape: Any) -> tuple:
        shapes = self._shapes(input_shape)
        a_x, a_y = self._axes(shapes)
        x_rest = [n for i, n in enumerate(shapes[0]) if i != a_x]  # batch axis first
        y_rest = [n for i, n in enumerate(shapes[1]) if i not in (0, a_y)]
        out = (*x_rest, *y_rest)
        return out if len(out) > 1 else (*out, 1)

    def call(self, inputs: Any) -> Tensor:
        x, y = xs = self._as_list(inputs)
        self._merged_shape([tuple(t.shape) for t in xs])
        a_x, a_y = self._axes([tuple(x.shape), tuple(y.shape)])
        if self.normalize:
            x, y = _l2_normalize(x, a_x), _l2_normalize(y, a_y)
        return _batch_dot(x, y, a_x, a_y)

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    """x / max(‖x‖, ε) along ``axis``, written as x / √max(Σ x², ε²) so that a zero vector
    gets a finite gradient (the same values as Keras's x · min(1/‖x‖, 1/ε))."""
    sum_sq = F.sum(F.square(x), axis=axis, keepdims=True)
    return F.div(x, F.sqrt(F.maximum(sum_sq, _EPSILON**2)))


def _batch_dot(x: Tensor, y: Tensor, a_x: int, a_y: int) -> Tensor:
    """Keras's batch_dot as one batched matrix product: x's dot axis moved last and its other
    axes flattened, (b, m, k); y's dot axis moved after the batch, (b, k, n)."""
    b, k = x.shape[0], x.shape[a_x]
    x_rest = [n for i, n in enumerate(x.shape) if i not in (0, a_x)]
    y_rest = [n for i, n in enumerate(y.shape) if i not in (0, a_y)]
    X = F.transpose(x, (0, *[i for i in range(1, x.ndim) if i != a_x], a_x))
    Y = F.transpose(y, (0, a_y, *[i for i in range(1, y.ndim) if i != a_y]))
    X = F.reshape(X, (b, math.prod(x_rest), k))  # (b, m, k)
    Y = F.reshape(Y, (b, k, math.prod(y_rest)))  # (b, k, n)
    z = F.matmul(X, Y)  # (b, m, n)
    return F.reshape(z, (b, *x_rest, *y_rest) if x_rest or y_rest else (b, 1))


def dot(inputs: list, axes: int | tuple[int, int] = -1, normalize: bool = False, **kwargs: Any):
    """``Dot(axes, normalize, **kwargs)(inputs)``: per-sample dot product (Keras's default
    ``axes=-1``: the last axis of both inputs).

    Example:
        >>> import numpy as np
        >>> dot([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])]).numpy().tolist()
        [[11.0]]
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
