"""Floor 5: training a model, Keras's way: ``compile`` (optimizer, loss, metrics by name),
``fit`` (mini-batch gradient descent with validation and callbacks), ``evaluate`` and
``predict``."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import losses, metrics, optimizers
from neurona.autodiff import Tensor, no_grad
from neurona.backend import rng
from neurona.models.callbacks import Callback, History

__all__ = ["TrainingMixin"]


def _resolve_loss(loss: Any) -> losses.Loss:
    if loss is None:
        raise ValueError("compile: expected a loss such as loss='mse' or "
                         "loss='categorical_crossentropy', got None.")
    fn = losses.get(loss)
    if isinstance(fn, losses.Loss):
        return fn
    return losses.LossFunctionWrapper(fn, name=loss if isinstance(loss, str) else None)


class TrainingMixin:
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

    def _train_step(self, x_b: np.ndarray, y_b: np.ndarray, w_b: Any) -> tuple[float, Tensor]:
        weights = self.trainable_weights
        for w in weights:
            w.grad = None
        y_pred = self(x_b, training=True)
        value = self._total_loss(y_b, y_pred, w_b)
        value.backward()
        self.optimizer.apply([w.grad for w in weights], weights)
        for layer in self.layers:
            layer.apply_constraints()
        return float(value.item()), y_pred

    def _update_metrics(self, tracker: Any, value: float, y_b, y_pred, w_b) -> dict:
        tracker.update_state(value, sample_weight=len(y_b))
        for metric in self._metrics:
            metric.update_state(y_b, y_pred.data, sample_weight=w_b)
        return {"loss": tracker.result(), **{m.name: float(m.result()) for m in self._metrics}}

    # ----- fit / evaluate / predict ------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = 32, epochs: int = 1,
            verbose: Any = "auto", callbacks: list | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, sample_weight: Any = None,
            initial_epoch: int = 0, **kwargs: Any) -> History:
        """Train for ``epochs`` passes over (x, y) by mini-batch gradient descent.

        Each epoch draws a new order of the samples (``shuffle=True``), gathers each batch by
        index, takes one optimiser step per batch, then evaluates ``validation_data`` (or the
        last ``validation_split`` fraction of x, y, taken before shuffling, as Keras).

        Returns:
            a ``History``: ``history.history`` maps 'loss', each metric and 'val_…' to one
            value per epoch (the loss is the mean over the epoch's batches, penalties included).

        Raises:
            RuntimeError: before ``compile``.
            ValueError: x and y of different lengths, or NaN in x, y or sample_weight.

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
        self._check_compiled("fit")
        x, y, sample_weight = check_inputs("fit", x, y, sample_weight)
        if validation_data is None and validation_split:
            (x, y, sample_weight), validation_data = split_validation(
                x, y, sample_weight, validation_split)
        if validation_data is not None:
            validation_data = check_inputs("fit (validation_data)", *_unpack(validation_data))
        if not self.built:
            self.build((None, *x.shape[1:]))
        self._build_metrics(y)
        verbose = 1 if verbose == "auto" else int(verbose)
        batch_size = batch_size or 32
        history = History()
        callbacks = [history, *(callbacks or [])]
        steps = -(-len(x) // batch_size)
        for callback in callbacks:
            _check_callback(callback)
            callback.set_model(self)
            callback.set_params({"epochs": epochs, "steps": steps, "verbose": verbose})
        self.stop_training = False
        _hook(callbacks, "on_train_begin")
        tracker = metrics.Mean(name="loss")
        for epoch in range(initial_epoch, epochs):
            _hook(callbacks, "on_epoch_begin", epoch)
            tracker.reset_state()
            for metric in self._metrics:
                metric.reset_state()
            logs: dict = {}
            order = rng().permutation(len(x)) if shuffle else None
            for step, index in enumerate(batches(len(x), batch_size, order)):
                _hook(callbacks, "on_train_batch_begin", step)
                w_b = None if sample_weight is None else sample_weight[index]
                value, y_pred = self._train_step(x[index], y[index], w_b)
                logs = self._update_metrics(tracker, value, y[index], y_pred, w_b)
                _hook(callbacks, "on_train_batch_end", step, dict(logs))
            if validation_data is not None:
                val_logs = self._run_evaluation(*validation_data, batch_size)
                logs.update({f"val_{key}": value for key, value in val_logs.items()})
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs} - " + _format(logs))
            _hook(callbacks, "on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        _hook(callbacks, "on_train_end", logs if epochs > initial_epoch else None)
        self.history = history
        return history

    def _run_evaluation(self, x: np.ndarray, y: np.ndarray, sample_weight: Any,
                        batch_size: int) -> dict:
        self._build_metrics(y)
        tracker = metrics.Mean(name="loss")
        for metric in self._metrics:
            metric.reset_state()
        logs = {"loss": 0.0, **{m.name: 0.0 for m in self._metrics}}
        with no_grad():
            for index in batches(len(x), batch_size, None):
                w_b = None if sample_weight is None else sample_weight[index]
                y_pred = self(x[index], training=False)
                value = float(self._total_loss(y[index], y_pred, w_b).item())
                logs = self._update_metrics(tracker, value, y[index], y_pred, w_b)
        return logs

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = 32,
                 verbose: Any = "auto", sample_weight: Any = None, return_dict: bool = False,
                 **kwargs: Any) -> Any:
        """The loss (penalties included) and metrics over (x, y), batch by batch, no training.

        Returns:
            as Keras: the loss alone (a float) without metrics, else [loss, *metrics]; a dict
            {'loss': …, metric names: …} with ``return_dict=True``.

        Example:
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> model = Sequential([layers.Input((1,)), layers.Dense(1, kernel_initializer="ones")])
            >>> model.compile(loss="mse", metrics=["mae"])
            >>> model.evaluate(np.ones((4, 1)), np.zeros((4, 1)), verbose=0)
            [1.0, 1.0]
        """
        self._check_compiled("evaluate")
        x, y, sample_weight = check_inputs("evaluate", x, y, sample_weight)
        if not self.built:
            self.build((None, *x.shape[1:]))
        logs = self._run_evaluation(x, y, sample_weight, batch_size or 32)
        verbose = 1 if verbose == "auto" else int(verbose)
        if verbose:
            print(_format(logs))
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: int | None = 32, verbose: Any = "auto",
                **kwargs: Any) -> np.ndarray:
        """The model's outputs for x, batch by batch under ``no_grad``, as a NumPy array.

        Example:
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
            >>> model.predict(np.ones((5, 3)), verbose=0).shape
            (5, 2)
        """
        x, _, _ = check_inputs("predict", x, None, None)
        outputs = []
        with no_grad():
            for index in batches(len(x), batch_size or 32, None):
                outputs.append(np.asarray(self(x[index], training=False).numpy()))
        if not outputs:
            return np.zeros((0, *(self.output_shape or (None,))[1:]), dtype="float32")
        return np.concatenate(outputs, axis=0)


def _unpack(validation_data: Any) -> tuple:
    data = tuple(validation_data)
    if len(data) == 2:
        return (*data, None)
    if len(data) == 3:
        return data
    raise ValueError(f"fit: expected validation_data to be (x_val, y_val) or (x_val, y_val, "
                     f"sample_weight_val), got a tuple of length {len(data)}.")


def _check_callback(callback: Any) -> None:
    if not isinstance(callback, Callback) and not hasattr(callback, "on_epoch_end"):
        raise TypeError(f"fit: expected callbacks to be a list of Callback objects, got "
                        f"{callback!r}.")


def _hook(callbacks: list, name: str, *args: Any) -> None:
    for callback in callbacks:
        method = getattr(callback, name, None)
        if method is not None:
            method(*args)


def _format(logs: dict) -> str:
    return " - ".join(f"{key}: {value:.4f}" for key, value in logs.items())


# ----- data -----------------------------------------------------------------------------------
def check_inputs(where: str, x: Any, y: Any, sample_weight: Any) -> tuple:
    """x, y and sample_weight as arrays of one length, free of NaN (ValueError naming the
    argument otherwise); y and sample_weight may be None.

    Example:
        >>> [a.shape for a in check_inputs("fit", [[1.0], [2.0]], [0, 1], None)[:2]]
        [(2, 1), (2,)]
    """
    if x is None:
        raise ValueError(f"{where}: expected x, the input data, got None.")
    if y is None and where != "predict":
        raise ValueError(f"{where}: expected y, the targets, got None.")
    arrays = []
    for name, value in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if value is None:
            arrays.append(None)
            continue
        value = np.asarray(getattr(value, "data", value) if isinstance(value, Tensor) else value)
        if value.dtype == object:
            raise TypeError(f"{where}: expected {name} to be numbers (an array or a list of equal "
                            "rows), got ragged or non-numeric data.")
        if value.ndim == 0:
            raise ValueError(f"{where}: expected {name} to have one row per sample, got a scalar.")
        if np.issubdtype(value.dtype, np.floating) and np.isnan(value).any():
            raise ValueError(f"{where}: {name} contains NaN ({int(np.isnan(value).sum())} values)."
                             f" Remove or impute the missing values before training.")
        arrays.append(value)
    lengths = {name: len(a) for name, a in zip(("x", "y", "sample_weight"), arrays)
               if a is not None}
    if len(set(lengths.values())) > 1:
        got = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"{where}: x and y must have the same number of samples; {got}. Check "
                         "that labels and inputs match.")
    return tuple(arrays)


def split_validation(x: np.ndarray, y: np.ndarray, sample_weight: Any, fraction: float) -> tuple:
    """Keras's validation_split: the last ``fraction`` of the samples (before shuffling) is held
    out. Returns (x, y, sample_weight) to train on and the held-out triple.

    Example:
        >>> train, held = split_validation(np.arange(10), np.arange(10), None, 0.2)
        >>> train[0].tolist(), held[0].tolist()
        ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fit: expected validation_split in (0, 1), got {fraction}.")
    n_train = int(len(x) * (1.0 - fraction))
    if n_train in (0, len(x)):
        raise ValueError(f"fit: validation_split={fraction} leaves no samples to train on or to "
                         f"validate on with {len(x)} samples.")

    def part(a, s):
        return None if a is None else a[s]
    head, tail = slice(0, n_train), slice(n_train, None)
    return ((x[head], y[head], part(sample_weight, head)),
            (x[tail], y[tail], part(sample_weight, tail)))


def batches(n: int, batch_size: int, order: np.ndarray | None):
    """The index of each batch: slices in order, or chunks of a permutation ``order``.

    Example:
        >>> [b.tolist() for b in batches(5, 2, np.array([4, 3, 2, 1, 0]))]
        [[4, 3], [2, 1], [0]]
    """
    if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(f"expected batch_size to be a positive int, got {batch_size!r}.")
    for start in range(0, n, batch_size):
        yield slice(start, start + batch_size) if order is None else order[start:start + batch_size]
