"""Floor 3: the ``Loss`` base class, Keras 3's way: a per-sample loss function, then
``sample_weight`` and a reduction ('sum_over_batch_size' by default) to one scalar tensor."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

import neurona.functional as F
from neurona.autodiff.tensor import Tensor, as_array
from neurona.errors import ShapeError

__all__ = ["Loss", "LossFunctionWrapper", "reduce_weighted_values"]

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _snake(name: str) -> str:
    """Keras's to_snake_case: 'AUC' → 'auc', 'KLDivergence' → 'kl_divergence'."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def as_prediction(y_pred: Any) -> Tensor:
    """y_pred as a tensor (an array or list becomes a constant tensor, float32 unless float)."""
    return y_pred if isinstance(y_pred, Tensor) else Tensor(y_pred)


def as_target(y_true: Any, dtype: Any = None):
    """y_true as an array of ``dtype`` (a tensor is kept, so that its gradient can flow)."""
    if isinstance(y_true, Tensor):
        return y_true
    y_true = getattr(y_true, "values", y_true)  # pandas Series / DataFrame
    return as_array(y_true) if dtype is None else np.asarray(y_true).astype(dtype, copy=False)


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True):
    """Keras's rank matching: drop (or, for rank 1, add) a trailing axis of size 1 when the ranks
    differ by exactly one; e.g. labels (n,) with predictions (n, 1) become (n, 1)."""
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _expand(x2)
        else:
            x1 = _squeeze(x1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _expand(x1)
        else:
            x2 = _squeeze(x2)
    return x1, x2


def _expand(x):
    return F.expand_dims(x, -1) if isinstance(x, Tensor) else x[..., None]


def _squeeze(x):
    return F.squeeze(x, -1) if isinstance(x, Tensor) else x[..., 0]


def reduce_weighted_values(
    values: Tensor,
    sample_weight: Any = None,
    mask: Any = None,
    reduction: str | None = "sum_over_batch_size",
) -> Tensor:
    """Weight the per-sample losses and reduce them as Keras 3 does.

        'sum':                          Σᵢ wᵢ Lᵢ
        'sum_over_batch_size', 'mean':  Σᵢ wᵢ Lᵢ / (number of loss values)
        'mean_with_sample_weight':      Σᵢ wᵢ Lᵢ / Σᵢ wᵢ
        'none' or None:                 the weighted values wᵢ Lᵢ

    A zero divisor gives 0 (Keras's divide_no_nan). A ``mask`` (entries to keep) acts as a weight,
    rescaled so that 'sum_over_batch_size' averages over the kept entries only.

    Example:
        >>> reduce_weighted_values(nr.tensor([1.0, 3.0]), sample_weight=np.array([1.0, 0.0]))
        tensor(0.5)
    """
    dtype = values.dtype
    if mask is not None:
        mask = np.asarray(mask)
        kept = float(mask.sum())
        scale = (
            (mask.size / kept if kept else 0.0)
            if reduction in ("mean", "sum_over_batch_size")
            else 1
        )
        weight = mask.astype(dtype) * scale
        sample_weight = weight if sample_weight is None else _weights(sample_weight, dtype) * weight
    if sample_weight is not None:
        sample_weight = _weights(sample_weight, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        try:
            np.broadcast_shapes(values.shape, sample_weight.shape)
        except ValueError:
            raise ShapeError(
                f"Loss: expected a sample_weight with one weight per sample (shape "
                f"{values.shape[:1]}) or a scalar, got shape {sample_weight.shape} for losses of "
                f"shape {values.shape}."
            ) from None
        values = values * sample_weight
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    if sample_weight is None and reduction in ("sum_over_batch_size", "mean"):
        return F.mean(values)  # one node: Σ Lᵢ / (number of values)
    total = F.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(np.broadcast_to(sample_weight, values.shape).sum())
    else:
        divisor = float(values.size)
    return total / divisor if divisor else total * 0.0


def _weights(sample_weight: Any, dtype) -> np.ndarray:
    if isinstance(sample_weight, Tensor):
        sample_weight = sample_weight.data
    return np.asarray(getattr(sample_weight, "values", sample_weight), dtype=dtype)


class Loss:
    """Base of every loss: call it as ``loss(y_true, y_pred, sample_weight=None)``.

        loss = reduce(w ⊙ L(y_true, y_pred))      L: one value per sample (``call``)

    Subclasses write ``call(y_true, y_pred)``; the base class applies ``sample_weight`` and the
    reduction. Inputs may be arrays, lists or tensors; y_pred should be a tensor when you want
    gradients. neurona computes in y_pred's dtype (float32 by default, float64 in gradient checks);
    ``dtype`` is accepted for Keras compatibility.

    Args:
        name: a label, by default the class name in snake case.
        reduction: 'sum_over_batch_size' (Keras's default), 'sum', 'mean',
            'mean_with_sample_weight', 'none' or None.
        dtype: kept for Keras compatibility (see above).

    Example:
        >>> class Squares(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return ((y_pred - y_true) ** 2).sum(axis=-1)
        >>> Squares()(nr.tensor([[1.0, 2.0]]), nr.tensor([[0.0, 0.0]]))
        tensor(5.)
    """

    _labels_checked = False  # True inside losses.checked_labels(self, ...): no per-batch checks

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: Any = None,
    ) -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(
                f"{type(self).__name__}: expected reduction to be one of {list(REDUCTIONS)}, got "
                f"{reduction!r}. Use 'sum_over_batch_size' (the mean over the batch) unless you "
                "need another one."
            )
        self.name = name or _snake(type(self).__name__)
        self.reduction = reduction
        self.dtype = dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        if sample_weight is None and self.reduction in ("sum_over_batch_size", "mean"):
            fused = self._fused_mean(y_true, y_pred)
            if fused is not None:
                return fused
        y_pred = as_prediction(y_pred)
        values = self.call(y_true, y_pred)
        return reduce_weighted_values(
            values, sample_weight, self._loss_mask(y_true, y_pred), self.reduction
        )

    def _fused_mean(self, y_true: Any, y_pred: Any) -> Tensor | None:
        """The batch mean as one node when a kernel computes it with the same numbers (fewer
        nodes, less Python per training step); None computes values, then reduces them."""
        return None

    def _loss_mask(self, y_true: Any, y_pred: Tensor) -> Any:
        """Entries that count (None: all); SparseCategoricalCrossentropy's ignore_class uses it."""
        return None

    def call(self, y_true: Any, y_pred: Tensor) -> Tensor:
        """The loss of each sample (subclasses write it)."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")

    def get_config(self) -> dict:
        """The arguments that rebuild this loss (Keras's keys)."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        """Rebuild a loss from :meth:`get_config`'s dictionary."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a per-sample loss function ``fn(y_true, y_pred, **kwargs)``.

    This is what ``compile(loss="mse")`` builds from a function, as in Keras.

    Example:
        >>> from neurona.losses import mean_squared_error
        >>> LossFunctionWrapper(mean_squared_error)(np.ones((2, 1)), nr.tensor([[0.0], [2.0]]))
        tensor(1.)
    """

    def __init__(
        self,
        fn: Callable,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype
        )
        self.fn = fn
        self._fn_kwargs = kwargs

    def _fused_mean(self, y_true: Any, y_pred: Any) -> Tensor | None:
        """The function's ``fused_mean`` companion (same arguments, and ``checked``: whether
        ``checked_labels`` made the label checks; a scalar or None), if any."""
        fused = getattr(self.fn, "fused_mean", None)
        if fused is None:
            return None
        return fused(y_true, y_pred, checked=self._labels_checked, **self._fn_kwargs)

    def call(self, y_true: Any, y_pred: Tensor) -> Tensor:
        """Apply the wrapped function (which matches ranks and checks shapes itself)."""
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        """Keras's keys: name, reduction and the function's keyword arguments."""
        return {**super().get_config(), **self._fn_kwargs}
