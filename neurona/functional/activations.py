"""Floor 2: activation functions a = f(x), with Keras 3's names, arguments and defaults, plus the
course's step and sign. Each docstring gives f and f' (and the convention at a kink); backward is
∂L/∂x = ∂L/∂a ⊙ f'(x) and the jvp is ȧ = f'(x) ẋ. Softmax/log_softmax (``softmax.py``) and
step/sign (``threshold.py``) are their own concepts and modules, re-exported here."""

from __future__ import annotations

import math
from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module
from neurona.functional._erf import erfc
from neurona.functional.softmax import log_softmax, softmax
from neurona.functional.threshold import sign, step
from neurona.functional.unary import exp

__all__ = [
    "sigmoid",
    "tanh",
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "swish",
    "silu",
    "softplus",
    "softsign",
    "hard_sigmoid",
    "hard_tanh",
    "softmax",
    "log_softmax",
    "linear",
    "exponential",
    "step",
    "sign",
]

# Klambauer et al. 2017, "Self-normalizing neural networks" (the constants Keras and PyTorch use)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _sigmoid(x):
    """σ(x) = 1/(1 + e⁻ˣ); e⁻ˣ overflowing to inf gives exactly 0, so the warning is silenced."""
    xp = get_array_module(x)
    with xp.errstate(over="ignore"):
        return 1 / (1 + xp.exp(-x))


class _Pointwise(Function):
    """Base of the elementwise activations: forward saves what ``derivative`` needs to give
    f'(x); backward is ∂L/∂x = ∂L/∂a ⊙ f'(x) and jvp is ȧ = f'(x) ẋ."""

    def derivative(self):
        return self.saved[0]  # by default forward saves f'(x) itself

    def backward(self, grad_out):
        return grad_out * self.derivative()

    def jvp(self, x_dot):
        return x_dot * self.derivative()


class Sigmoid(_Pointwise):
    """a = σ(x);  σ'(x) = a(1 − a), from the saved output."""

    def forward(self, x):
        a = _sigmoid(x)
        self.save_for_backward(a)
        return a

    def derivative(self):
        (a,) = self.saved
        return a * (1 - a)


class Tanh(_Pointwise):
    """a = tanh x;  tanh'(x) = 1 − a², from the saved output."""

    def forward(self, x):
        a = get_array_module(x).tanh(x)
        self.save_for_backward(a)
        return a

    def derivative(self):
        (a,) = self.saved
        return 1 - a * a


class ReLU(_Pointwise):
    """Keras's relu: a = x above ``threshold`` (clipped to [0, max_value] when given), else
    negative_slope·(x − threshold).  f' = 1 inside, 0 at and past the clips, negative_slope
    at and below the threshold."""

    def forward(self, x, negative_slope=0.0, max_value=None, threshold=0.0):
        xp = get_array_module(x)
        above = x > threshold
        slope = above.astype(x.dtype)
        nan = xp.isnan(x)  # NaN in, NaN out (and NaN gradient), as Keras and PyTorch
        a = xp.where(above | nan, x, 0)
        if x.dtype.kind in "fc":
            slope[nan] = xp.nan
        if max_value is not None:  # Keras clips the part above the threshold to [0, max_value]
            inside = (x > 0) & (x < max_value)
            a = xp.clip(a, 0, max_value).astype(x.dtype, copy=False)
            slope *= inside
        if negative_slope:
            a = a + negative_slope * xp.minimum(x - threshold, 0)
            slope += negative_slope * ~above
        self.save_for_backward(slope)
        return a


class ELU(_Pointwise):
    """a = x if x > 0 else α(eˣ − 1);  f' = 1 if x > 0 else αeˣ = a + α (α at 0, as PyTorch);
    ``scale`` multiplies both (SELU)."""

    def forward(self, x, alpha=1.0, scale=1.0):
        xp = get_array_module(x)
        positive = x > 0
        negative_part = alpha * xp.expm1(xp.minimum(x, 0))  # min(): no overflow for large x
        a = scale * xp.where(positive, x, negative_part)
        self.save_for_backward(scale * xp.where(positive, 1, negative_part + alpha))
        return a.astype(x.dtype, copy=False)


class GELU(_Pointwise):
    """Exact: a = x Φ(x), f' = Φ(x) + x φ(x).  Tanh form: a = ½x(1 + t), t = tanh(u),
    u = √(2/π)(x + 0.044715x³), f' = ½(1 + t) + ½x(1 − t²) √(2/π)(1 + 3·0.044715x²)."""

    def forward(self, x, approximate=False):
        xp = get_array_module(x)
        if approximate:
            c = math.sqrt(2 / math.pi)
            t = xp.tanh(c * (x + 0.044715 * x**3))
            du = c * (1 + 3 * 0.044715 * x * x)  # du/dx
            self.save_for_backward(0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
            return 0.5 * x * (1 + t)
        cdf = 0.5 * erfc(-x / math.sqrt(2))  # Φ(x); erfc keeps the left tail accurate
        pdf = xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        self.save_for_backward(cdf + x * pdf)
        return x * cdf


class Swish(_Pointwise):
    """a = x σ(x);  f' = σ(x) + a(1 − σ(x))."""

    def forward(self, x):
        s = _sigmoid(x)
        a = x * s
        self.save_for_backward(s + a * (1 - s))
        return a


class Softplus(_Pointwise):
    """a = ln(1 + eˣ) = max(x, 0) + ln(1 + e^{−|x|}) (no overflow);  f' = σ(x)."""

    def forward(self, x):
        xp = get_array_module(x)
        self.save_for_backward(x)
        return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))

    def derivative(self):
        return _sigmoid(self.saved[0])


class Softsign(_Pointwise):
    """a = x / (1 + |x|);  f' = 1 / (1 + |x|)²."""

    def forward(self, x):
        d = 1 + get_array_module(x).abs(x)
        self.save_for_backward(d)
        return x / d

    def derivative(self):
        (d,) = self.saved
        return 1 / (d * d)


class HardLinear(_Pointwise):
    """a = clip(slope·x + offset, lo, hi);  f' = slope strictly inside, 0 at and past the clips
    (PyTorch's convention)."""

    def forward(self, x, slope=1.0, offset=0.0, lo=-1.0, hi=1.0):
        u = slope * x + offset
        self.save_for_backward(slope * ((u > lo) & (u < hi)).astype(x.dtype))
        return get_array_module(x).clip(u, lo, hi).astype(x.dtype, copy=False)


def sigmoid(x: Any):
    """Logistic sigmoid (course A1), the output unit of binary classifiers.

        σ(x) = 1 / (1 + e⁻ˣ)          σ'(x) = σ(x)(1 − σ(x))

    Example:
        >>> import neurona as nr
        >>> sigmoid(nr.tensor([0.0, 100.0]))
        tensor([0.5, 1. ])
    """
    return Sigmoid.apply(x)


def tanh(x: Any):
    """Hyperbolic tangent (course A2).

        tanh x = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)          tanh'(x) = 1 − tanh² x

    Example:
        >>> import neurona as nr
        >>> tanh(nr.tensor([0.0]))
        tensor([0.])
    """
    return Tanh.apply(x)


def relu(
    x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0
):
    """Rectified linear unit (course A3), with Keras's optional slope, cap and threshold.

        relu(x) = max(0, x)          relu'(x) = 1 if x > 0 else 0   (we take relu'(0) = 0)

    In general: x if x > threshold (capped at max_value), else negative_slope·(x − threshold);
    the derivative is 1, 0 past max_value, negative_slope at and below the threshold.

    Args:
        negative_slope: slope below the threshold (Keras's default 0.0).
        max_value: the largest output, or None for no cap.
        threshold: where the unit switches on.

    Example:
        >>> import neurona as nr
        >>> relu(nr.tensor([-2.0, 0.0, 3.0, 9.0]), max_value=6.0)
        tensor([0., 0., 3., 6.])
    """
    return ReLU.apply(x, negative_slope=negative_slope, max_value=max_value, threshold=threshold)


def relu6(x: Any):
    """ReLU capped at 6: min(max(0, x), 6);  f' = 1 if 0 < x < 6 else 0.

    Example:
        >>> import neurona as nr
        >>> relu6(nr.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return ReLU.apply(x, max_value=6.0)


def leaky_relu(x: Any, negative_slope: float = 0.2):
    """Leaky ReLU (course A9): a small slope instead of 0 for negative inputs.

        f(x) = x if x > 0 else α x          f'(x) = 1 if x > 0 else α   (α at 0, as PyTorch)

    NOTE: the default α = 0.2 is Keras's function (the LeakyReLU layer uses 0.3, PyTorch 0.01);
    the course writes α = 0.1 ([B]'s max(0.1x, x)) or α ≈ 0.01 ([B], [C]): pass it explicitly.

    Example:
        >>> import neurona as nr
        >>> leaky_relu(nr.tensor([-1.0, 2.0]), negative_slope=0.1)
        tensor([-0.1,  2. ])
    """
    return ReLU.apply(x, negative_slope=negative_slope)


def elu(x: Any, alpha: float = 1.0):
    """Exponential linear unit (course A6).

        f(x) = x if x > 0 else α(eˣ − 1)          f'(x) = 1 if x > 0 else α eˣ   (α at 0)

    Example:
        >>> import neurona as nr
        >>> elu(nr.tensor([0.0, 2.0]))
        tensor([0., 2.])
    """
    return ELU.apply(x, alpha=alpha)


def selu(x: Any):
    """Scaled ELU (course A7): λ·elu(x, α) with λ ≈ 1.0507 and α ≈ 1.6733 (Klambauer et al.).

        f(x) = λx if x > 0 else λα(eˣ − 1)          f'(x) = λ if x > 0 else λα eˣ

    Example:
        >>> import neurona as nr
        >>> selu(nr.tensor([1.0]))
        tensor([1.050701])
    """
    return ELU.apply(x, alpha=SELU_ALPHA, scale=SELU_SCALE)


def gelu(x: Any, approximate: bool = False):
    """Gaussian error linear unit (course A8: the exact erf form, Keras's default).

        f(x) = x Φ(x) = ½x(1 + erf(x/√2))          f'(x) = Φ(x) + x φ(x),  φ(x) = e^{−x²/2}/√(2π)

    With ``approximate=True``: ½x(1 + tanh(√(2/π)(x + 0.044715x³))) and its exact derivative.
    erf is computed with W. J. Cody's rational approximations (float64-accurate, no SciPy).

    Example:
        >>> import neurona as nr
        >>> gelu(nr.tensor([0.0, 1.0]))
        tensor([0.       , 0.8413447])
    """
    return GELU.apply(x, approximate=approximate)


def swish(x: Any):
    """Swish / SiLU (course A5, β = 1).

        f(x) = x σ(x)          f'(x) = σ(x) + f(x)(1 − σ(x))

    Example:
        >>> import neurona as nr
        >>> swish(nr.tensor([0.0]))
        tensor([0.])
    """
    return Swish.apply(x)


silu = swish  # Keras exports one function under both names (keras.activations.silu/swish)


def softplus(x: Any):
    """Softplus (course A15), a smooth ReLU; computed without overflow.

        f(x) = ln(1 + eˣ)          f'(x) = σ(x)

    Example:
        >>> import neurona as nr
        >>> softplus(nr.tensor([0.0])), softplus(nr.tensor([1000.0]))
        (tensor([0.6931472]), tensor([1000.]))
    """
    return Softplus.apply(x)


def softsign(x: Any):
    """Softsign: f(x) = x / (1 + |x|);  f'(x) = 1 / (1 + |x|)².

    Example:
        >>> import neurona as nr
        >>> softsign(nr.tensor([1.0]))
        tensor([0.5])
    """
    return Softsign.apply(x)


def hard_sigmoid(x: Any):
    """Keras 3's hard sigmoid (= PyTorch's hardsigmoid), a piecewise-linear σ.

        f(x) = clip(x/6 + ½, 0, 1)          f'(x) = 1/6 if −3 < x < 3 else 0

    NOTE: Keras 2 used clip(0.2x + ½, 0, 1); Keras 3 changed to x/6 + ½.

    Example:
        >>> import neurona as nr
        >>> hard_sigmoid(nr.tensor([-4.0, 0.0, 4.0]))
        tensor([0. , 0.5, 1. ])
    """
    return HardLinear.apply(x, slope=1 / 6, offset=0.5, lo=0.0, hi=1.0)


def hard_tanh(x: Any):
    """Hard tanh (course A16): f(x) = max(−1, min(1, x));  f'(x) = 1 if −1 < x < 1 else 0.

    Example:
        >>> import neurona as nr
        >>> hard_tanh(nr.tensor([-3.0, 0.5, 3.0]))
        tensor([-1. ,  0.5,  1. ])
    """
    return HardLinear.apply(x)


def linear(x: Any):
    """Identity (course A17), Keras's ``'linear'``: f(x) = x, f'(x) = 1; returns ``x`` itself.

    NOTE: PyTorch's ``F.linear`` is the affine map x Wᵀ + b; here that is :func:`dense`.

    Example:
        >>> import neurona as nr
        >>> linear(nr.tensor([2.0]))
        tensor([2.])
    """
    return x


def exponential(x: Any):
    """Exponential activation: f(x) = eˣ, f'(x) = eˣ (the same node as ``exp``).

    Example:
        >>> import neurona as nr
        >>> exponential(nr.tensor([0.0]))
        tensor([1.])
    """
    return exp(x)
