"""Floor 5: the ``Callback`` base (Keras's hook names) and ``History``, the callback ``fit``
always adds: it records each epoch's logs ('loss', metrics, 'val_…') in ``history``."""

from __future__ import annotations

from typing import Any

__all__ = ["Callback", "History"]


class Callback:
    """Base class of the objects ``fit``, ``evaluate`` and ``predict`` call at the start and end
    of training, epochs and batches. A subclass overrides the hooks it needs; ``self.model`` is
    the model and ``self.params`` holds ``epochs``, ``steps`` and ``verbose``.

    Hooks (all do nothing here): on_train_begin/end(logs), on_epoch_begin/end(epoch, logs),
    on_train_batch_begin/end(batch, logs) (Keras 2's aliases on_batch_begin/end),
    on_test_begin/end(logs), on_test_batch_begin/end(batch, logs), on_predict_begin/end(logs),
    on_predict_batch_begin/end(batch, logs). Only the hooks a callback overrides are called, so
    a callback without batch hooks costs nothing per batch.

    Example:
        >>> class Counter(Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         self.last = epoch
        >>> c = Counter(); c.on_epoch_end(2, {"loss": 0.5}); c.last
        2
    """

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict = {}

    def set_model(self, model: Any) -> None:
        """Remember the model being trained (``fit`` calls it)."""
        self.model = model

    def set_params(self, params: dict) -> None:
        """Remember the training parameters (``epochs``, ``steps``, ``verbose``)."""
        self.params = dict(params)

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once before the first epoch."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once after the last epoch (or when training stops early)."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of each epoch (0-based ``epoch``)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of each epoch with its logs ('loss', metrics, 'val_…')."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each training batch."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each training batch with the running logs of the epoch."""
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Keras 2's name of on_train_batch_begin."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Keras 2's name of on_train_batch_end."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called before evaluation (``evaluate``, or validation in ``fit``)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called after evaluation with its logs."""

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each evaluation batch with the running logs."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called before ``predict``."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called after ``predict``."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each prediction batch (``logs['outputs']`` holds its outputs)."""


class History(Callback):
    """Records the logs of every epoch: ``history.history["loss"][e]`` is epoch e's mean loss.

    ``fit`` returns it (and sets ``model.history``); ``history.epoch`` lists the epochs seen.

    Example:
        >>> h = History(); h.on_train_begin()
        >>> h.on_epoch_end(0, {"loss": 1.0}); h.on_epoch_end(1, {"loss": 0.5})
        >>> h.history, h.epoch
        ({'loss': [1.0, 0.5]}, [0, 1])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Start a fresh record of epochs (the history keys are kept across fits, as Keras)."""
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Append each value of ``logs`` to its list."""
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
