"""Floor 5: small callbacks that log or watch: ``CSVLogger`` (one CSV row per epoch),
``TerminateOnNaN`` (stop on a NaN or infinite loss), ``LambdaCallback`` (hooks from functions)."""

from __future__ import annotations

import csv
import math
import os
from typing import Any

import numpy as np

from neurona.callbacks.base import Callback

__all__ = ["CSVLogger", "LambdaCallback", "TerminateOnNaN"]


class CSVLogger(Callback):
    """Write the logs of every epoch to a CSV file: a header ``epoch,loss,…`` then one row per
    epoch (0-based epoch, keys sorted, as Keras 3).

    When the first epoch has no 'val_…' key, the columns 'val_<key>' are added anyway (filled
    with 'NA'), as Keras does, so that files of runs with and without validation line up.

    Args:
        filename: the CSV file.
        separator: the column separator.
        append: add to an existing file (without repeating its header) instead of replacing it.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
        >>> logger = CSVLogger(path); logger.on_train_begin()
        >>> logger.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.75}); logger.on_train_end()
        >>> print(open(path).read().strip())
        epoch,loss,val_loss
        0,0.5,0.75
    """

    def __init__(self, filename: Any, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.keys: list[str] | None = None
        self.writer: Any = None
        self.csv_file: Any = None
        self.append_header = True

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Open the file (for appending with ``append=True``)."""
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as f:
                self.append_header = not f.readline()
        self._close()
        self.csv_file = open(
            self.filename, "a" if self.append else "w", newline="", encoding="utf-8"
        )
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Write the epoch's row (and the header before the first one)."""
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            self.writer = csv.DictWriter(
                self.csv_file,
                fieldnames=["epoch", *self.keys],
                delimiter=self.sep,
                lineterminator="\n",
            )
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        """Close the file."""
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()


def _cell(value: Any) -> Any:
    if isinstance(value, str) or np.ndim(value) == 0:
        return value
    return f"[{', '.join(map(str, np.ravel(value)))}]"


class TerminateOnNaN(Callback):
    """Stop training at the first batch whose loss is NaN or infinite.

    By default it sets ``model.stop_training`` (the epoch ends, callbacks' on_train_end run);
    with ``raise_error=True`` it raises a RuntimeError at once, as Keras 3 does.

    Example:
        >>> class Model:
        ...     stop_training = False
        >>> callback = TerminateOnNaN(); callback.set_model(Model())
        >>> callback.on_batch_end(7, {"loss": float("nan")})
        Batch 7: Invalid loss, terminating training
        >>> callback.model.stop_training
        True
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Check the batch's loss."""
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                f"{loss}. Terminating training immediately."
            )
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback made of plain functions, one per hook, as Keras's ``LambdaCallback``.

    ``on_epoch_begin``/``on_epoch_end`` take (epoch, logs), ``on_train_begin``/``on_train_end``
    take (logs), ``on_train_batch_begin``/``on_train_batch_end`` take (batch, logs); any other
    hook (e.g. ``on_test_end=``) can be given by keyword too.

    Example:
        >>> callback = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs))
        >>> callback.on_epoch_end(0, {"loss": 0.25})
        0 {'loss': 0.25}
    """

    def __init__(
        self,
        on_epoch_begin: Any = None,
        on_epoch_end: Any = None,
        on_train_begin: Any = None,
        on_train_end: Any = None,
        on_train_batch_begin: Any = None,
        on_train_batch_end: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
