"""Floor 2: the course's threshold units, step (Heaviside: McCulloch–Pitts, Rosenblatt's 0/1
perceptron) and sign (the ±1 perceptron). Their derivative is 0 wherever it exists, so they have
no gradient: a backward pass (or forward-mode jvp) through them raises NotDifferentiableError."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module

__all__ = ["step", "sign"]


class Step(Function):
    """a = 1 if x ≥ 0 else 0 (Heaviside); NaN stays NaN.  No derivative: backward and jvp raise
    NotDifferentiableError (Function's default backward)."""

    def forward(self, x):
        a = (x >= 0).astype(x.dtype)
        if x.dtype.kind in "fc":  # NaN in, NaN out (as NumPy's heaviside)
            a[get_array_module(x).isnan(x)] = float("nan")
        return a

    def jvp(self, x_dot):
        return self.backward(x_dot)  # raises NotDifferentiableError, in forward mode too


class Sign(Step):
    """a = sign(x) ∈ {−1, 0, 1}, NaN stays NaN (NumPy's sign).  No derivative, like Step."""

    def forward(self, x):
        return get_array_module(x).sign(x)


def step(x: Any):
    """Heaviside step (course A18, the McCulloch–Pitts unit): 1 if x ≥ 0 else 0.

    Its derivative is 0 wherever it exists, so a backward pass through it raises
    NotDifferentiableError instead of silently giving zero gradients (use sigmoid to learn).

    Example:
        >>> import neurona as nr
        >>> step(nr.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 1., 1.])
    """
    return Step.apply(x)


def sign(x: Any):
    """sign(x) ∈ {−1, 0, 1} (course A18, the ±1 perceptron); no gradient, like :func:`step`.

    Example:
        >>> import neurona as nr
        >>> sign(nr.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    return Sign.apply(x)
