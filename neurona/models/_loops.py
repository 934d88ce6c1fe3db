"""Floor 5: what the loops of fit, evaluate and predict share: Keras's ``verbose``, the BLAS
threads for a step's size, the check of keyword arguments, whether a model overrides a step, the
logs of a custom step, and the callback list."""

from __future__ import annotations

import inspect
import os
import time
from typing import Any

import numpy as np

from neurona.callbacks import CallbackList
from neurona.errors import did_you_mean
from neurona.models import threads as blas_rule
from neurona.models.threads import choose_blas_threads

__all__ = ["verbosity"]

_SILENT = CallbackList()  # no callbacks at all: evaluate/predict skip building a list


def verbosity(verbose: Any) -> int:
    """Keras's verbose: 'auto' is 1.

    Example:
        >>> verbosity("auto"), verbosity(2)
        (1, 2)
    """
    return 1 if verbose == "auto" else int(verbose)


def _threads(model: Any, batch_size: int, n_samples: int) -> int | None:
    """The BLAS threads for a call (``choose_blas_threads``). Counting the weights walks the
    layer tree, which takes as long as a small model's forward pass: a one-batch call (predict
    on a few samples, the latency a served model sees) counts only when the count matters (a
    busy machine) and then reuses the count of an earlier call; the count only picks a thread
    number, so an outdated one never changes a result."""
    one_batch = n_samples <= batch_size
    if one_batch and _quiet_and_auto():
        return None  # the rule leaves BLAS alone for one batch, whatever the number of weights
    n_params = model.__dict__.get("_counted_weights") if one_batch else None
    if n_params is None:
        n_params = sum(w.data.size for w in model.weights)
        if getattr(model, "built", False):
            model._counted_weights = n_params
    return choose_blas_threads(batch_size, n_params, n_samples)


# when the load average and NEURONA_BLAS_THREADS were last read, whether the machine was busy,
# whether the setting was 'auto'
_LOAD = [-1.0, False, True]


def _quiet_and_auto() -> bool:
    """A quiet machine (``_machine_is_busy`` false) and NEURONA_BLAS_THREADS 'auto', both read
    at most once a second: the kernel updates the load average every 5 s, and reading it, the
    number of cores and the environment takes a served model's 20 µs. A setting changed since
    counts within a second; it only picks a thread number, never a result."""
    now = time.monotonic()
    if now - _LOAD[0] > 1.0:
        _LOAD[1], _LOAD[2], _LOAD[0] = blas_rule._machine_is_busy(), _auto_threads(), now
    return not _LOAD[1] and _LOAD[2]


def _auto_threads() -> bool:
    return os.environ.get("NEURONA_BLAS_THREADS", "auto").strip().lower() in ("", "auto")


def _reject_unknown(where: str, kwargs: dict, function: Any) -> None:
    """The TypeError for keyword arguments ``function`` does not take, naming those it does."""
    if not kwargs:
        return
    accepted = [
        name for name in inspect.signature(function).parameters if name not in ("self", "kwargs")
    ]
    hints = "".join(did_you_mean(key, accepted) for key in kwargs)
    raise TypeError(
        f"{where}: unexpected keyword argument(s) {sorted(kwargs)}.{hints} It accepts {accepted}."
    )


_BASE_STEPS: dict = {}  # Model's own train_step/test_step/predict_step, looked up once


def _overrides(model: Any, method: str) -> bool:
    base = _BASE_STEPS.get(method)
    if base is None:
        from neurona.models.model import Model

        base = _BASE_STEPS[method] = getattr(Model, method)
    return getattr(type(model), method) is not base


def _pack(x: Any, y: Any, w: Any) -> Any:
    """A batch as Keras hands it to train_step: x alone, (x, y) or (x, y, sample_weight)."""
    if y is None and w is None:
        return x
    return (x, y) if w is None else (x, y, w)


def _epoch_logs(logs: dict) -> dict:
    """Floats from a train_step's logs (nested dicts flattened, tensors converted)."""
    out: dict = {}
    for key, value in logs.items():
        if isinstance(value, dict):
            out.update(_epoch_logs(value))
        else:
            out[key] = float(np.asarray(getattr(value, "data", value)))
    return out


def _check_dataset_arguments(
    where: str, y: Any, sample_weight: Any, validation_split: float = 0.0
) -> None:
    """Keras's rule: a dataset carries its own targets and weights."""
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(
                f"{where}: {name} must be None when x is a dataset (a PyDataset, "
                "a generator or an iterable of batches): each batch carries (x, y) "
                "or (x, y, sample_weight)."
            )
    if validation_split:
        raise ValueError(
            f"{where}: validation_split needs arrays; with a dataset, pass validation_data."
        )


def _callback_list(callbacks: Any, model: Any, verbose: int, steps: int) -> CallbackList:
    if not callbacks and not verbose:
        return _SILENT
    return CallbackList(
        callbacks, add_progbar=verbose != 0, model=model, verbose=verbose, epochs=1, steps=steps
    )


def _returned(logs: dict, return_dict: bool) -> Any:
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
