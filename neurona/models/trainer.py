"""Floor 5: ``Trainer``, the training half of ``Model`` (as Keras splits its Model into Layer and
Trainer): compile, the one training step, the metrics, and fit / evaluate / predict (whose loops
live in ``neurona.models.engine``). It relies only on what every ``Layer`` has: calling the
model, its trainable weights, its penalties and ``add_loss`` terms.

One training step on a batch (x, y), for every kind of model (``_train_batch``):
    1. ŷ = model(x, training=True)
    2. L = Σ_k w_k loss_k(y_k, ŷ_k) + Σ penalties and ``add_loss`` terms   (``compute_loss``)
    3. L.backward()            (every ∂L/∂w lands in w.grad, through the tape)
    4. optimizer.apply(grads, weights); then the weights' constraints
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np

from neurona import optimizers
from neurona.autodiff import Tensor
from neurona.layers._structure import flatten
from neurona.layers._tracking import collect_constraints, layer_tree
from neurona.losses import checked_labels
from neurona.models import engine, evaluation, prediction
from neurona.models._checks import check_loss_weights
from neurona.models.compile_utils import (
    CompileLoss,
    CompileMetrics,
    LossTracker,
    align,
    resolve_loss,
)
from neurona.models.data import check_batch_before_update

__all__ = ["Trainer", "unpack_x_y_sample_weight"]

_COMPILE_IGNORED = {"run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss"}


class Trainer:
    """compile / fit / evaluate / predict and the training step, for a ``Layer`` subclass.

    Example:
        >>> import numpy as np
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((2,)), layers.Dense(1)])
        >>> isinstance(model, Trainer), model.compile("sgd", "mse"), model.compiled
        (True, None, True)
    """

    def _reset_compile_state(self) -> None:
        self.optimizer = None
        self.compiled = False
        self.history = None
        self.stop_training = False
        self._loss_spec = self._loss_weights = self._metric_spec = None
        self.compiled_loss: CompileLoss | None = None
        self.compiled_metrics: CompileMetrics | None = None
        self._loss_tracker = LossTracker("loss")
        self._output_trackers: list = []
        self._step_cache: tuple | None = None  # (weights, constraints, layers) while fit runs

    # ----- compile ----------------------------------------------------------------------
    def compile(
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        **kwargs: Any,
    ) -> None:
        """Choose the optimiser, the loss(es) and the metrics that fit/evaluate report.

        Strings resolve as in Keras: 'adam' → Adam(), 'mse' → the mean squared error,
        'accuracy'/'acc' → the binary, categorical or sparse accuracy that fits the loss and the
        shapes (decided on the first data). With several outputs, ``loss``, ``loss_weights``
        and ``metrics`` may be lists (in output order) or dicts by output name; one loss is used
        for every output. ``loss=None`` trains on the ``add_loss`` terms alone.

        Example:
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
            >>> model.compile(optimizer="adam", loss="categorical_crossentropy",
            ...               metrics=["accuracy"])
            >>> type(model.optimizer).__name__, model.loss.name
            ('Adam', 'categorical_crossentropy')
        """
        unknown = set(kwargs) - _COMPILE_IGNORED
        if unknown:
            raise TypeError(
                f"compile: unexpected keyword argument(s) {sorted(unknown)}; it "
                "takes optimizer, loss, loss_weights, metrics, weighted_metrics, "
                f"and ignores {sorted(_COMPILE_IGNORED)}."
            )
        check_loss_weights(loss_weights)
        self._reset_compile_state()
        self.optimizer = optimizers.get(optimizer)
        names = self._known_output_names()
        structured = isinstance(loss, dict) or (isinstance(loss, (list, tuple)) and bool(loss))
        entries = (
            list(loss.values())
            if isinstance(loss, dict)
            else (list(loss) if structured else [loss])
        )
        # resolved now, so that a misspelt loss fails here and not at the first batch
        resolved = [resolve_loss(entry) for entry in entries if entry is not None]
        self.loss = loss if structured else (resolved[0] if resolved else None)
        self._loss_spec, self._loss_weights = loss, loss_weights
        if weighted_metrics is not None:
            metrics = list(metrics or []) if not isinstance(metrics, dict) else metrics
            if isinstance(metrics, list):
                metrics += list(weighted_metrics)
        if isinstance(metrics, str) or (
            metrics is not None and callable(metrics) and not isinstance(metrics, (list, dict))
        ):
            metrics = [metrics]
        self._metric_spec = metrics
        if names:
            self._build_compiled(names)
        self.compiled = True

    def _known_output_names(self) -> list[str] | None:
        """The output names when the model knows them before any data (Functional)."""
        return None

    def _build_compiled(self, names: list[str]) -> None:
        self.compiled_loss = CompileLoss(self._loss_spec, self._loss_weights, names)
        self.compiled_metrics = CompileMetrics(self._metric_spec, names, self.compiled_loss.losses)
        many = len(names) > 1
        self._output_trackers = [LossTracker(f"{name}_loss") for name in names] if many else []

    def _compiled_for(self, y_pred: Any) -> CompileLoss:
        """The compiled loss, built on the first output structure the model gives."""
        if self.compiled_loss is None:
            if isinstance(y_pred, dict):
                names = sorted(y_pred)
            elif isinstance(y_pred, (list, tuple)):
                names = [f"output_{i + 1}" for i in range(len(y_pred))]
            else:
                names = [self.name]
            self._build_compiled(names)
        return self.compiled_loss

    def _check_compiled(self, where: str) -> None:
        if not self.compiled:
            raise RuntimeError(
                f"{where}: the model must be compiled first. Call "
                "model.compile(optimizer='adam', loss='mse') before "
                f"model.{where}()."
            )

    # ----- the step -----------------------------------------------------------------------
    def _outputs_list(self, y_pred: Any) -> list:
        names = self.compiled_loss.output_names
        return [y_pred] if len(names) == 1 else align(y_pred, names, "the model's outputs")

    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> Tensor:
        """The loss to minimise: the compiled loss(es), weighted, plus every penalty and
        ``add_loss`` term of the layers (Keras's ``compute_loss``).

        Example:
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> model = Sequential([layers.Input((1,)), layers.Dense(1, kernel_initializer="ones")])
            >>> model.compile(loss="mse")
            >>> float(model.compute_loss(y=np.zeros((2, 1)), y_pred=model(np.ones((2, 1)))).item())
            1.0
        """
        compiled = self._compiled_for(y_pred)
        if y is None and compiled.has_loss:
            raise ValueError(
                f"Model '{self.name}': expected y, the targets, got None; the model "
                "was compiled with a loss that compares y with the outputs. Pass y "
                "to fit/evaluate, or compile without a loss and use add_loss."
            )
        single = compiled.single
        if single is not None and len(compiled.output_names) == 1:
            total = None if y is None else single(y, y_pred, sample_weight=sample_weight)
            compiled.last_values[0] = total
            if total is not None and compiled.loss_weights[0] != 1.0:
                total = total * compiled.loss_weights[0]
        else:
            names = compiled.output_names
            ys = (
                [None] * len(names)
                if y is None
                else ([y] if len(names) == 1 else align(y, names, "y"))
            )
            weights = sample_weight if isinstance(sample_weight, (list, dict)) else None
            weights = (
                align(weights, names, "sample_weight")
                if weights is not None
                else [sample_weight] * len(names)
            )
            total = compiled(ys, self._outputs_list(y_pred), weights)
        layers = self._step_cache[2] if self._step_cache else layer_tree(self)
        for layer in layers:
            if layer._penalties or layer._added_losses:
                for penalty in layer._own_losses(self._seen_call_id):
                    total = penalty if total is None else total + penalty
        if total is None:
            raise ValueError(
                f"Model '{self.name}': there is no loss to minimise. Pass loss= to "
                "compile(), or add terms with add_loss() in a layer's call."
            )
        return total

    def _output_shapes(self) -> list | None:
        """The output shapes known before any data (Sequential, Functional), else None."""
        return None

    def _checked_labels(self, y: Any) -> contextlib.ExitStack:
        """A context in which every output's labels were checked once (``losses.checked_labels``)
        and the losses skip their per-batch label checks: fit's loop runs inside it."""
        stack = contextlib.ExitStack()
        shapes = self._output_shapes()
        if shapes is None or y is None or (len(shapes) > 1 and self.compiled_loss is None):
            return stack
        compiled = self._compiled_for(None)
        ys = [y] if len(shapes) == 1 else align(y, compiled.output_names, "y")
        for loss, y_k, shape in zip(compiled.losses, ys, shapes):
            if loss is not None and y_k is not None:
                stack.enter_context(checked_labels(loss, y_k, shape))
        return stack

    def _train_batch(self, x: Any, y: Any, sample_weight: Any) -> tuple[float, Any]:
        """The one training step of every model: (the batch's loss, the model's outputs)."""
        weights, constraints, _ = self._step_cache or self._fresh_step_cache()
        for w in weights:
            w.grad = None
        y_pred = self(x, training=True)
        total = self.compute_loss(x, y, y_pred, sample_weight)
        if total.requires_grad:
            total.backward()
        loss = float(total.item())
        if not math.isfinite(loss):
            check_batch_before_update(x, y, sample_weight, loss)
        self.optimizer.apply([w.grad for w in weights], weights)
        for w, constraint in constraints:
            w.data[...] = np.asarray(constraint(w.data), dtype=w.dtype)
        return loss, y_pred

    def _fresh_step_cache(self) -> tuple:
        return self.trainable_weights, collect_constraints(self), layer_tree(self)

    def zero_grad(self) -> None:
        """Set every trainable weight's ``.grad`` to None (PyTorch's ``zero_grad``)."""
        for w in self.trainable_weights:
            w.grad = None

    def train_step(self, data: Any) -> dict:
        """One optimiser step on a batch ``data`` = x, (x, y) or (x, y, sample_weight); returns
        the logs {'loss': …, metric: …} (running values over the epoch). Override it to change
        what fit does; fit then calls it for every batch."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        loss, y_pred = self._train_batch(x, y, sample_weight)
        self._loss_tracker.add(loss, _batch_length(x))
        return self.compute_metrics(x, y, y_pred, sample_weight, _loss_counted=True)

    def test_step(self, data: Any) -> dict:
        """The loss and metrics on a batch, without training (what evaluate calls)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        """The model's outputs on a batch (what predict calls)."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def compute_metrics(
        self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None, _loss_counted: bool = False
    ) -> dict:
        """Update the loss tracker and the compiled metrics with a batch; return the logs."""
        if not _loss_counted:
            value = self.compute_loss(x, y, y_pred, sample_weight)
            self._loss_tracker.add(float(value.item()), _batch_length(x))
        self._update_metrics(y, y_pred, sample_weight, _batch_length(x))
        return self.get_metrics_result()

    def _update_metrics(self, y: Any, y_pred: Any, sample_weight: Any, n: int) -> None:
        compiled = self.compiled_loss
        for tracker, value in zip(self._output_trackers, compiled.last_values):
            if value is not None:
                tracker.add(float(value.item()), n)
        metrics = self.compiled_metrics
        if metrics is None or not metrics.any or y is None:
            return
        names = compiled.output_names
        ys = [y] if len(names) == 1 else align(y, names, "y")
        metrics.update_lists(ys, self._outputs_list(y_pred), [sample_weight] * len(names))

    def get_metrics_result(self) -> dict:
        """{'loss': …, per-output losses, metrics: …}: the running values of ``self.metrics``."""
        logs: dict = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[metric.name] = float(np.asarray(getattr(result, "data", result)))
        return logs

    @property
    def metrics(self) -> list:
        """The metrics fit resets each epoch: the loss tracker, the compiled metrics, the
        per-output loss trackers, then any Metric held in the model's attributes."""
        from neurona.metrics import Metric

        found = [self._loss_tracker] if self.compiled else []
        if self.compiled_metrics is not None and self.compiled_metrics.any:
            found.append(self.compiled_metrics)
        found += self._output_trackers
        found += [v for v in vars(self).values() if isinstance(v, Metric) and v not in found]
        return found

    @property
    def metrics_names(self) -> list[str]:
        """'loss', the per-output losses, then the compiled metrics' names (once built)."""
        names = ["loss"] + [t.name for t in self._output_trackers]
        if self.compiled_metrics is not None:
            names += [m.name for m in self.compiled_metrics.flat]
        return names

    def reset_metrics(self) -> None:
        """Reset every metric of ``self.metrics`` (fit does it at each epoch's start)."""
        for metric in self.metrics:
            metric.reset_state()

    # ----- the Keras API, defined once (loops in neurona.models.engine) --------------------
    fit = engine.fit
    evaluate = evaluation.evaluate
    predict = prediction.predict
    train_on_batch = engine.train_on_batch
    test_on_batch = evaluation.test_on_batch
    predict_on_batch = prediction.predict_on_batch


def unpack_x_y_sample_weight(data: Any) -> tuple:
    """Keras's rule: a tuple (x,), (x, y) or (x, y, sample_weight); anything else is x alone.

    Example:
        >>> unpack_x_y_sample_weight((1, 2)), unpack_x_y_sample_weight(5)
        ((1, 2, None), (5, None, None))
    """
    if isinstance(data, tuple) and 1 <= len(data) <= 3:
        return (*data, *([None] * (3 - len(data))))
    return data, None, None


def _batch_length(x: Any) -> int:
    first = flatten(x)[0]
    return len(getattr(first, "data", first))
