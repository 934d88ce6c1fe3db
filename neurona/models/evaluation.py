"""Floor 5: running a trained model without training it: ``evaluate`` (the loss and metrics over
data, batch by batch) and ``predict`` (the outputs), both under ``no_grad``."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.autodiff import no_grad
from neurona.backend import blas_threads
from neurona.callbacks import CallbackList
from neurona.models.data import batches, check_inputs

__all__ = ["EvaluationMixin", "verbosity"]

_SILENT = CallbackList()  # no callbacks at all: evaluate/predict skip building a list


def _callback_list(callbacks: Any, model: Any, verbose: int, steps: int) -> CallbackList:
    if not callbacks and not verbose:
        return _SILENT
    return CallbackList(callbacks, add_progbar=verbose != 0, model=model, verbose=verbose,
                        epochs=1, steps=steps)


def verbosity(verbose: Any) -> int:
    """Keras's verbose: 'auto' is 1.

    Example:
        >>> verbosity("auto"), verbosity(2)
        (1, 2)
    """
    return 1 if verbose == "auto" else int(verbose)


class EvaluationMixin:
    """evaluate / predict: the half of ``TrainingMixin`` (its base) that needs no gradients. It
    uses the state ``compile`` sets up and TrainingMixin's helpers (``_build_metrics``,
    ``_logs``, ``_total_loss``, ``_check_compiled``, ``_blas_threads``).

    Example:
        >>> from neurona import layers
        >>> from neurona.models import Sequential
        >>> model = Sequential([layers.Input((2,)), layers.Dense(1, kernel_initializer="ones")])
        >>> isinstance(model, EvaluationMixin), model.predict(np.ones((1, 2)), verbose=0)
        (True, array([[2.]], dtype=float32))
    """

    def _run_evaluation(self, x: np.ndarray, y: np.ndarray, sample_weight: Any,
                        batch_size: int, callbacks: CallbackList | None = None,
                        steps: int | None = None) -> dict:
        self._build_metrics(y)
        callbacks = callbacks or CallbackList()
        batch_begin = callbacks.has("on_test_batch_begin")
        batch_end = callbacks.has("on_test_batch_end")
        for metric in self._metrics:
            metric.reset_state()
        callbacks.on_test_begin()
        loss_sum, seen = 0.0, 0
        with no_grad():
            for step, index in enumerate(batches(len(x), batch_size, None)):
                if steps is not None and step >= steps:
                    break
                if batch_begin:
                    callbacks.on_test_batch_begin(step)
                x_b, y_b = x[index], y[index]
                w_b = None if sample_weight is None else sample_weight[index]
                y_pred = self(x_b, training=False)
                loss_sum += float(self._total_loss(y_b, y_pred, w_b).item()) * len(y_b)
                seen += len(y_b)
                for metric in self._metrics:
                    metric.update_state(y_b, y_pred.data, sample_weight=w_b)
                if batch_end:
                    callbacks.on_test_batch_end(step, self._logs(loss_sum / seen))
        logs = self._logs(loss_sum / seen if seen else 0.0)
        callbacks.on_test_end(logs)
        return logs

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = 32,
                 verbose: Any = "auto", sample_weight: Any = None, steps: int | None = None,
                 callbacks: list | None = None, return_dict: bool = False,
                 **kwargs: Any) -> Any:
        """The loss (penalties included) and metrics over (x, y), batch by batch, no training.

        Callbacks get on_test_begin / on_test_batch_begin / on_test_batch_end / on_test_end;
        ``steps`` stops after that many batches.

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
        batch_size = batch_size or 32
        verbose = verbosity(verbose)
        n_steps = -(-len(x) // batch_size) if steps is None else min(steps, -(-len(x) //
                                                                                batch_size))
        callbacks = _callback_list(callbacks, self, verbose, n_steps)
        with blas_threads(self._blas_threads(batch_size, len(x))):
            logs = self._run_evaluation(x, y, sample_weight, batch_size, callbacks, steps)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: int | None = 32, verbose: Any = "auto",
                steps: int | None = None, callbacks: list | None = None,
                **kwargs: Any) -> np.ndarray:
        """The model's outputs for x, batch by batch under ``no_grad``, as a NumPy array.

        Callbacks get on_predict_begin / on_predict_batch_begin / on_predict_batch_end (logs
        {'outputs': the batch's outputs}) / on_predict_end. A bar shows on a terminal only.

        Example:
            >>> from neurona import layers
            >>> from neurona.models import Sequential
            >>> model = Sequential([layers.Input((3,)), layers.Dense(2)])
            >>> model.predict(np.ones((5, 3)), verbose=0).shape
            (5, 2)
        """
        x, _, _ = check_inputs("predict", x, None, None)
        batch_size = batch_size or 32
        verbose = verbosity(verbose)
        n_steps = -(-len(x) // batch_size) if steps is None else steps
        callbacks = _callback_list(callbacks, self, verbose, n_steps)
        batch_begin = callbacks.has("on_predict_batch_begin")
        batch_end = callbacks.has("on_predict_batch_end")
        outputs = []
        callbacks.on_predict_begin()
        threads = self._blas_threads(batch_size, len(x)) if self.built else None
        with no_grad(), blas_threads(threads):
            for step, index in enumerate(batches(len(x), batch_size, None)):
                if step >= n_steps:
                    break
                if batch_begin:
                    callbacks.on_predict_batch_begin(step)
                outputs.append(np.asarray(self(x[index], training=False).numpy()))
                if batch_end:
                    callbacks.on_predict_batch_end(step, {"outputs": outputs[-1]})
        callbacks.on_predict_end()
        if not outputs:
            return np.zeros((0, *(self.output_shape or (None,))[1:]), dtype="float32")
        return np.concatenate(outputs, axis=0)
