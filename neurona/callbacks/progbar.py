"""Floor 5: ``ProgbarLogger``, the progress display of ``fit`` / ``evaluate`` / ``predict``, and
``EpochProgbar``, one bar over the epochs for trainings whose epochs are a single quick step.

Both draw a Keras-style bar (``neurona.callbacks.display.Progbar``: steps, ETA, time per step and
every metric, wrapped to the terminal's width) with the standard library only. tqdm is an
optional, nicer renderer: ``NEURONA_PROGRESS=tqdm`` (with ``pip install "neurona[progress]"``).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from neurona.callbacks.base import Callback
from neurona.callbacks.display import Progbar, format_value, interactive, layout

__all__ = ["EpochProgbar", "ProgbarLogger", "format_logs"]

_REFRESH_S = 0.1  # at most ten redraws a second: the bar must not slow small batches


def format_logs(logs: dict | None) -> str:
    """'loss: 0.1235 - accuracy: 0.9000', Keras's display of logs (tiny values in e-notation).

    Example:
        >>> format_logs({"loss": 0.123456, "learning_rate": 1e-05})
        'loss: 0.1235 - learning_rate: 1.0000e-05'
    """
    parts = (format_value(key, value) for key, value in (logs or {}).items())
    return " - ".join(p for p in parts if p)


def _tqdm() -> Any:
    """tqdm when asked for (``NEURONA_PROGRESS=tqdm``) and installed, else None."""
    if os.environ.get("NEURONA_PROGRESS", "").lower() != "tqdm":
        return None
    try:
        from tqdm import tqdm  # optional extra 'progress'
    except ImportError:
        return None
    return tqdm


class _TqdmBar:
    """The tqdm renderer behind the ``Progbar`` interface: running values in the postfix; the
    final values printed below the closed bar, wrapped like ``Progbar``'s (tqdm would cut them)."""

    def __init__(self, tqdm: Any, target: int | None, description: str | None) -> None:
        self.bar = tqdm(total=target, desc=description, unit="step", file=sys.stdout,
                        leave=True, mininterval=_REFRESH_S, dynamic_ncols=True)  # fmt: skip
        self._last = 0.0
        self.current = 0

    def update(self, current: int, values: dict | None = None, finalize: bool = False) -> None:
        self.current = current
        now = time.perf_counter()
        if values and not finalize and now - self._last >= _REFRESH_S:
            self._last = now
            self.bar.set_postfix_str(format_logs(values), refresh=False)
        self.bar.update(current - self.bar.n)
        if finalize:
            self.bar.set_postfix_str("", refresh=False)
            self.bar.close()
            items = [format_logs({k: v}) for k, v in (values or {}).items()]
            width = Progbar(None).columns()
            print("\n".join(layout(" ", [i for i in items if i], width)).lstrip(" -"))


class ProgbarLogger(Callback):
    """Shows progress, as Keras's ``verbose``: 1 (or "auto") a live bar, 2 one line per epoch,
    0 nothing (``fit`` then adds no logger at all).

    On a terminal (or in Jupyter), verbose=1 prints ``Epoch 3/10`` and a bar redrawn in place:
    the step, the ETA and the running loss and metrics, then at the epoch's end the time, the
    time per step and every value, validation included, wrapped to the terminal's width.
    Elsewhere (a log file, CI, pytest) it prints one line per epoch, like verbose=2
    (``Epoch 3/10 - loss: 0.4172 - val_loss: 0.4410 - 1.2s, 4ms/step``), plus a progress line
    every 10 s within long epochs.

    Example:
        >>> logger = ProgbarLogger(); logger.set_params({"verbose": 2, "epochs": 3, "steps": 5})
        >>> logger.on_train_begin(); logger.on_epoch_begin(0)
        >>> logger.on_epoch_end(0, {"loss": 0.5})  # doctest: +ELLIPSIS
        Epoch 1/3 - loss: 0.5000 - ...s, ...ms/step
    """

    def __init__(self) -> None:
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target: int | None = None
        self._in_fit = False
        self._bar: Any = None
        self._start = 0.0
        self._seen = 0
        self._log = True

    def set_params(self, params: dict) -> None:
        """Read ``verbose`` ("auto" is 1), ``epochs`` and ``steps`` (the bar's length)."""
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    # ----- the bar ---------------------------------------------------------------------------
    def _open(self, title: str | None) -> None:
        self._close()
        self._start = time.perf_counter()
        self._seen = 0
        if self.verbose != 1:
            return
        tqdm = _tqdm()
        if tqdm is not None and interactive(sys.stdout):
            self._bar, self._log = _TqdmBar(tqdm, self.target, title), False
            return
        self._log = not interactive(sys.stdout)
        if not self._log and title:
            print(title, flush=True)
        # off a terminal the bar draws nothing but a line every 10 s within a long epoch
        self._bar = Progbar(self.target, interval=_REFRESH_S, heartbeat=10.0)

    def _advance(self, step: int, logs: dict | None) -> None:
        self._seen = step
        if self._bar is not None:
            self._bar.update(step, logs, finalize=False)

    def _close(self, logs: dict | None = None) -> bool:
        """Finish the bar showing ``logs``; False when there was no bar on screen."""
        bar, self._bar = self._bar, None
        if bar is None or (self._log and not isinstance(bar, _TqdmBar)):
            return False  # off a terminal the caller prints the one line
        bar.update(max(self._seen, bar.current), logs, finalize=True)
        return True

    def _timing(self, steps: int) -> str:
        elapsed = time.perf_counter() - self._start
        return f"{elapsed:.1f}s, {1000 * elapsed / max(steps, 1):.0f}ms/step"

    # ----- hooks -----------------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        """Inside fit, validation runs silently (its values join the epoch's line)."""
        self._in_fit = True
        self._seen = 0

    def on_train_end(self, logs: dict | None = None) -> None:
        """Close a bar left open (training stopped mid-epoch)."""
        self._close()
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Open the epoch's bar."""
        self._open(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Move the bar (redrawn at most every 0.1 s)."""
        self._advance(batch + 1, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Finish the bar with the epoch's values, or print the epoch's line."""
        if not self._close(logs) and self.verbose:
            steps = self._seen or self.target or 0
            print(f"Epoch {epoch + 1}/{self.epochs} - {format_logs(logs)} - {self._timing(steps)}")

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Open a bar for ``evaluate`` (not for validation inside fit)."""
        if not self._in_fit:
            self._open(None)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Move the evaluation bar."""
        if not self._in_fit:
            self._advance(batch + 1, logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        """Finish the bar with the results, or print them on one line."""
        if not self._in_fit and not self._close(logs) and self.verbose:
            print(format_logs(logs))

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Open a bar for ``predict`` (on a terminal only: predict prints no line)."""
        self._open(None)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Move the prediction bar."""
        self._advance(batch + 1, None)

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Finish the prediction bar."""
        self._close()


class EpochProgbar(Callback):
    """One bar over the epochs, showing the last epoch's values: the progress of a training
    whose epochs are one quick step each (full-batch labs), where a bar per epoch would scroll.

    Args:
        epochs: the bar's length (default: ``fit``'s ``epochs``).
        stream: where to draw (default ``sys.stdout``); off a terminal only the final line and
            a line every 10 s are written.

    Example:
        >>> import io
        >>> out = io.StringIO(); progress = EpochProgbar(stream=out)
        >>> progress.set_params({"epochs": 2}); progress.on_train_begin()
        >>> progress.on_epoch_end(0, {"loss": 0.5}); progress.on_epoch_end(1, {"loss": 0.25})
        >>> print(out.getvalue().strip())  # doctest: +ELLIPSIS
        2/2 [==============================] - 0s ...s/epoch - loss: 0.2500
    """

    def __init__(self, epochs: int | None = None, stream: Any = None) -> None:
        super().__init__()
        self.epochs = epochs
        self.stream = stream
        self._bar: Progbar | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Open the bar over ``epochs``."""
        target = self.epochs or self.params.get("epochs")
        self._bar = Progbar(target, unit_name="epoch", interval=_REFRESH_S, stream=self.stream)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Move the bar one epoch, showing the epoch's values."""
        if self._bar is not None:
            self._bar.update(epoch + 1, logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        """Finish the bar where training stopped (early stopping: before the last epoch)."""
        if self._bar is not None and not self._bar.finalized:
            self._bar.update(self._bar.current, None, finalize=True)
        self._bar = None
