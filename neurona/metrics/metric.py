"""Floor 3: the ``Metric`` base class (state that accumulates over batches: ``update_state``,
``result``, ``reset_state``, Keras 3's ``add_variable``), the running ``Mean`` and
``MeanMetricWrapper``, as in Keras 3."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from neurona import initializers
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


class _MetricType(type):
    """Runs ``reset_state()`` once the whole constructor chain has finished, for the metrics that
    keep their state in plain attributes (no ``add_variable``): their ``reset_state`` creates it.

    A metric with variables is left as its constructor made it, as in Keras, so a Keras-style
    subclass may create its variables after ``super().__init__()``.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        metric = super().__call__(*args, **kwargs)
        if not getattr(metric, "_variables", None):
            metric.reset_state()
        return metric


class Metric(metaclass=_MetricType):
    """Base of the stateful metrics: feed batches with ``update_state``, read ``result()``.

    Two ways to keep state, both usable by ``fit``:

    - Keras 3's: create variables with :meth:`add_variable` (after ``super().__init__()``) and
      update them with ``assign``, ``assign_add``, ``assign_sub``; the default
      :meth:`reset_state` sets them back to their initial values.
    - plain attributes (neurona's built-in metrics): ``reset_state()`` creates them, and is
      called once the constructor has run.

    Metrics never enter the graph: tensors are read through their data. The built-in metrics keep
    state in float64 (Keras keeps float32); their ``result()`` returns a Python float (or an
    array, for several thresholds). ``fit`` reads any result with ``float()``, so a Keras-style
    result (a variable, a Tensor, an array) works too.

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
        >>> class KerasCount(Metric):  # the same with Keras 3's metric-state API
        ...     def __init__(self, name="count", **kwargs):
        ...         super().__init__(name=name, **kwargs)
        ...         self.n = self.add_variable(shape=(), initializer="zeros", name="n")
        ...     def update_state(self, y_true, y_pred, sample_weight=None):
        ...         self.n.assign_add(len(y_true))
        ...     def result(self): return self.n
        >>> k = KerasCount(); k.update_state([1, 2], [1, 2]); float(k.result())
        2.0
    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name or _snake(type(self).__name__)
        self.dtype = np.dtype(dtype or "float32").name
        self._variables: list[Tensor] = []
        self._initial_values: list[np.ndarray] = []

    def add_variable(
        self,
        shape: Any,
        initializer: Any = "zeros",
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> Tensor:
        """Create a state variable (Keras 3's ``Metric.add_variable``), listed in ``variables``.

        The variable is a Tensor that is never trained; update it in place with ``assign``,
        ``assign_add`` or ``assign_sub`` and read it with ``numpy()``.

        Args:
            shape: the variable's shape, () for a scalar.
            initializer: an initialiser name ('zeros', 'ones', …), an Initializer or a callable
                ``(shape, dtype)``.
            dtype: the variable's dtype (None: the default float dtype, float32, as Keras).
            aggregation: kept for Keras compatibility (how replicas would be combined).
            name: a label for the variable.

        Returns:
            The new variable.

        Raises:
            RuntimeError: when called before ``super().__init__()``.

        Example:
            >>> m = Metric(); v = m.add_variable((2,), initializer="ones", name="total")
            >>> v.assign_add([1.0, 2.0]).numpy(), len(m.variables)
            (array([2., 3.], dtype=float32), 1)
        """
        if not hasattr(self, "_variables"):
            raise RuntimeError(
                f"{type(self).__name__}.add_variable: the metric is not initialised yet. Call "
                "super().__init__(name=name, dtype=dtype) before creating variables."
            )
        initial = np.array(to_numpy(initializers.get(initializer)(shape, dtype=dtype)))
        self._initial_values.append(initial)
        variable = Tensor(initial.copy(), dtype=initial.dtype, name=name)
        self._variables.append(variable)
        return variable

    def add_weight(
        self, shape: Any = (), initializer: Any = None, dtype: Any = None, name: str | None = None
    ) -> Tensor:
        """Keras's older alias of :meth:`add_variable` (zeros when no initializer is given).

        Example:
            >>> Metric().add_weight(name="count").numpy()
            array(0., dtype=float32)
        """
        return self.add_variable(shape, initializer or "zeros", dtype=dtype, name=name)

    @property
    def variables(self) -> list[Tensor]:
        """The state variables made by :meth:`add_variable`, in creation order.

        Example:
            >>> Metric().variables
            []
        """
        return list(getattr(self, "_variables", []))

    def reset_state(self) -> None:
        """Forget everything seen (called at the start of each epoch): every variable made by
        :meth:`add_variable` goes back to its initial value.

        NOTE: Keras 3 sets every variable to zeros; the two agree for zero-initialised state
        (every Keras built-in metric), and differ only for other initialisers.

        Example:
            >>> m = Metric(); v = m.add_variable((), initializer="ones"); _ = v.assign(7.0)
            >>> m.reset_state(); v.numpy()
            array(1., dtype=float32)
        """
        for variable, initial in zip(self.variables, self._initial_values):
            variable.assign(initial)

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
