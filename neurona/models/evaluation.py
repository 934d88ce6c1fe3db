"""Floor 5: ``evaluate`` and ``test_on_batch``: the loss and metrics over data, batch by batch,
without training (methods of ``Model``; ``fit`` validates through the same loop)."""

from __future__ import annotations

import itertools
from typing import Any

from neurona.autodiff import no_grad
from neurona.backend import blas_threads
from neurona.models._checks import check_call_arguments, check_samples
from neurona.models._loops import (
    _SILENT,
    _callback_list,
    _check_dataset_arguments,
    _epoch_logs,
    _overrides,
    _pack,
    _reject_unknown,
    _returned,
    _threads,
    verbosity,
)
from neurona.models.data import check_inputs, num_samples, unpack_validation_data
from neurona.models.data_adapter import DatasetBatches, array_batches, is_dataset

__all__ = ["evaluate", "test_on_batch"]


def _evaluation_batches(
    where: str,
    x: Any,
    y: Any,
    sample_weight: Any,
    batch_size: int,
    steps: int | None,
    unpack: bool = False,
) -> Any:
    """The batches to evaluate on: a dataset as it comes, or arrays in order."""
    if unpack and not is_dataset(x):
        x, y, sample_weight = unpack_validation_data(x)
    if is_dataset(x):
        _check_dataset_arguments(where, y, sample_weight)
        return DatasetBatches(x, steps, where).epoch
    x, y, sample_weight = check_inputs(where, x, y, sample_weight)
    epoch = array_batches(x, y, sample_weight, None, batch_size)
    if steps is None:
        return epoch
    return lambda: itertools.islice(epoch(), steps)


def _run_evaluation(model, epoch_batches, callbacks=None) -> dict:
    """The loss and metrics over one pass of the batches, without training."""
    callbacks = callbacks or _SILENT
    batch_begin = callbacks.has("on_test_batch_begin")
    batch_end = callbacks.has("on_test_batch_end")
    custom = _overrides(model, "test_step")
    model.reset_metrics()
    callbacks.on_test_begin({})
    logs: dict = {}
    with no_grad():
        for step, (x_b, y_b, w_b) in enumerate(epoch_batches()):
            if batch_begin:
                callbacks.on_test_batch_begin(step, {})
            if custom:
                logs = _epoch_logs(model.test_step(_pack(x_b, y_b, w_b)))
            else:
                y_pred = model(x_b, training=False)
                value = model.compute_loss(x_b, y_b, y_pred, w_b, training=False)
                n = num_samples(x_b)
                model._loss_tracker.add(float(value.item()), n)
                model._update_metrics(y_b, y_pred, w_b, n)
            if batch_end:
                callbacks.on_test_batch_end(step, logs if custom else model.get_metrics_result())
    logs = logs if custom else model.get_metrics_result()
    callbacks.on_test_end(logs)
    return logs


def evaluate(
    self,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    verbose: Any = "auto",
    sample_weight: Any = None,
    steps: int | None = None,
    callbacks: list | None = None,
    return_dict: bool = False,
    **kwargs: Any,
) -> Any:
    """The loss (penalties included) and metrics over (x, y), batch by batch, no training.

    Callbacks get on_test_begin / on_test_batch_begin / on_test_batch_end / on_test_end;
    ``steps`` stops after that many batches.

    Returns:
        as Keras: the loss alone (a float) without metrics, else [loss, *per-output losses,
        *metrics]; a dict {'loss': …, metric names: …} with ``return_dict=True``.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((1,)), layers.Dense(1, kernel_initializer="ones")])
        >>> model.compile(loss="mse", metrics=["mae"])
        >>> model.evaluate(np.ones((4, 1)), np.zeros((4, 1)), verbose=0)
        [1.0, 1.0]
    """
    _reject_unknown("evaluate", kwargs, evaluate)
    self._check_compiled("evaluate")
    check_call_arguments("evaluate", batch_size=batch_size, verbose=verbose, steps=steps)
    batch_size = batch_size or 32
    epoch_batches = _evaluation_batches("evaluate", x, y, sample_weight, batch_size, steps)
    if is_dataset(x):
        self._build_for(DatasetBatches(x, None, "evaluate").peek()[0])
        n, n_steps = None, steps or (len(x) if hasattr(x, "__len__") else None)
    else:
        x = check_inputs("evaluate", x, None, None)[0]
        self._build_for(x)
        n = num_samples(x)
        check_samples("evaluate", n)
        n_batches = -(-n // batch_size)
        n_steps = n_batches if steps is None else min(steps, n_batches)
    callbacks = _callback_list(callbacks, self, verbosity(verbose), n_steps)
    with blas_threads(_threads(self, batch_size, n or batch_size * (n_steps or 1))):
        logs = _run_evaluation(self, epoch_batches, callbacks)
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def test_on_batch(
    self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False
) -> Any:
    """The loss (and metrics) of one batch, without training.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((1,)), layers.Dense(1, kernel_initializer="ones")])
        >>> model.compile(loss="mse", metrics=["mae"])
        >>> model.test_on_batch(np.ones((2, 1)), np.zeros((2, 1)), return_dict=True)
        {'loss': 1.0, 'mae': 1.0}
    """
    self._check_compiled("test_on_batch")
    x, y, sample_weight = check_inputs("test_on_batch", x, y, sample_weight)
    self._build_for(x)
    self.reset_metrics()
    with no_grad():
        logs = _epoch_logs(self.test_step(_pack(x, y, sample_weight)))
    return _returned(logs, return_dict)
