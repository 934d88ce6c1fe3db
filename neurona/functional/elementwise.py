"""Floor 2: elementwise arithmetic with broadcasting (+ − × ÷ power, negation). Each primitive
keeps its forward, backward (∂L/∂input from ∂L/∂output) and jvp (forward-mode tangent) together."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional._broadcast import shape_of, unbroadcast

__all__ = ["add", "sub", "mul", "div", "pow", "neg"]


class Add(Function):
    """z = x + y.  backward: ∂L/∂x = ∂L/∂z, ∂L/∂y = ∂L/∂z (summed over broadcast axes).
    jvp: ż = ẋ + ẏ."""

    def forward(self, x, y):
        self.save_for_backward(shape_of(x), shape_of(y))
        return x + y

    def backward(self, grad_out):
        x_shape, y_shape = self.saved
        return unbroadcast(grad_out, x_shape), unbroadcast(grad_out, y_shape)

    def jvp(self, x_dot, y_dot):
        return x_dot + y_dot


class Sub(Function):
    """z = x − y.  backward: ∂L/∂x = ∂L/∂z, ∂L/∂y = −∂L/∂z.  jvp: ż = ẋ − ẏ."""

    def forward(self, x, y):
        self.save_for_backward(shape_of(x), shape_of(y))
        return x - y

    def backward(self, grad_out):
        x_shape, y_shape = self.saved
        grad_y = unbroadcast(-grad_out, y_shape) if self.needs_input_grad[1] else None
        return unbroadcast(grad_out, x_shape), grad_y

    def jvp(self, x_dot, y_dot):
        return x_dot - y_dot


class Mul(Function):
    """z = x ⊙ y.  backward: ∂L/∂x = ∂L/∂z ⊙ y, ∂L/∂y = ∂L/∂z ⊙ x.  jvp: ż = ẋ ⊙ y + x ⊙ ẏ."""

    def forward(self, x, y):
        self.save_for_backward(x, y)
        return x * y

    def backward(self, grad_out):
        x, y = self.saved
        need_x, need_y = self.needs_input_grad
        grad_x = unbroadcast(grad_out * y, shape_of(x)) if need_x else None
        grad_y = unbroadcast(grad_out * x, shape_of(y)) if need_y else None
        return grad_x, grad_y

    def jvp(self, x_dot, y_dot):
        x, y = self.saved
        return x_dot * y + x * y_dot


class Div(Function):
    """z = x / y.  backward: ∂L/∂x = ∂L/∂z / y, ∂L/∂y = −∂L/∂z ⊙ z / y.
    jvp: ż = (ẋ − z ẏ) / y."""

    def forward(self, x, y):
        z = x / y
        self.save_for_backward(x, y, z)
        return z

    def backward(self, grad_out):
        x, y, z = self.saved
        need_x, need_y = self.needs_input_grad
        grad_x = unbroadcast(grad_out / y, shape_of(x)) if need_x else None
        grad_y = unbroadcast(-grad_out * z / y, shape_of(y)) if need_y else None
        return grad_x, grad_y

    def jvp(self, x_dot, y_dot):
        x, y, z = self.saved
        return (x_dot - z * y_dot) / y


class Pow(Function):
    """z = xʸ.  backward: ∂L/∂x = ∂L/∂z ⊙ y xʸ⁻¹, ∂L/∂y = ∂L/∂z ⊙ z ln x.
    jvp: ż = y xʸ⁻¹ ẋ + z ln x ẏ.  (ln x is NaN for x < 0, as in PyTorch; it is only computed
    when the exponent needs a gradient.)"""

    def forward(self, x, y):
        z = x**y
        self.save_for_backward(x, y, z)
        return z

    def backward(self, grad_out):
        x, y, z = self.saved
        need_x, need_y = self.needs_input_grad
        grad_x = unbroadcast(grad_out * y * x ** (y - 1), shape_of(x)) if need_x else None
        grad_y = unbroadcast(grad_out * z * _log(x), shape_of(y)) if need_y else None
        return grad_x, grad_y

    def jvp(self, x_dot, y_dot):
        x, y, z = self.saved
        out = y * x ** (y - 1) * x_dot
        if get_array_module(y_dot).any(y_dot):
            out = out + z * _log(x) * y_dot
        return out


def _log(x):
    xp = get_array_module(x)
    with _quiet(xp):
        return xp.log(x)


def _quiet(xp):
    # NOTE: CuPy has no errstate (GPU arithmetic never warns); NumPy's is harmless there.
    errstate = getattr(xp, "errstate", np.errstate)
    return errstate(divide="ignore", invalid="ignore")


class Neg(Function):
    """z = −x.  backward: ∂L/∂x = −∂L/∂z.  jvp: ż = −ẋ."""

    def forward(self, x):
        return -x

    def backward(self, grad_out):
        return -grad_out

    def jvp(self, x_dot):
        return -x_dot


def add(x: Any, y: Any):
    """x + y with broadcasting.

    Example:
        >>> import neurona as nr
        >>> add(nr.tensor([1.0, 2.0]), 1.0)
        tensor([2., 3.])
    """
    return Add.apply(x, y)


def sub(x: Any, y: Any):
    """x − y with broadcasting.

    Example:
        >>> import neurona as nr
        >>> sub(nr.tensor([1.0, 2.0]), 1.0)
        tensor([0., 1.])
    """
    return Sub.apply(x, y)


def mul(x: Any, y: Any):
    """x ⊙ y (elementwise product) with broadcasting.

    Example:
        >>> import neurona as nr
        >>> mul(nr.tensor([1.0, 2.0]), 3.0)
        tensor([3., 6.])
    """
    return Mul.apply(x, y)


def div(x: Any, y: Any):
    """x / y with broadcasting.

    Example:
        >>> import neurona as nr
        >>> div(nr.tensor([1.0, 2.0]), 2.0)
        tensor([0.5, 1. ])
    """
    return Div.apply(x, y)


def pow(x: Any, y: Any):  # noqa: A001 - the maths name, like torch.pow
    """xʸ elementwise; the exponent may be a number or a tensor.

    Example:
        >>> import neurona as nr
        >>> pow(nr.tensor([2.0, 3.0]), 2)
        tensor([4., 9.])
    """
    return Pow.apply(x, y)


def neg(x: Any):
    """−x.

    Example:
        >>> import neurona as nr
        >>> neg(nr.tensor([1.0, -2.0]))
        tensor([-1.,  2.])
    """
    return Neg.apply(x)
