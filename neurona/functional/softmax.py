"""Floor 2: softmax and log-softmax along an axis, the normalising activations of multiclass
outputs, computed stably (shifted by the maximum) so that logits of ±1e4 give no NaN or inf."""

from __future__ import annotations

from typing import Any

from neurona.autodiff.function import Function
from neurona.backend import get_array_module

__all__ = ["softmax", "log_softmax"]


class Softmax(Function):
    """s = softmax(x) along ``axis``.  backward: ∂L/∂x = s ⊙ (g − Σ g ⊙ s).
    jvp: ṡ = s ⊙ (ẋ − Σ ẋ ⊙ s)  (Σ along ``axis``)."""

    def forward(self, x, axis=-1):
        s = get_array_module(x).exp(x - x.max(axis=axis, keepdims=True))  # e^{x − max} ≤ 1
        s /= s.sum(axis=axis, keepdims=True)
        self.save_for_backward(s, axis)
        return s

    def backward(self, grad_out):
        s, axis = self.saved
        return s * (grad_out - (grad_out * s).sum(axis=axis, keepdims=True))

    jvp = backward  # the Jacobian of softmax is symmetric, so J ẋ and Jᵀ g are the same formula


class LogSoftmax(Function):
    """y = x − logsumexp(x) along ``axis``, shifted by max(x) so that e^{x−max} ≤ 1.
    backward: ∂L/∂x = g − softmax(x) Σ g.  jvp: ẏ = ẋ − Σ softmax(x) ⊙ ẋ."""

    def forward(self, x, axis=-1):
        xp = get_array_module(x)
        shifted = x - x.max(axis=axis, keepdims=True)
        shifted -= xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))  # y = x − logsumexp
        self.save_for_backward(shifted, axis)
        return shifted

    def backward(self, grad_out):
        y, axis = self.saved
        return grad_out - get_array_module(y).exp(y) * grad_out.sum(axis=axis, keepdims=True)

    def jvp(self, x_dot):
        y, axis = self.saved
        return x_dot - (get_array_module(y).exp(y) * x_dot).sum(axis=axis, keepdims=True)


def softmax(x: Any, axis: int = -1):
    """Softmax along ``axis`` (course A4): a probability distribution, stable for huge logits.

        sᵢ = e^{xᵢ} / Σⱼ e^{xⱼ}          ∂sᵢ/∂xⱼ = sᵢ(δᵢⱼ − sⱼ)

    Computed as e^{x − max x} / Σ e^{x − max x} (the same value, never overflows).

    Example:
        >>> import neurona as nr
        >>> softmax(nr.tensor([[0.0, 0.0], [1e4, 0.0]]))
        tensor([[0.5, 0.5],
                [1. , 0. ]])
    """
    return Softmax.apply(x, axis=axis)


def log_softmax(x: Any, axis: int = -1):
    """log(softmax(x)) along ``axis``, computed stably as x − max x − ln Σ e^{x − max x}.

        yᵢ = xᵢ − ln Σⱼ e^{xⱼ}          ∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ

    Example:
        >>> import neurona as nr
        >>> log_softmax(nr.tensor([1e4, 0.0]))
        tensor([     0., -10000.])
    """
    return LogSoftmax.apply(x, axis=axis)
