"""Floor 5: callbacks that change the optimiser's learning rate between epochs:
``LearningRateScheduler`` (a function of the epoch) and ``ReduceLROnPlateau`` (on a plateau)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.callbacks.base import Callback
from neurona.callbacks.monitor import MonitorCallback

__all__ = ["LearningRateScheduler", "ReduceLROnPlateau"]


def _log_learning_rate(model: Any, logs: dict | None) -> None:
    """Keras 3 adds the current α to the epoch's logs as 'learning_rate' (so to the history)."""
    if logs is not None:
        logs["learning_rate"] = float(model.optimizer.learning_rate)


class LearningRateScheduler(Callback):
    """Set α ← schedule(epoch, α) at the start of every epoch (epoch is 0-based).

    ``schedule`` may also take the epoch alone (Keras's old API). The epoch's logs then hold
    'learning_rate'.

    Args:
        schedule: a function (epoch, lr) → new lr (a float).
        verbose: 1 prints the new rate at each epoch.

    Example:
        >>> def schedule(epoch, lr):
        ...     return lr if epoch < 2 else lr * 0.5
        >>> from neurona import optimizers
        >>> class Model:
        ...     optimizer = optimizers.SGD(learning_rate=0.1)
        >>> callback = LearningRateScheduler(schedule); callback.set_model(Model())
        >>> for epoch in range(4):
        ...     callback.on_epoch_begin(epoch)
        >>> Model.optimizer.learning_rate
        0.025
    """

    def __init__(self, schedule: Any, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                f"LearningRateScheduler: expected schedule to be a function "
                f"(epoch, lr) -> lr, got {schedule!r}."
            )
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Ask the schedule for this epoch's α and give it to the optimiser."""
        optimizer = self.model.optimizer
        try:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # Keras's old API: schedule(epoch)
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, int, np.floating, np.integer)) or isinstance(lr, bool):
            raise ValueError(
                f"LearningRateScheduler: the schedule must return a float, got "
                f"{lr!r} at epoch {epoch}."
            )
        optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Put the epoch's α in the logs as 'learning_rate'."""
        _log_learning_rate(self.model, logs)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply α by ``factor`` when ``monitor`` has not improved for ``patience`` epochs.

    At the end of each epoch, with v = logs[monitor] (Keras 3's rule):
        1. during a cooldown: cooldown_counter ← cooldown_counter − 1, wait ← 0
        2. if v improves on best by more than min_delta: best ← v, wait ← 0
        3. else, outside a cooldown: wait ← wait + 1; once wait ≥ patience and α > min_lr:
           α ← max(α · factor, min_lr), cooldown_counter ← cooldown, wait ← 0
    The epoch's logs get 'learning_rate' (the α used in that epoch).

    Args:
        monitor: the log key to watch.
        factor: the multiplier, 0 < factor < 1.
        patience: epochs without improvement before a reduction.
        verbose: 1 prints each reduction.
        mode: 'auto', 'min' or 'max'.
        min_delta: the smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the floor of α.

    Example:
        >>> from neurona import optimizers
        >>> class Model:
        ...     optimizer = optimizers.SGD(learning_rate=0.1)
        >>> reduce = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2)
        >>> reduce.set_model(Model()); reduce.on_train_begin()
        >>> for epoch, loss in enumerate([1.0, 0.9, 0.9, 0.9]):
        ...     reduce.on_epoch_end(epoch, {"loss": loss})
        >>> Model.optimizer.learning_rate
        0.05
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        if not 0.0 <= factor < 1.0:
            raise ValueError(
                f"ReduceLROnPlateau: expected 0 <= factor < 1 (the rate is "
                f"multiplied by it), got factor={factor}."
            )
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Forget the best value, the waiting and the cooldown."""
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        """Whether a reduction happened less than ``cooldown`` epochs ago."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Log α, then count an epoch on the plateau and reduce α when it is time."""
        _log_learning_rate(self.model, logs)
        current = self.get_monitor_value(logs, "Learning rate reduction")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, epoch: int) -> bool:
        optimizer = self.model.optimizer
        old = float(optimizer.learning_rate)
        if old <= np.float32(self.min_lr):  # Keras compares in float32
            return False
        new = max(old * self.factor, self.min_lr)
        optimizer.learning_rate = new
        if self.verbose > 0:
            print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
        return True
