"""Floor 5: ``ModelCheckpoint``: save the model (or only its weights) during training, every
epoch, every n batches, or only when the watched value improves."""

from __future__ import annotations

import os
import warnings
from typing import Any

from neurona.callbacks.monitor import MonitorCallback

__all__ = ["ModelCheckpoint"]


class ModelCheckpoint(MonitorCallback):
    """Save the model with ``model.save(path)`` (or ``model.save_weights(path)``) as training
    goes, Keras 3's way.

    ``filepath`` may hold placeholders filled from the epoch (1-based) and the logs:
    ``"ckpt/model-{epoch:02d}-{val_loss:.2f}.neurona"`` → ``ckpt/model-03-0.41.neurona``
    (``{batch}`` too when saving every n batches). Missing folders are created.

    Args:
        filepath: where to save (str or path), with optional placeholders.
        monitor: the log key that decides "best" (with ``save_best_only``).
        verbose: 1 prints a line at each save.
        save_best_only: save only when ``monitor`` improves (a fixed filepath then always holds
            the best model so far).
        save_weights_only: ``model.save_weights`` instead of ``model.save``.
        mode: 'auto', 'min' or 'max', as in EarlyStopping.
        save_freq: 'epoch', or an int n: save after every n batches.
        initial_value_threshold: a value ``monitor`` must beat before the first save.

    Example:
        >>> class Model:                      # any object with save(path, overwrite=True)
        ...     def save(self, path, overwrite=True):
        ...         print("saved", path)
        >>> checkpoint = ModelCheckpoint("model-{epoch:02d}-{val_loss:.2f}.neurona",
        ...                              save_best_only=True)
        >>> checkpoint.set_model(Model())
        >>> checkpoint.on_epoch_end(0, {"val_loss": 0.5})
        saved model-01-0.50.neurona
        >>> checkpoint.on_epoch_end(1, {"val_loss": 0.7})   # no improvement: no save
        >>> checkpoint.best
        0.5
    """

    def __init__(
        self,
        filepath: Any,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: Any = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        if save_freq != "epoch" and (
            not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq <= 0
        ):
            raise ValueError(
                f"ModelCheckpoint: expected save_freq='epoch' or a positive int "
                f"(a number of batches), got {save_freq!r}."
            )
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_since_save = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Remember the epoch (for batch-wise saving)."""
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """With ``save_freq=n``: save after every n batches."""
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """With ``save_freq='epoch'``: save (if best, with ``save_best_only``)."""
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _path(self, epoch: int, batch: int | None, logs: dict) -> str:
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None:
            fields.setdefault("batch", batch + 1)
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError) as error:
            raise KeyError(
                f"ModelCheckpoint: cannot fill filepath {self.filepath!r}: no value "
                f"for {error}. Available: epoch, {', '.join(logs) or '(no logs)'}."
            ) from None

    def _should_save(self, epoch: int, logs: dict, path: str) -> bool:
        if not self.save_best_only:
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"ModelCheckpoint: can save the best model only with "
                f"{self.monitor!r} in the logs; available: {', '.join(logs)}. "
                "Saving anyway.",
                stacklevel=3,
            )
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self.is_improvement(current, self.best):
            if self.verbose > 0:
                print(
                    f"Epoch {epoch + 1}: {self.monitor} improved from {best} to "
                    f"{current:.5f}, saving model to {path}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print(f"Epoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        logs = logs or {}
        path = self._path(epoch, batch, logs)
        if not self._should_save(epoch, logs, path):
            return
        if os.path.isdir(path):
            raise IsADirectoryError(
                f"ModelCheckpoint: filepath {path!r} is a folder; give a "
                "file name such as 'ckpt/model-{epoch:02d}.neurona'."
            )
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)
        if self.verbose > 0 and not self.save_best_only:
            print(f"Epoch {epoch + 1}: saving model to {path}")
