"""Floor 5: training a model, Keras's way: ``compile`` (optimizer, loss, metrics by name),
``fit`` (mini-batch gradient descent with validation and callbacks), ``evaluate`` and
``predict``."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from neurona import losses, metrics, optimizers
from neurona.autodiff import Tensor
from neurona.backend import blas_threads
from neurona.callbacks import CallbackList, History
from neurona.models.chain import LayerChain
from neurona.models.data import (
    BatchPlan,
    check_batch_before_update,
    check_inputs,
    class_weight_to_sample_weight,
    should_validate,
    split_validation,
    unpack_validation_data,
)
from neurona.models.evaluation import EvaluationMixin, verbosity
from neurona.models.threads import choose_blas_threads

__all__ = ["TrainingMixin"]

_FIT_OPTIONS = {"validation_steps", "validation_batch_size", "validation_freq", "steps_per_epoch"}


def _resolve_loss(loss: Any) -> losses.Loss:
    if loss is None:
        raise ValueError("compile: expected a loss such as loss='mse' or "
                         "loss='categorical_crossentropy', got None.")
    fn = losses.get(loss)
    if isinstance(fn, losses.Loss):
        return fn
    return losses.LossFunctionWrapper(fn, name=loss if isinstance(loss, str) else None)


class TrainingMixin(EvaluationMixin):
    """compile / fit / evaluate / predict for a model that has ``__call__(x, training)``,
    ``layers``, ``trainable_weights``, ``losses`` and ``output_shape`` (``Sequential``).

    One training step on a batch (x_b, y_b):
        1. y_pred = model(x_b, training=True)
        2. L = loss(y_b, y_pred, sample_weight) + Σ layer penalties
        3. L.backward()   (every ∂L/∂w lands in w.grad)
        4. optimizer.apply(grads, weights); then each layer's constraints

    Example:
        >>> import numpy as np
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((2,)), layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=2, verbose=0)
        >>> list(history.history)
        ['loss']
    """

    _chain: LayerChain | None = None  # fit's tape-free step, while fit runs
    _use_chain = True  # False: every step on the tape (the reference the chain is tested against)

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                **kwargs: Any) -> None:
        """Choose the optimiser, the loss and the metrics reported by fit/evaluate.

        Strings resolve as in Keras: 'adam' → Adam(), 'mse' → the mean squared error,
        'accuracy'/'acc' → the binary, categorical or sparse accuracy that fits the loss and the
        shapes (decided on the first data).

        Example:
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
            >>> model.compile(optimizer="adam", loss="categorical_crossentropy",
            ...               metrics=["accuracy"])
            >>> type(model.optimizer).__name__, model.loss.name
            ('Adam', 'categorical_crossentropy')
        """
        self.optimizer = optimizers.get(optimizer)
        self.loss = _resolve_loss(loss)
        if metrics is None:
            metrics = []
        elif isinstance(metrics, (str, dict)) or callable(metrics):
            metrics = [metrics]
        self._metric_specs = list(metrics)
        self._metrics: list | None = None
        self.compiled = True

    # ----- metrics ---------------------------------------------------------------------------
    def _build_metrics(self, y: np.ndarray) -> list:
        if self._metrics is None:
            self._metrics = [self._resolve_metric(spec, y) for spec in self._metric_specs]
        return self._metrics

    def _resolve_metric(self, spec: Any, y: np.ndarray) -> Any:
        if isinstance(spec, str) and spec in ("accuracy", "acc"):
            return metrics.resolve_accuracy(self.loss, self.output_shape, y.shape, name=spec)
        metric = metrics.get(spec)
        if not isinstance(metric, metrics.Metric):
            metric = metrics.MeanMetricWrapper(metric, name=getattr(metric, "__name__", None))
        elif isinstance(spec, str):
            metric.name = spec
        return metric

    @property
    def metrics_names(self) -> list[str]:
        """'loss' then the names of the compiled metrics (once they are built)."""
        return ["loss"] + [m.name for m in (getattr(self, "_metrics", None) or [])]

    def _logs(self, loss: float) -> dict:
        """{'loss': …, metric: …}: the epoch's running values."""
        logs = {"loss": loss}
        for metric in self._metrics:
            logs[metric.name] = float(metric.result())
        return logs

    # ----- one batch -------------------------------------------------------------------------
    def _check_compiled(self, where: str) -> None:
        if not getattr(self, "compiled", False):
            raise RuntimeError(f"{where}: the model must be compiled first. Call "
                               "model.compile(optimizer='adam', loss='mse') before "
                               f"model.{where}().")

    def _total_loss(self, y_b: np.ndarray, y_pred: Tensor, w_b: Any) -> Tensor:
        value = self.loss(y_b, y_pred, sample_weight=w_b)
        for penalty in self.losses:
            value = value + penalty
        return value

    def _train_step(self, x_b: np.ndarray, y_b: np.ndarray, w_b: Any) -> tuple[float, Any]:
        """One optimiser step on a batch: (the loss, the model's output array). Inside ``fit``
        the layers that can run on arrays do (``neurona.models.chain``), else the tape."""
        if self._chain is not None:
            return self._chain.step(x_b, y_b, w_b)
        return self._tape_step(x_b, y_b, w_b)

    def _tape_step(self, x_b: np.ndarray, y_b: np.ndarray, w_b: Any) -> tuple[float, Any]:
        weights = self.trainable_weights
        for w in weights:
            w.grad = None
        y_pred = self(x_b, training=True)
        value = self._total_loss(y_b, y_pred, w_b)
        value.backward()
        loss = float(value.item())
        self._update_weights(weights, self.layers, loss, x_b, y_b, w_b)
        return loss, y_pred.data

    def _update_weights(self, weights: list, layers: list, loss: float, x_b: np.ndarray,
                        y_b: np.ndarray, w_b: Any) -> None:
        """The end of a step, once every w.grad is set: the batch's data checked when its loss
        is NaN/inf, then the optimiser's update and the constraints of ``layers``."""
        if not math.isfinite(loss):
            check_batch_before_update(x_b, y_b, w_b, loss)
        self.optimizer.apply([w.grad for w in weights], weights)
        for layer in layers:
            layer.apply_constraints()

    def _blas_threads(self, batch_size: int, n_samples: int) -> int | None:
        n_params = sum(w.data.size for w in self.weights)
        return choose_blas_threads(batch_size, n_params, n_samples)

    # ----- fit ---------------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = 32, epochs: int = 1,
            verbose: Any = "auto", callbacks: list | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, **kwargs: Any) -> History:
        """Train for ``epochs`` passes over (x, y) by mini-batch gradient descent.

        Each epoch draws a new order of the samples (``shuffle=True``), gathers each batch by
        index, takes one optimiser step per batch, then evaluates ``validation_data`` (or the
        last ``validation_split`` fraction of x, y, taken before shuffling, as Keras).

        Args (beyond Keras's usual x, y, batch_size, epochs, shuffle, initial_epoch):
            verbose: "auto" or 1 a progress bar (one line per epoch when the output is not a
                terminal), 2 one line per epoch, 0 silent.
            callbacks: ``neurona.callbacks`` objects (History is always added).
            validation_split / validation_data: the held-out data, evaluated after each epoch.
            class_weight: {class: weight}; each sample's loss is weighted by its class's weight
                (times ``sample_weight`` when both are given, as Keras 2; Keras 3 refuses both).
            sample_weight: one weight per sample.
            keyword-only, as Keras: steps_per_epoch, validation_steps, validation_batch_size,
                validation_freq (an int n: every n-th epoch; or a list of 1-based epochs).
        x, y may be NumPy arrays, lists or pandas DataFrames/Series (converted once). A NaN or
        infinite batch loss from finite data (divergence) gives a warning naming the epoch and
        batch (training goes on; add ``callbacks.TerminateOnNaN()`` to stop). BLAS threads
        follow the batch size (see ``neurona.models.threads``; the environment variable
        NEURONA_BLAS_THREADS overrides).

        Returns:
            a ``History``: ``history.history`` maps 'loss', each metric and 'val_…' to one
            value per epoch (the loss is the mean over the epoch's batches, penalties included).

        Raises:
            RuntimeError: before ``compile``.
            ValueError: x and y of different lengths; NaN/inf in x, y or sample_weight (found
                at the first batch whose loss they make NaN/inf, before its update).
            TypeError: an unknown keyword argument.

        Example:
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> model = Sequential([layers.Input((2,)), layers.Dense(1, activation="sigmoid")])
            >>> model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            >>> x = np.array([[0.0, 1.0], [1.0, 0.0]] * 4); y = x[:, :1]
            >>> h = model.fit(x, y, epochs=2, batch_size=4, validation_data=(x, y), verbose=0)
            >>> sorted(h.history), len(h.history["loss"])
            (['accuracy', 'loss', 'val_accuracy', 'val_loss'], 2)
        """
        unknown = set(kwargs) - _FIT_OPTIONS
        if unknown:
            raise TypeError(f"fit: unexpected keyword argument(s) {sorted(unknown)}; Keras's "
                            f"fit also accepts {sorted(_FIT_OPTIONS)}.")
        self._check_compiled("fit")
        # NaN/inf in the training data show in the loss: its batch is checked then (a full pass
        # over x here would cost as much as ~25 steps)
        x, y, sample_weight = check_inputs("fit", x, y, sample_weight, finite=False)
        if validation_data is None and validation_split:
            (x, y, sample_weight), validation_data = split_validation(
                x, y, sample_weight, validation_split)
        if class_weight is not None:  # the training part only, as Keras
            weights = class_weight_to_sample_weight(y, class_weight)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        if validation_data is not None:
            validation_data = check_inputs("fit (validation_data)",
                                           *unpack_validation_data(validation_data))
        if not self.built:
            self.build((None, *x.shape[1:]))
        self._build_metrics(y)
        batch_size = batch_size or 32
        plan = BatchPlan(len(x), batch_size, shuffle, kwargs.get("steps_per_epoch"))
        verbose = verbosity(verbose)
        callbacks = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                 model=self, verbose=verbose, epochs=epochs, steps=plan.steps)
        validation = None
        if validation_data is not None:
            should_validate(0, kwargs.get("validation_freq", 1))  # a bad value fails early
            validation = (*validation_data, kwargs.get("validation_batch_size") or batch_size,
                          callbacks, kwargs.get("validation_steps"))
        self.stop_training = False
        self._chain = LayerChain.for_fit(self, x, y, batch_size) if self._use_chain else None
        try:
            # NumPy's floating-point warnings are off: fit reports a NaN/inf loss itself
            with np.errstate(invalid="ignore", over="ignore", divide="ignore"), \
                    blas_threads(self._blas_threads(batch_size, len(x) * (epochs - initial_epoch))):
                logs = self._fit_loop(x, y, sample_weight, plan, epochs, initial_epoch,
                                      callbacks, validation, kwargs.get("validation_freq", 1))
        finally:
            self._chain = None
        callbacks.on_train_end(logs)
        return callbacks.history

    def _fit_loop(self, x, y, sample_weight, plan, epochs, initial_epoch, callbacks, validation,
                  validation_freq) -> dict | None:
        """The epochs of fit; the per-batch path builds no logs unless a callback reads them."""
        batch_begin = callbacks.has("on_train_batch_begin")
        batch_end = callbacks.has("on_train_batch_end")
        train_step, tracked = self._train_step, self._metrics
        logs, reported = None, False  # one warning per fit for a NaN/inf loss
        callbacks.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            for metric in tracked:
                metric.reset_state()
            callbacks.on_epoch_begin(epoch)
            loss_sum, seen = 0.0, 0
            for step, index in enumerate(plan.epoch()):
                if batch_begin:
                    callbacks.on_train_batch_begin(step)
                x_b, y_b = x[index], y[index]
                w_b = None if sample_weight is None else sample_weight[index]
                value, y_pred = train_step(x_b, y_b, w_b)
                n = len(y_b)
                loss_sum += value * n
                seen += n
                for metric in tracked:
                    metric.update_state(y_b, y_pred, sample_weight=w_b)
                if not reported and not math.isfinite(value):
                    reported = True
                    warnings.warn(f"fit: the loss is {value} at epoch {epoch + 1}, batch "
                                  f"{step + 1}: training has diverged. Lower the learning "
                                  "rate, scale the inputs, or add callbacks.TerminateOnNaN() "
                                  "to stop at once.", stacklevel=3)
                if batch_end:
                    callbacks.on_train_batch_end(step, self._logs(loss_sum / seen))
                if self.stop_training:
                    break
            logs = self._logs(loss_sum / seen if seen else float("nan"))
            if validation is not None and should_validate(epoch, validation_freq):
                val_logs = self._run_evaluation(*validation)
                logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callbacks.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        return logs
