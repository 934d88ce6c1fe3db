"""Floor 2: elementwise arithmetic with broadcasting. Each primitive keeps its forward, backward
(∂L/∂input from ∂L/∂output) and jvp (forward-mode tangent) together."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional._broadcast import shape_of, unbroadcast

__all__ = ["add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "square", "abs",
           "clip", "maximum", "minimum", "where"]


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
    return xp.errstate(divide="ignore", invalid="ignore")


class Neg(Function):
    """z = −x.  backward: ∂L/∂x = −∂L/∂z.  jvp: ż = −ẋ."""

    def forward(self, x):
        return -x

    def backward(self, grad_out):
        return -grad_out

    def jvp(self, x_dot):
        return -x_dot


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
        w_x = (x > y) + 0.5 * (x == y)  # share of the gradient that goes to x
        self.save_for_backward(x, y, w_x)
        return z

    def backward(self, grad_out):
        x, y, w_x = self.saved
        need_x, need_y = self.needs_input_grad
        grad_x = unbroadcast((grad_out * w_x).astype(grad_out.dtype), shape_of(x)) if need_x else None
        grad_y = (unbroadcast((grad_out * (1 - w_x)).astype(grad_out.dtype), shape_of(y))
                  if need_y else None)
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
