"""Floor 2: reductions (sum, mean, max, min, logsumexp, var) over ``axis`` with ``keepdims``.

A reduction's backward spreads ∂L/∂z back over the axes it collapsed: each input element gets the
gradient of the output it fed, weighted by ∂z/∂xᵢ (1 for sum, 1/n for mean, the softmax for
logsumexp, the share of the maximum for max)."""

from __future__ import annotations

import contextlib
import math
from typing import Any

from neurona.autodiff.function import Function
from neurona.autodiff.tensor import Tensor, as_array
from neurona.backend import get_array_module

__all__ = ["sum", "mean", "max", "min", "logsumexp", "var"]

Axis = int | tuple[int, ...] | None


def _axes(where: str, axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    items = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)  # a scalar accepts axis 0, like PyTorch
    out = []
    for a in items:
        if isinstance(a, bool) or not hasattr(a, "__index__"):
            raise TypeError(
                f"{where}(): expected axis to be None, an int or a tuple of ints, "
                f"got {axis!r}. Pass e.g. axis=0 or axis=(0, 1)."
            )
        a = int(a)
        if not lo <= a <= hi:
            raise ValueError(
                f"{where}(): axis {a} is out of range for an input with {ndim} "
                f"axes; expected axes in [{lo}, {hi}]. Check the input's shape, "
                "or use axis=-1 for the last axis."
            )
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{where}(): axis {axis!r} names an axis twice; list each axis once.")
    return tuple(sorted(out)) if ndim else ()


def _quiet(xp):
    """Silence floating-point warnings (NumPy's errstate; CuPy has none and never warns)."""
    errstate = getattr(xp, "errstate", None)
    return errstate(all="ignore") if errstate else contextlib.nullcontext()


def _input(x: Any):
    """A tensor stays a tensor; anything else (lists, numbers, arrays) becomes an array."""
    return x if isinstance(x, Tensor) else as_array(x)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The output shape with keepdims=True: the reduced axes become 1."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class _Reduction(Function):
    """Shared bookkeeping: forward gets ``axes`` (normalised) and ``keepdims``."""

    def _finish(self, xp, z_kept, keepdims):
        """The output from its keepdims form, as an array (never a NumPy scalar)."""
        return xp.asarray(z_kept if keepdims else z_kept.reshape(self.out_shape))

    def _setup(self, x, axes, keepdims):
        self.x_shape, self.axes = x.shape, axes
        self.kept = _kept_shape(x.shape, axes)
        self.out_shape = (
            self.kept if keepdims else tuple(n for i, n in enumerate(x.shape) if i not in axes)
        )
        return get_array_module(x)

    def _spread(self, grad_out):
        """∂L/∂z of the output reshaped so that it broadcasts against the input."""
        return grad_out.reshape(self.kept)


class Sum(_Reduction):
    """z = Σ_axes x.  backward: ∂L/∂xᵢ = ∂L/∂z (copied over the summed axes).  jvp: ż = Σ ẋ."""

    def forward(self, x, axes=(), keepdims=False):
        xp = self._setup(x, axes, keepdims)
        return self._finish(xp, x.sum(axis=axes, keepdims=True), keepdims)

    def backward(self, grad_out):
        xp = get_array_module(grad_out)
        return xp.broadcast_to(self._spread(grad_out), self.x_shape).copy()

    def jvp(self, x_dot):
        return get_array_module(x_dot).asarray(x_dot.sum(axis=self.axes).reshape(self.out_shape))


class Mean(_Reduction):
    """z = (1/n) Σ_axes x, n = the number of elements reduced.  backward: ∂L/∂xᵢ = ∂L/∂z / n.
    jvp: ż = (1/n) Σ ẋ."""

    def forward(self, x, axes=(), keepdims=False):
        xp = self._setup(x, axes, keepdims)
        self.n = math.prod(x.shape[a] for a in axes)
        return self._finish(xp, x.mean(axis=axes, keepdims=True), keepdims)

    def backward(self, grad_out):
        xp = get_array_module(grad_out)
        return xp.broadcast_to(self._spread(grad_out) / self.n, self.x_shape).copy()

    def jvp(self, x_dot):
        xp = get_array_module(x_dot)
        return xp.asarray(x_dot.mean(axis=self.axes).reshape(self.out_shape))


class _Extremum(_Reduction):
    """z = max or min over the axes.  ∂z/∂xᵢ = 1/k for the k elements equal to z, else 0 (ties
    share the gradient equally, like torch.amax).  backward: ∂L/∂xᵢ = ∂L/∂z ⊙ wᵢ.
    jvp: ż = Σ w ⊙ ẋ."""

    reduce = "max"

    def forward(self, x, axes=(), keepdims=False):
        xp = self._setup(x, axes, keepdims)
        z = getattr(x, self.reduce)(axis=axes, keepdims=True)
        hits = x == z
        count = hits.sum(axis=axes, keepdims=True)
        # NOTE: a NaN maximum matches nothing; max(count, 1) keeps the weights 0 instead of 0/0.
        w = hits.astype(x.dtype) / xp.maximum(count, 1).astype(x.dtype)  # share of each element
        self.save_for_backward(w)
        return self._finish(xp, z, keepdims)

    def backward(self, grad_out):
        (w,) = self.saved
        return self._spread(grad_out) * w

    def jvp(self, x_dot):
        (w,) = self.saved
        xp = get_array_module(w)
        return xp.asarray((w * x_dot).sum(axis=self.axes).reshape(self.out_shape))


class Max(_Extremum):
    """z = max over the axes (see ``_Extremum``)."""

    reduce = "max"


class Min(_Extremum):
    """z = min over the axes (see ``_Extremum``)."""

    reduce = "min"


class LogSumExp(_Reduction):
    """z = m + ln Σ exp(x − m), m = max x (so no exp overflows).
    backward: ∂L/∂xᵢ = ∂L/∂z ⊙ softmax(x)ᵢ, softmax(x)ᵢ = exp(xᵢ − z).
    jvp: ż = Σ softmax(x) ⊙ ẋ."""

    def forward(self, x, axes=(), keepdims=False):
        xp = self._setup(x, axes, keepdims)
        m = x.max(axis=axes, keepdims=True) if x.size else xp.zeros(self.kept, x.dtype)
        # NOTE: when a whole slice is −∞ (or holds +∞), m − m would be NaN; shift by 0 there.
        m = xp.where(xp.isfinite(m), m, xp.zeros((), dtype=x.dtype))
        with _quiet(xp):
            e = xp.exp(x - m)
            total = e.sum(axis=axes, keepdims=True)
            z = xp.log(total) + m
            # NOTE: e / Σe, not exp(x − z): in float32 z = 1e4 + ln 2 is rounded to ±5e-4
            s = e / total  # softmax along the axes
        if x.size and not xp.isfinite(z).all():  # all −∞ or some +∞: no NaN in the gradient
            s = xp.where(xp.isnan(s), xp.zeros((), dtype=x.dtype), s)
        self.save_for_backward(s)
        return self._finish(xp, z.astype(x.dtype, copy=False), keepdims)

    def backward(self, grad_out):
        (s,) = self.saved
        return self._spread(grad_out) * s

    def jvp(self, x_dot):
        (s,) = self.saved
        xp = get_array_module(s)
        return xp.asarray((s * x_dot).sum(axis=self.axes).reshape(self.out_shape))


class Var(_Reduction):
    """z = (1/(n − ddof)) Σ (x − μ)², μ = mean x.  backward: ∂L/∂xᵢ = ∂L/∂z ⊙ 2(xᵢ − μ)/(n − ddof).
    jvp: ż = 2/(n − ddof) Σ (x − μ) ⊙ ẋ  (the μ̇ term vanishes because Σ (x − μ) = 0)."""

    def forward(self, x, axes=(), keepdims=False, ddof=0):
        xp = self._setup(x, axes, keepdims)
        centred = x - x.mean(axis=axes, keepdims=True)
        self.n = math.prod(x.shape[a] for a in axes) - ddof
        self.save_for_backward(centred)
        with _quiet(xp):
            z = (centred * centred).sum(axis=axes, keepdims=True) / self.n
        return self._finish(xp, z.astype(x.dtype, copy=False), keepdims)

    def backward(self, grad_out):
        (centred,) = self.saved
        return self._spread(grad_out) * (2 * centred / self.n)

    def jvp(self, x_dot):
        (centred,) = self.saved
        xp = get_array_module(centred)
        z_dot = (centred * x_dot).sum(axis=self.axes) * (2 / self.n)
        return xp.asarray(z_dot.reshape(self.out_shape))


def _reduce(cls, where: str, x: Any, axis: Axis, keepdims: bool, **params: Any):
    x = _input(x)
    axes = _axes(where, axis, x.ndim)
    if cls in (Max, Min) and any(x.shape[a] == 0 for a in axes):
        raise ValueError(
            f"{where}(): cannot reduce an empty input of shape {x.shape} over axis "
            f"{axis!r}: it has no {where} (no identity). Check the input's shape."
        )
    return cls.apply(x, axes=axes, keepdims=bool(keepdims), **params)


def sum(x: Any, axis: Axis = None, keepdims: bool = False):  # noqa: A001 - NumPy's name
    """Σ of x over ``axis`` (all axes when None).

        z = Σ_axes x;   ∂z/∂xᵢ = 1, so ∂L/∂x is ∂L/∂z copied back over the summed axes.

    Args:
        x: a tensor or array.
        axis: None, an axis or a tuple of axes (negative counts from the end).
        keepdims: keep the reduced axes with size 1 (so the result broadcasts against x).

    Example:
        >>> import neurona as nr
        >>> sum(nr.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
        tensor([4., 6.])
    """
    return _reduce(Sum, "sum", x, axis, keepdims)


def mean(x: Any, axis: Axis = None, keepdims: bool = False):
    """Arithmetic mean of x over ``axis`` (all axes when None).

        z = (1/n) Σ_axes x;   ∂z/∂xᵢ = 1/n  (n = number of elements averaged)

    Example:
        >>> import neurona as nr
        >>> mean(nr.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1, keepdims=True)
        tensor([[1.5],
                [3.5]])
    """
    return _reduce(Mean, "mean", x, axis, keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False):  # noqa: A001 - NumPy's name
    """Maximum of x over ``axis`` (all axes when None), like ``torch.amax``.

        z = max_axes x;   ∂z/∂xᵢ = 1/k if xᵢ is one of the k elements equal to z, else 0

    Ties share the gradient equally (torch.amax's convention; max pooling uses it too).

    Example:
        >>> import neurona as nr
        >>> x = nr.tensor([1.0, 3.0, 3.0], requires_grad=True)
        >>> max(x).backward(); x.grad
        array([0. , 0.5, 0.5], dtype=float32)
    """
    return _reduce(Max, "max", x, axis, keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False):  # noqa: A001 - NumPy's name
    """Minimum of x over ``axis`` (all axes when None), like ``torch.amin``.

        z = min_axes x;   ∂z/∂xᵢ = 1/k if xᵢ is one of the k elements equal to z, else 0

    Example:
        >>> import neurona as nr
        >>> min(nr.tensor([[1.0, -2.0], [0.5, 4.0]]), axis=1)
        tensor([-2. ,  0.5])
    """
    return _reduce(Min, "min", x, axis, keepdims)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False):
    """ln Σ exp(x) over ``axis``, computed stably.

        logsumexp(x) = m + ln Σ exp(x − m),  m = max x
        ∂/∂xᵢ logsumexp(x) = exp(xᵢ) / Σ exp(x) = softmax(x)ᵢ

    Subtracting m keeps every exponent ≤ 0, so inputs of ±1e4 give no inf or NaN (the naive
    ln Σ eˣ overflows above x ≈ 709 in float64, 88 in float32). A slice of all −∞ gives −∞.

    Example:
        >>> import neurona as nr
        >>> logsumexp(nr.tensor([1e4, 1e4]))  # 1e4 + ln 2
        tensor(10000.693)
    """
    return _reduce(LogSumExp, "logsumexp", x, axis, keepdims)


def var(x: Any, axis: Axis = None, keepdims: bool = False, ddof: int = 0):
    """Variance of x over ``axis``; the population variance by default (NumPy's and Keras's).

        var(x) = (1/(n − ddof)) Σ (x − μ)²,  μ = mean x
        ∂var/∂xᵢ = 2 (xᵢ − μ) / (n − ddof)

    ``ddof=1`` gives the unbiased sample variance (``torch.var``'s default).

    Example:
        >>> import neurona as nr
        >>> var(nr.tensor([1.0, 2.0, 3.0, 4.0]))  # mean 2.5, squares 2.25 + .25 + .25 + 2.25
        tensor(1.25)
    """
    if isinstance(ddof, bool) or not isinstance(ddof, int) or ddof < 0:
        raise ValueError(
            f"var(): expected ddof to be a non-negative int, got {ddof!r}. "
            "Use ddof=0 (population) or ddof=1 (sample variance)."
        )
    return _reduce(Var, "var", x, axis, keepdims, ddof=ddof)
