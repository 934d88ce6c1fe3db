"""Floor 5: ``predict`` and ``predict_on_batch``: the model's outputs for data, batch by batch,
without gradients (methods of ``Model``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from neurona.autodiff import Tensor, no_grad
from neurona.backend import blas_threads
from neurona.layers._structure import flatten, map_structure, pack_like
from neurona.models._checks import check_call_arguments
from neurona.models._inference import predict_dense_chain
from neurona.models._loops import (
    _callback_list,
    _overrides,
    _quiet_and_auto,
    _reject_unknown,
    _threads,
    verbosity,
)
from neurona.models.data import check_inputs, num_samples
from neurona.models.data_adapter import DatasetBatches, array_batches, is_dataset

__all__ = ["predict", "predict_on_batch"]


def predict(
    self,
    x: Any,
    batch_size: int | None = None,
    verbose: Any = "auto",
    steps: int | None = None,
    callbacks: list | None = None,
    **kwargs: Any,
) -> Any:
    """The model's outputs for x, batch by batch under ``no_grad``, as NumPy arrays (a list
    or dict of arrays for a model with several outputs).

    x is an array (a list or dict of arrays for several inputs) or a dataset of batches (a
    PyDataset, a generator, an iterable such as a DataLoader; the x of each batch is used).
    Callbacks get on_predict_begin / on_predict_batch_begin / on_predict_batch_end (logs
    {'outputs': the batch's outputs}) / on_predict_end. A bar shows on a terminal only.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> model.predict(np.ones((5, 3)), verbose=0).shape
        (5, 2)
    """
    if (
        type(x) is np.ndarray
        and type(verbose) is int
        and verbose == 0
        and not kwargs
        and not callbacks
        and steps is None
        and (batch_size is None or (type(batch_size) is int and batch_size > 0))
    ):  # the usual served call; returns None (the checks below then speak) for anything else
        out = _predict_one_batch(self, x, batch_size or 32)
        if out is not None:
            return out
    _reject_unknown("predict", kwargs, predict)
    check_call_arguments("predict", batch_size=batch_size, verbose=verbose, steps=steps)
    batch_size = batch_size or 32
    verbose = verbosity(verbose)
    if is_dataset(x):  # batches of x (or (x, ...), whose x is used)
        source = DatasetBatches(x, steps, "predict")
        epoch_batches, n = source.epoch, None
        n_steps = source.steps
    else:
        x, _, _ = check_inputs("predict", x, None, None)
        n = num_samples(x)
        n_steps = -(-n // batch_size) if steps is None else steps
        epoch_batches = array_batches(x, None, None, None, batch_size)
    callbacks = _callback_list(callbacks, self, verbose, n_steps)
    batch_begin = callbacks.has("on_predict_batch_begin")
    batch_end = callbacks.has("on_predict_batch_end")
    step_fn = self.predict_step if _overrides(self, "predict_step") else None
    outputs: list = []
    structure = None
    callbacks.on_predict_begin({})
    threads = _threads(self, batch_size, n or batch_size) if self.built else None
    with no_grad(), blas_threads(threads):
        for step, (x_b, _, _) in enumerate(epoch_batches()):
            if n_steps is not None and step >= n_steps:
                break
            if batch_begin:
                callbacks.on_predict_batch_begin(step, {})
            out = step_fn(x_b) if step_fn else self(x_b, training=False)
            structure = out
            outputs.append([np.asarray(getattr(o, "data", o)) for o in flatten(out)])
            if batch_end:
                callbacks.on_predict_batch_end(step, {"outputs": pack_like(out, outputs[-1])})
    callbacks.on_predict_end({})
    if not outputs:
        return np.zeros((0, *(getattr(self, "output_shape", None) or (None,))[1:]), dtype="float32")
    merged = [np.concatenate(parts, axis=0) for parts in zip(*outputs)]
    return pack_like(structure, merged)


def _predict_one_batch(self: Any, x: np.ndarray, batch_size: int) -> Any:
    """predict's outputs for one batch of one array, silently (the latency a served model
    sees), with check_inputs' checks of x inlined for a numeric array; None when x needs more
    (a scalar, object or NaN data, several batches) or the model has its own predict_step:
    the general path then checks and runs it."""
    kind = x.dtype.kind
    if (
        x.ndim == 0
        or not 0 < len(x) <= batch_size
        or kind not in "fciub"
        or (kind == "f" and not math.isfinite(np.add.reduce(x, axis=None)))  # NaN/inf: the
        or (kind == "c" and not np.isfinite(np.add.reduce(x, axis=None)))  # full check speaks
        or _overrides(self, "predict_step")
    ):
        return None
    threads = None if _quiet_and_auto() else _threads(self, batch_size, len(x))
    with no_grad(), blas_threads(threads):
        a = predict_dense_chain(self, x)  # a Sequential of Dense layers: their nodes directly
        if a is not None:
            return a
        out = self(x, training=False)
    if type(out) is Tensor and type(out.data) is np.ndarray:
        a = out.data
        return a.copy() if np.may_share_memory(a, x) else a
    arrays = [np.asarray(getattr(o, "data", o)) for o in flatten(out)]
    return pack_like(out, [a.copy() if np.may_share_memory(a, x) else a for a in arrays])


def predict_on_batch(self, x: Any) -> Any:
    """The outputs for one batch, as NumPy arrays.

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
        >>> model.predict_on_batch(np.ones((4, 3))).shape
        (4, 2)
    """
    x, _, _ = check_inputs("predict_on_batch", x, None, None)
    with no_grad():
        out = self.predict_step(x)
    return map_structure(lambda o: np.asarray(getattr(o, "data", o)), out)
