"""Floor 2: ops that choose between values elementwise: clip, maximum, minimum and where. Their
gradient flows to the value that was chosen."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional._broadcast import shape_of, unbroadcast
from neurona.functional.elementwise import neg

__all__ = ["clip", "maximum", "minimum", "where"]


class Clip(Function):
    """z = min(max(x, lo), hi).  backward: ∂L/∂x = ∂L/∂z where lo ≤ x ≤ hi, else 0 (PyTorch's
    convention at the edges).  jvp: ż = ẋ inside, 0 outside."""

    def forward(self, x, lo=None, hi=None):
        xp = get_array_module(x)
        inside = xp.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        self.save_for_backward(inside)
        return xp.clip(x, lo, hi).astype(x.dtype, copy=False)

    def backward(self, grad_out):
        (inside,) = self.saved
        return grad_out * inside, None, None

    def jvp(self, x_dot, lo_dot=None, hi_dot=None):
        (inside,) = self.saved
        return x_dot * inside


class Maximum(Function):
    """z = max(x, y) elementwise.  backward: ∂L/∂z goes to the larger input, split in half on ties
    (PyTorch's convention).  jvp: ż = ẋ or ẏ, the mean of both on ties."""

    def forward(self, x, y):
        xp = get_array_module(x, y)
        z = xp.maximum(x, y)
        w_x = ((x > y) + 0.5 * (x == y)).astype(z.dtype)  # share of the gradient that goes to x
        self.save_for_backward(x, y, w_x)
        return z

    def backward(self, grad_out):
        x, y, w_x = self.saved
        need_x, need_y = self.needs_input_grad
        grad_x = unbroadcast(grad_out * w_x, shape_of(x)) if need_x else None
        grad_y = unbroadcast(grad_out * (1 - w_x), shape_of(y)) if need_y else None
        return grad_x, grad_y

    def jvp(self, x_dot, y_dot):
        _, _, w_x = self.saved
        return w_x * x_dot + (1 - w_x) * y_dot


class Where(Function):
    """z = x where cond else y.  backward: ∂L/∂x = ∂L/∂z ⊙ cond, ∂L/∂y = ∂L/∂z ⊙ ¬cond.
    jvp: ż = where(cond, ẋ, ẏ).  ``cond`` gets no gradient."""

    def forward(self, cond, x, y):
        xp = get_array_module(x, y)
        cond = xp.asarray(cond, dtype=bool)
        self.save_for_backward(cond, shape_of(x), shape_of(y))
        return xp.where(cond, x, y)

    def backward(self, grad_out):
        cond, x_shape, y_shape = self.saved
        xp = get_array_module(grad_out)
        zero = xp.zeros((), dtype=grad_out.dtype)
        need_x, need_y = self.needs_input_grad[1:]
        grad_x = unbroadcast(xp.where(cond, grad_out, zero), x_shape) if need_x else None
        grad_y = unbroadcast(xp.where(cond, zero, grad_out), y_shape) if need_y else None
        return None, grad_x, grad_y

    def jvp(self, cond_dot, x_dot, y_dot):
        cond = self.saved[0]
        return get_array_module(cond).where(cond, x_dot, y_dot)


def clip(x: Any, min_value: Any = None, max_value: Any = None):
    """Limit x to [min_value, max_value] (either may be None); gradient 1 inside, 0 outside.

    Example:
        >>> import neurona as nr
        >>> clip(nr.tensor([-2.0, 0.5, 3.0]), 0.0, 1.0)
        tensor([0. , 0.5, 1. ])
    """
    if min_value is None and max_value is None:
        raise ValueError("clip(): expected at least one of min_value and max_value, got neither.")
    return Clip.apply(x, min_value, max_value)


def maximum(x: Any, y: Any):
    """Elementwise max(x, y); ties share the gradient equally.

    Example:
        >>> import neurona as nr
        >>> maximum(nr.tensor([1.0, 5.0]), 2.0)
        tensor([2., 5.])
    """
    return Maximum.apply(x, y)


def minimum(x: Any, y: Any):
    """Elementwise min(x, y) = −max(−x, −y); ties share the gradient equally.

    Example:
        >>> import neurona as nr
        >>> minimum(nr.tensor([1.0, 5.0]), 2.0)
        tensor([1., 2.])
    """
    return neg(maximum(neg(x), neg(y)))


def where(cond: Any, x: Any, y: Any):
    """x where ``cond`` is true, else y (broadcasting all three); ``cond`` gets no gradient.

    Example:
        >>> import neurona as nr
        >>> where(nr.tensor([1.0, -1.0]) > 0, 1.0, nr.tensor([5.0, 6.0]))
        tensor([1., 6.])
    """
    return Where.apply(cond, x, y)
