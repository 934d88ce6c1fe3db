"""Floor 5: what ``compile`` turns its ``loss``, ``loss_weights`` and ``metrics`` into, for models
with one output or several (Keras 3's ``CompileLoss`` and ``CompileMetrics``):

    L = Σ_k w_k · loss_k(y_k, ŷ_k) + Σ penalties (the layers' ``losses``)

One loss for every output, a list in the order of ``model.output_names``, or a dict keyed by
those names; ``loss_weights`` (w_k, default 1) and ``metrics`` the same way. With several
outputs the logs name each part after its output: 'priority_loss', 'department_accuracy'."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import losses, metrics
from neurona.layers._structure import is_structure

__all__ = ["CompileLoss", "CompileMetrics", "LossTracker", "align", "is_structure", "resolve_loss"]


def resolve_loss(loss: Any) -> losses.Loss:
    """A Loss object from a name, a Loss or a function (wrapped).

    Example:
        >>> resolve_loss("mse").name
        'mse'
    """
    fn = losses.get(loss)
    if isinstance(fn, losses.Loss):
        return fn
    return losses.LossFunctionWrapper(fn, name=loss if isinstance(loss, str) else None)


def align(value: Any, names: list[str], what: str, where: str = "fit") -> list:
    """One entry per output, in the order of ``names``: a dict is looked up by output name, a
    list or tuple taken in order, anything else is the single output's entry.

    Example:
        >>> align({"b": 2, "a": 1}, ["a", "b"], "y"), align(5, ["out"], "y")
        ([1, 2], [5])
    """
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(
                f"{where}: {what} has keys {unknown} that are not outputs of the "
                f"model; its outputs are {names}."
            )
        return [value.get(name) for name in names]
    if len(names) > 1 or (isinstance(value, (list, tuple)) and is_structure(value)):
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        if len(items) != len(names):
            raise ValueError(
                f"{where}: the model has {len(names)} output(s) {names}, so {what} "
                f"needs one entry per output (a list in that order or a dict by "
                f"name), got {len(items)}."
            )
        return items
    return [value]


class LossTracker(metrics.Mean):
    """The running mean of a loss over an epoch's batches, weighted by batch size ('loss').

    Example:
        >>> tracker = LossTracker("loss"); tracker.add(2.0, 4); tracker.add(5.0, 2)
        >>> tracker.result()
        3.0
    """

    def add(self, value: float, n: int) -> None:
        """Count a batch of ``n`` samples whose mean loss is ``value``."""
        self.total += value * n
        self.count += n

    def result(self) -> float:
        """The mean so far (NaN before any batch)."""
        return self.total / self.count if self.count else float("nan")


class CompileLoss:
    """The loss ``compile`` was given, applied output by output and weighted.

    Args:
        loss: a loss (name, Loss, function), a list of them or a dict by output name; None
            means the model trains on its ``add_loss`` terms alone.
        loss_weights: None, a float (one output), a list or a dict by output name.
        output_names: the model's outputs, in order.

    Example:
        >>> import neurona as nr
        >>> compiled = CompileLoss(["mse", "mae"], [1.0, 0.5], ["a", "b"])
        >>> y_true = [np.zeros((2, 1)), np.zeros((2, 1))]
        >>> total = compiled(y_true, [nr.tensor([[1.0], [1.0]]), nr.tensor([[2.0], [2.0]])])
        >>> float(total.item()), [float(v.item()) for v in compiled.last_values]
        (2.0, [1.0, 2.0])
    """

    def __init__(self, loss: Any, loss_weights: Any, output_names: list[str]) -> None:
        self.spec, self.weights_spec, self.output_names = loss, loss_weights, list(output_names)
        where = "compile"
        if loss is None:
            entries: list = [None] * len(self.output_names)
        elif isinstance(loss, dict) or (isinstance(loss, (list, tuple)) and loss):
            entries = align(loss, self.output_names, "loss", where)
        else:
            entries = [loss] * len(self.output_names)  # one loss for every output (Keras 3)
        self.losses = [None if e is None else resolve_loss(e) for e in entries]
        if loss_weights is None:
            weights: list = [1.0] * len(self.output_names)
        elif isinstance(loss_weights, (int, float)):
            weights = [float(loss_weights)] * len(self.output_names)
        else:
            weights = [
                1.0 if w is None else float(w)
                for w in align(loss_weights, self.output_names, "loss_weights", where)
            ]
        self.loss_weights = weights
        self.has_loss = any(loss is not None for loss in self.losses)
        self.last_values: list = [None] * len(self.output_names)

    @property
    def single(self) -> losses.Loss | None:
        """The one loss of a one-output model (what ``model.loss`` shows), else None."""
        return self.losses[0] if len(self.losses) == 1 else None

    def __call__(self, y_true: list, y_pred: list, sample_weight: list | None = None) -> Any:
        """Σ_k w_k loss_k(y_k, ŷ_k) over the outputs that have a loss and a target (None when
        none has). ``last_values`` keeps each output's unweighted value for the logs."""
        total = None
        weights = sample_weight or [None] * len(y_pred)
        for k, (loss, w_k) in enumerate(zip(self.losses, self.loss_weights)):
            if loss is None or y_true[k] is None:
                continue
            value = loss(y_true[k], y_pred[k], sample_weight=weights[k])
            self.last_values[k] = value
            if w_k != 1.0:
                value = value * w_k
            total = value if total is None else total + value
        return total


class CompileMetrics:
    """The metrics ``compile`` was given, per output (Keras's 'compile_metrics').

    Built on the first data, because 'accuracy' means binary, categorical or sparse accuracy
    depending on the shapes of y and of the output.

    Example:
        >>> compiled = CompileMetrics(["mae"], ["out"])
        >>> compiled.build([np.zeros((2, 1))], [(None, 1)], [None])
        >>> compiled.update_state(np.zeros((2, 1)), np.ones((2, 1))); compiled.result()
        {'mae': 1.0}
    """

    name = "compile_metrics"

    def __init__(self, spec: Any, output_names: list[str], losses: list | None = None) -> None:
        self.spec, self.output_names = spec, list(output_names)
        self.losses = losses or [None] * len(self.output_names)  # for what 'accuracy' means
        many = len(self.output_names) > 1
        if spec is None:
            entries: list = [None] * len(self.output_names)
        elif isinstance(spec, dict):
            entries = align(spec, self.output_names, "metrics", "compile")
        elif many:
            if not isinstance(spec, (list, tuple)) or len(spec) != len(self.output_names):
                raise ValueError(
                    f"compile: the model has {len(self.output_names)} outputs "
                    f"{self.output_names}, so metrics must be a dict by output name "
                    "or a list with one entry (a list of metrics) per output, got "
                    f"metrics={spec!r}."
                )
            entries = list(spec)
        else:
            entries = [spec]
        self.entries = [
            []
            if e is None
            else ([e] if isinstance(e, str) or not isinstance(e, (list, tuple)) else list(e))
            for e in entries
        ]
        self.any = any(self.entries)  # whether there is any metric at all
        for spec in (e for entries in self.entries for e in entries):
            if not (isinstance(spec, str) and spec in ("accuracy", "acc")):
                metrics.get(spec)  # a misspelt metric fails at compile, not at the first batch
        self.metrics: list[list] | None = None

    @property
    def built(self) -> bool:
        """Whether the metric objects exist (after the first data)."""
        return self.metrics is not None

    def build(self, y_true: list, output_shapes: list, compiled_losses: list) -> None:
        """Resolve every entry into a Metric, knowing the shapes of y and of each output."""
        if self.metrics is not None:
            return
        many = len(self.output_names) > 1
        self.metrics = []
        for k, entries in enumerate(self.entries):
            resolved = []
            for spec in entries:
                metric = _resolve_metric(
                    spec,
                    compiled_losses[k],
                    output_shapes[k],
                    None if y_true[k] is None else np.shape(y_true[k]),
                )
                if many:
                    metric.name = f"{self.output_names[k]}_{metric.name}"
                resolved.append(metric)
            self.metrics.append(resolved)

    @property
    def flat(self) -> list:
        """Every metric object, output after output."""
        return [m for per_output in (self.metrics or []) for m in per_output]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Update each output's metrics (y_true and y_pred as the model takes and gives them)."""
        names = self.output_names
        one = len(names) == 1
        self.update_lists(
            [y_true] if one else align(y_true, names, "y"),
            [y_pred] if one else align(y_pred, names, "y_pred"),
            [sample_weight] * len(names),
        )

    def update_lists(self, y_true: list, y_pred: list, sample_weight: list) -> None:
        """Update each output's metrics from lists with one entry per output (built on the
        first call, from the shapes of y and of the predictions)."""
        if self.metrics is None:
            self.build(
                y_true, [tuple(np.shape(getattr(p, "data", p))) for p in y_pred], self.losses
            )
        for per_output, y_k, p_k, w_k in zip(self.metrics or [], y_true, y_pred, sample_weight):
            if y_k is None:
                continue
            p_k = getattr(p_k, "data", p_k)
            for metric in per_output:
                metric.update_state(y_k, p_k, sample_weight=w_k)

    def reset_state(self) -> None:
        """Reset every metric."""
        for metric in self.flat:
            metric.reset_state()

    def result(self) -> dict:
        """{metric name: value} for every metric."""
        return {metric.name: float(metric.result()) for metric in self.flat}


def _resolve_metric(spec: Any, loss: Any, output_shape: tuple, y_shape: tuple | None) -> Any:
    if isinstance(spec, str) and spec in ("accuracy", "acc"):
        return metrics.resolve_accuracy(loss, output_shape, y_shape, name=spec)
    metric = metrics.get(spec)
    if not isinstance(metric, metrics.Metric):
        metric = metrics.MeanMetricWrapper(metric, name=getattr(metric, "__name__", None))
    elif isinstance(spec, str):
        metric.name = spec
    return metric
