"""Floor 5: the loops around the training step, one path for every kind of model: ``fit`` (epochs
of shuffled mini-batches, validation, callbacks, History) and ``train_on_batch`` (``evaluate``
is in ``neurona.models.evaluation``, ``predict`` in ``neurona.models.prediction``). They
become methods of ``Model``; each batch goes through ``Model.train_step`` (or its one-step core
when a subclass has not overridden it, which saves building the logs dict on every batch)."""

from __future__ import annotations

import contextlib
import math
import warnings
from typing import Any

import numpy as np

from neurona.backend import blas_threads
from neurona.callbacks import CallbackList, History
from neurona.models._checks import check_call_arguments, check_class_weight, check_samples
from neurona.models._loops import (
    _check_dataset_arguments,
    _epoch_logs,
    _overrides,
    _pack,
    _reject_unknown,
    _returned,
    _threads,
    verbosity,
)
from neurona.models.data import (
    BatchPlan,
    check_inputs,
    class_weight_to_sample_weight,
    num_samples,
    should_validate,
    split_validation,
)
from neurona.models.data_adapter import DatasetBatches, array_batches, is_dataset
from neurona.models.evaluation import _evaluation_batches, _run_evaluation

__all__ = ["fit", "train_on_batch"]


def fit(
    self,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    epochs: int = 1,
    verbose: Any = "auto",
    callbacks: list | None = None,
    validation_split: float = 0.0,
    validation_data: Any = None,
    shuffle: bool = True,
    class_weight: dict | None = None,
    sample_weight: Any = None,
    initial_epoch: int = 0,
    steps_per_epoch: int | None = None,
    validation_steps: int | None = None,
    validation_batch_size: int | None = None,
    validation_freq: Any = 1,
    **kwargs: Any,
) -> History:
    """Train for ``epochs`` passes over (x, y) by mini-batch gradient descent.

    Each epoch draws a new order of the samples (``shuffle=True``), gathers each batch by
    index, takes one optimiser step per batch (``train_step``), then evaluates
    ``validation_data`` (or the last ``validation_split`` fraction of x, y, taken before
    shuffling, as Keras). x and y are arrays, lists or pandas objects, or lists/dicts of them
    for models with several inputs or outputs (dicts keyed by input and output names); or x is
    a dataset of batches (x, y) / (x, y, sample_weight) and y is None: a ``PyDataset``, a
    generator or iterator, or an iterable such as a PyTorch ``DataLoader``
    (``neurona.models.data_adapter``).

    Args (beyond Keras's usual x, y, batch_size (default 32), epochs, shuffle, initial_epoch):
        verbose: "auto" or 1 a progress bar (one line per epoch when the output is not a
            terminal), 2 one line per epoch, 0 silent.
        callbacks: ``neurona.callbacks`` objects (History is always added).
        validation_split / validation_data: the held-out data, evaluated after each epoch.
        class_weight: {class: weight}; each sample's loss is weighted by its class's weight
            (times ``sample_weight`` when both are given, as Keras 2; Keras 3 refuses both).
        sample_weight: one weight per sample.
        steps_per_epoch, validation_steps, validation_batch_size, validation_freq (an int n:
            every n-th epoch; or a list of 1-based epochs): as Keras.
    A NaN or infinite batch loss from finite data (divergence) gives a warning naming the epoch
    and batch (training goes on; add ``callbacks.TerminateOnNaN()`` to stop). BLAS threads
    follow the batch size (``neurona.models.threads``; NEURONA_BLAS_THREADS overrides).

    Returns:
        a ``History``: ``history.history`` maps 'loss', each metric and 'val_…' to one value
        per epoch (the loss is the mean over the epoch's batches, penalties included).

    Raises:
        RuntimeError: before ``compile``.
        ValueError: x and y of different lengths; NaN/inf in x, y or sample_weight (found at the
            first batch whose loss they make NaN/inf, before its update).

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
    _reject_unknown("fit", kwargs, fit)
    self._check_compiled("fit")
    check_call_arguments(
        "fit",
        batch_size=batch_size,
        epochs=epochs,
        initial_epoch=initial_epoch,
        verbose=verbose,
        validation_split=validation_split,
        shuffle=shuffle,
    )
    batch_size = batch_size or 32
    if is_dataset(x):
        _check_dataset_arguments("fit", y, sample_weight, validation_split)
        source = DatasetBatches(x, steps_per_epoch, "fit")
        first_x, first_y, _ = source.peek()
        labels, n, steps, epoch_batches = first_y, None, source.steps, source.epoch
    else:
        # NaN/inf in the training data show in the loss: its batch is checked then
        x, y, sample_weight = check_inputs("fit", x, y, sample_weight, finite=False)
        if validation_data is None and validation_split:
            (x, y, sample_weight), validation_data = split_validation(
                x, y, sample_weight, validation_split
            )
        first_x, labels, n = x, y, num_samples(x)
        check_samples("fit", n)
        plan = BatchPlan(n, batch_size, shuffle, steps_per_epoch)
        steps, epoch_batches = plan.steps, None
    if class_weight is not None:
        if epoch_batches is not None:
            raise ValueError(
                "fit: class_weight needs arrays; with a dataset, give each batch its sample_weight."
            )
        check_class_weight(class_weight, _n_classes(self))
        weights = class_weight_to_sample_weight(y, class_weight)  # the training part only
        sample_weight = weights if sample_weight is None else sample_weight * weights
    if epoch_batches is None:
        epoch_batches = array_batches(x, y, sample_weight, plan)
    validation = None
    if validation_data is not None:
        should_validate(0, validation_freq)  # a bad value fails early
        validation = _evaluation_batches(
            "fit (validation_data)",
            validation_data,
            None,
            None,
            validation_batch_size or batch_size,
            validation_steps,
            unpack=True,
        )
    self._build_for(first_x)
    verbose = verbosity(verbose)
    callbacks = CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=self,
        verbose=verbose,
        epochs=epochs,
        steps=steps,
    )
    self.stop_training = False
    self._step_cache = self._fresh_step_cache()
    work = (n or batch_size * (steps or 1)) * max(epochs - initial_epoch, 1)
    checked = self._checked_labels(labels) if n is not None else contextlib.ExitStack()
    try:
        # NumPy's floating-point warnings are off: fit reports a NaN/inf loss itself
        with (
            np.errstate(invalid="ignore", over="ignore", divide="ignore"),
            blas_threads(_threads(self, batch_size, work)),
            checked,
        ):  # every label checked once, not once per batch
            logs = _fit_loop(
                self, epoch_batches, epochs, initial_epoch, callbacks, validation, validation_freq
            )
    finally:
        self._step_cache = None
    callbacks.on_train_end(logs or {})
    self.history = callbacks.history
    return callbacks.history


def _n_classes(model) -> int | None:
    """The classes a single-output model tells apart (its units; 2 for one sigmoid unit)."""
    shapes = model._output_shapes() if hasattr(model, "_output_shapes") else None
    if not shapes or len(shapes) != 1 or not shapes[0] or shapes[0][-1] is None:
        return None
    return max(int(shapes[0][-1]), 2)


def _fit_loop(
    model, epoch_batches, epochs, initial_epoch, callbacks, validation, validation_freq
) -> dict | None:
    """The epochs of fit; the per-batch path builds no logs unless a callback reads them."""
    batch_begin = callbacks.has("on_train_batch_begin")
    batch_end = callbacks.has("on_train_batch_end")
    custom = _overrides(model, "train_step")
    train_batch, tracker = model._train_batch, model._loss_tracker
    compiled = model.compiled_metrics
    update_metrics = (
        model._update_metrics
        if model._output_trackers or (compiled is None or compiled.any)
        else None
    )  # nothing to update per batch otherwise
    logs, reported = None, False  # one warning per fit for a NaN/inf loss
    callbacks.on_train_begin({})
    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        callbacks.on_epoch_begin(epoch, {})
        step_logs: dict = {}
        step = -1
        for step, (x_b, y_b, w_b) in enumerate(epoch_batches()):
            if batch_begin:
                callbacks.on_train_batch_begin(step, {})
            if custom:
                step_logs = model.train_step(_pack(x_b, y_b, w_b))
                value = step_logs.get("loss", 0.0) if isinstance(step_logs, dict) else 0.0
                value = float(np.asarray(getattr(value, "data", value)))
            else:
                value, y_pred = train_batch(x_b, y_b, w_b)
                n = len(x_b) if type(x_b) is np.ndarray else num_samples(x_b)
                tracker.add(value, n)
                if update_metrics is not None:
                    update_metrics(y_b, y_pred, w_b, n)
            if not reported and not math.isfinite(value):
                reported = True
                warnings.warn(
                    f"fit: the loss is {value} at epoch {epoch + 1}, batch {step + 1}: "
                    "training has diverged. Lower the learning rate, scale the inputs, "
                    "or add callbacks.TerminateOnNaN() to stop at once.",
                    stacklevel=3,
                )
            if batch_end:
                callbacks.on_train_batch_end(
                    step, _epoch_logs(step_logs) if custom else model.get_metrics_result()
                )
            if model.stop_training:
                break
        if step < 0:  # a one-shot dataset ran out: nothing more to train on
            break
        logs = _epoch_logs(step_logs) if custom else model.get_metrics_result()
        if validation is not None and should_validate(epoch, validation_freq):
            val_logs = _run_evaluation(model, validation, callbacks)
            logs.update({f"val_{key}": value for key, value in val_logs.items()})
        callbacks.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    return logs


def train_on_batch(
    self,
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    class_weight: dict | None = None,
    return_dict: bool = False,
) -> Any:
    """One optimiser step on one batch; returns the loss (and metrics) of that batch.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((1,)), layers.Dense(1, kernel_initializer="ones")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.train_on_batch(np.ones((2, 1)), np.zeros((2, 1)))
        1.0
    """
    self._check_compiled("train_on_batch")
    x, y, sample_weight = check_inputs("train_on_batch", x, y, sample_weight, finite=False)
    if class_weight is not None:
        weights = class_weight_to_sample_weight(y, class_weight)
        sample_weight = weights if sample_weight is None else sample_weight * weights
    self._build_for(x)
    self.reset_metrics()
    logs = _epoch_logs(self.train_step(_pack(x, y, sample_weight)))
    return _returned(logs, return_dict)
