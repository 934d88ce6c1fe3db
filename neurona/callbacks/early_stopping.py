"""Floor 5: ``EarlyStopping``: stop training when the watched value has not improved for
``patience`` epochs, optionally going back to the best epoch's weights."""

from __future__ import annotations

from neurona.callbacks.monitor import MonitorCallback

__all__ = ["EarlyStopping"]


class EarlyStopping(MonitorCallback):
    """Stop ``fit`` when ``monitor`` has stopped improving (Keras 3's rule, step by step).

    At the end of each epoch e ≥ ``start_from_epoch`` with value v = logs[monitor]:
        1. wait ← wait + 1
        2. if v improves on best by more than min_delta: best ← v (and its weights are kept
           when ``restore_best_weights``); wait ← 0 unless a ``baseline`` is set and v does
           not beat it either; go to the next epoch
        3. otherwise, if wait ≥ patience (and e > 0): stopped_epoch ← e, stop training
    At the end of training, with ``restore_best_weights=True``, the weights of the best epoch
    are put back, whether training stopped early or ran all its epochs (as Keras 3 does).

    Args:
        monitor: the log key to watch ('val_loss' by default: needs validation data).
        min_delta: the smallest change that counts as an improvement.
        patience: how many epochs without improvement to accept.
        verbose: 1 prints when it stops and when it restores weights.
        mode: 'auto' (max for accuracy-like names, min for losses), 'min' or 'max'.
        baseline: a value to beat; training stops after ``patience`` epochs that do not.
        restore_best_weights: put back the weights of the best epoch at the end.
        start_from_epoch: epochs of warm-up before watching begins.

    Attributes:
        best, wait, stopped_epoch (0 when training did not stop early), best_epoch.

    Example:
        >>> class Model:                    # fit passes the real model
        ...     stop_training = False
        >>> stop = EarlyStopping(monitor="val_loss", patience=2)
        >>> stop.set_model(Model()); stop.on_train_begin()
        >>> for epoch, val_loss in enumerate([0.9, 0.7, 0.8, 0.75, 0.6]):
        ...     stop.on_epoch_end(epoch, {"val_loss": val_loss})
        ...     if stop.model.stop_training:
        ...         break
        >>> stop.stopped_epoch, stop.best, stop.wait   # 0.8, 0.75: two epochs without gain
        (3, 0.7, 2)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights: list | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Start afresh: no best value, no waiting."""
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Count an epoch without improvement, or remember a new best; stop when it is time."""
        current = self.get_monitor_value(logs, "Early stopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()  # the first epoch watched
            self.best_epoch = epoch
        self.wait += 1
        if self.is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self.is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        """Report the stop and put the best weights back when asked."""
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    f"Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)
