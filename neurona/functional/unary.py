"""Floor 2: elementwise functions of one input: exp, log, sqrt, square and abs (the course's
absolute-value rectification)."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module

__all__ = ["exp", "log", "sqrt", "square", "abs"]


class Exp(Function):
    """z = eˣ.  backward: ∂L/∂x = ∂L/∂z ⊙ z.  jvp: ż = z ẋ."""

    def forward(self, x):
        z = get_array_module(x).exp(x)
        self.save_for_backward(z)
        return z

    def backward(self, grad_out):
        (z,) = self.saved
        return grad_out * z

    def jvp(self, x_dot):
        (z,) = self.saved
        return z * x_dot


class Log(Function):
    """z = ln x.  backward: ∂L/∂x = ∂L/∂z / x.  jvp: ż = ẋ / x."""

    def forward(self, x):
        self.save_for_backward(x)
        return get_array_module(x).log(x)

    def backward(self, grad_out):
        (x,) = self.saved
        return grad_out / x

    def jvp(self, x_dot):
        (x,) = self.saved
        return x_dot / x


class Sqrt(Function):
    """z = √x.  backward: ∂L/∂x = ∂L/∂z / (2z).  jvp: ż = ẋ / (2z)."""

    def forward(self, x):
        z = get_array_module(x).sqrt(x)
        self.save_for_backward(z)
        return z

    def backward(self, grad_out):
        (z,) = self.saved
        return grad_out / (2 * z)

    def jvp(self, x_dot):
        (z,) = self.saved
        return x_dot / (2 * z)


class Square(Function):
    """z = x².  backward: ∂L/∂x = 2x ⊙ ∂L/∂z.  jvp: ż = 2x ẋ."""

    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, grad_out):
        (x,) = self.saved
        return 2 * x * grad_out

    def jvp(self, x_dot):
        (x,) = self.saved
        return 2 * x * x_dot


class Abs(Function):
    """z = |x| (the course's absolute-value rectification, g(z) = |z|).
    backward: ∂L/∂x = ∂L/∂z ⊙ sign(x) (we take |x|'(0) = 0, as PyTorch).  jvp: ż = sign(x) ẋ."""

    def forward(self, x):
        self.save_for_backward(x)
        return get_array_module(x).abs(x)

    def backward(self, grad_out):
        (x,) = self.saved
        return grad_out * get_array_module(x).sign(x)

    def jvp(self, x_dot):
        (x,) = self.saved
        return get_array_module(x).sign(x) * x_dot


def exp(x: Any):
    """eˣ elementwise.

    Example:
        >>> import neurona as nr
        >>> exp(nr.tensor([0.0]))
        tensor([1.])
    """
    return Exp.apply(x)


def log(x: Any):
    """Natural logarithm elementwise.

    Example:
        >>> import neurona as nr
        >>> log(nr.tensor([1.0]))
        tensor([0.])
    """
    return Log.apply(x)


def sqrt(x: Any):
    """√x elementwise.

    Example:
        >>> import neurona as nr
        >>> sqrt(nr.tensor([4.0]))
        tensor([2.])
    """
    return Sqrt.apply(x)


def square(x: Any):
    """x² elementwise.

    Example:
        >>> import neurona as nr
        >>> square(nr.tensor([3.0]))
        tensor([9.])
    """
    return Square.apply(x)


def abs(x: Any):  # noqa: A001 - the maths name, like torch.abs
    """|x| elementwise (absolute-value rectification); |x|'(0) = 0.

    Example:
        >>> import neurona as nr
        >>> abs(nr.tensor([-2.0, 3.0]))
        tensor([2., 3.])
    """
    return Abs.apply(x)
