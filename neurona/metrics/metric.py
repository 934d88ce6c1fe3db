"""Floor 3: the ``Metric`` base class (state that accumulates over batches: ``update_state``,
``result``, ``reset_state``), the running ``Mean`` and ``MeanMetricWrapper``, as in Keras 3."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from neurona.autodiff.tensor import Tensor
from neurona.losses.loss import squeeze_or_expand_to_same_rank

__all__ = ["Metric", "Mean", "MeanMetricWrapper"]


def to_numpy(x: Any) -> np.ndarray:
    """An array from a tensor (its data, no graph), a pandas object, a list or an array."""
    if isinstance(x, Tensor):
        x = x.numpy()
    return np.asarray(getattr(x, "values", x))


def _snake(name: str) -> str:
    """Keras's to_snake_case: 'AUC' → 'auc', 'KLDivergence' → 'kl_divergence'."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class Metric:
    """Base of the stateful metrics: feed batches with ``update_state``, read ``result()``.

    Metrics never enter the graph: tensors are read through their data. State is kept in float64
    (Keras keeps float32); ``result()`` returns a Python float (or an array, for several
    thresholds).

    Args:
        name: a label (the snake-case class name by default), shown in ``fit``'s logs.
        dtype: kept for Keras compatibility ('float32').

    Example:
        >>> class Count(Metric):
        ...     def reset_state(self): self.n = 0
        ...     def update_state(self, y_true, y_pred, sample_weight=None): self.n += len(y_true)
        ...     def result(self): return float(self.n)
        >>> m = Count(); m.update_state([1, 2], [1, 2]); m.result()
        2.0
    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name or _snake(type(self).__name__)
        self.dtype = np.dtype(dtype or "float32").name
        self.reset_state()

    def reset_state(self) -> None:
        """Forget everything seen (called at the start of each epoch)."""
        raise NotImplementedError(f"{type(self).__name__} must define reset_state()")

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Accumulate the statistics of one batch."""
        raise NotImplementedError(f"{type(self).__name__} must define update_state()")

    def result(self) -> Any:
        """The metric over everything seen since the last reset."""
        raise NotImplementedError(f"{type(self).__name__} must define result()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Update with one batch and return the result, like Keras's ``metric(y_true, y_pred)``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        """The arguments that rebuild this metric (Keras's keys)."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        """Rebuild a metric from :meth:`get_config`'s dictionary."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    """The (weighted) running mean of values, e.g. the loss over the batches of an epoch.

        result = Σ wᵢ vᵢ / Σ wᵢ   over every sample seen (values of shape (n, …) are first averaged
        per sample; without weights, wᵢ = 1)

    Example:
        >>> m = Mean(); m.update_state([1.0, 3.0, 5.0, 7.0]); m.result()
        4.0
        >>> m.update_state([10.0], sample_weight=[4.0]); m.result()
        7.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        """Set the total and the count to 0."""
        self.total, self.count = 0.0, 0.0

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add a batch of values (a scalar counts as one sample), optionally weighted."""
        values = to_numpy(values).astype(np.float64)
        if sample_weight is not None:
            weights = to_numpy(sample_weight).astype(np.float64)
            values, weights = squeeze_or_expand_to_same_rank(values, weights)
            if values.ndim > weights.ndim:  # reduce values to the rank of the weights
                values = values.mean(axis=tuple(range(weights.ndim, values.ndim)))
            weights = np.broadcast_to(weights, values.shape)
            values = values * weights
            if weights.ndim > 1:
                weights = weights.mean(axis=tuple(range(1, weights.ndim)))
        if values.ndim > 1:
            values = values.mean(axis=tuple(range(1, values.ndim)))
        self.total += float(values.sum())
        if sample_weight is not None:
            self.count += float(weights.sum())
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self) -> float:
        """total / count (0 before any sample, as Keras's divide_no_nan)."""
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The running mean of a per-sample function ``fn(y_true, y_pred, **kwargs)`` (a loss function,
    an accuracy function …).

    Example:
        >>> from neurona.losses import mean_absolute_error
        >>> m = MeanMetricWrapper(mean_absolute_error, name="mae")
        >>> m.update_state([[0.0], [0.0]], [[1.0], [3.0]]); m.result()
        2.0
    """

    def __init__(
        self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(name=name or getattr(fn, "__name__", "mean"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Evaluate ``fn`` on the batch and add its per-sample values to the mean."""
        values = self._fn(to_numpy(y_true), to_numpy(y_pred), **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        """name, dtype and the function's keyword arguments."""
        return {**super().get_config(), **self._fn_kwargs}
