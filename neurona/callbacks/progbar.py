"""Floor 5: ``ProgbarLogger``, the progress display of ``fit`` / ``evaluate`` / ``predict``: a
tqdm bar with ETA and running metrics on a terminal, one line per epoch elsewhere."""

from __future__ import annotations

import sys
import time
from typing import Any

from neurona.callbacks.base import Callback

__all__ = ["ProgbarLogger", "format_logs"]

_REFRESH_S = 0.1  # at most ten bar refreshes a second: the bar must not slow small batches


def format_logs(logs: dict | None) -> str:
    """'loss: 0.1235 - accuracy: 0.9000', Keras's display of logs (tiny values in e-notation).

    Example:
        >>> format_logs({"loss": 0.123456, "learning_rate": 1e-05})
        'loss: 0.1235 - learning_rate: 1.0000e-05'
    """
    parts = []
    for key, value in (logs or {}).items():
        try:
            value = float(value)
        except (TypeError, ValueError):
            continue  # e.g. predict's outputs
        parts.append(
            f"{key}: {value:.4f}" if abs(value) > 1e-3 or value == 0 else f"{key}: {value:.4e}"
        )
    return " - ".join(parts)


def _interactive(stream: Any) -> bool:
    """A terminal or a Jupyter kernel: where a bar redrawn in place reads well."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) or "ipykernel" in sys.modules


def _tqdm() -> Any:
    try:
        from tqdm import tqdm  # optional extra 'progress'
    except ImportError:
        return None
    return tqdm


class ProgbarLogger(Callback):
    """Shows progress, as Keras's ``verbose``: 1 (or "auto") a bar, 2 one line per epoch, 0
    nothing (``fit`` then adds no logger at all).

    The bar (tqdm, the optional extra ``neurona[progress]``) shows the step, the ETA and the
    running loss and metrics of the epoch, then the validation values at its end. Without tqdm,
    or when the output is not a terminal (a log file, CI, pytest), verbose=1 prints one line per
    epoch like verbose=2: ``Epoch 3/10 - loss: 0.4172 - val_loss: 0.4410 - 1.2s, 4ms/step``.

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
        self._last_refresh = 0.0
        self._seen = 0

    def set_params(self, params: dict) -> None:
        """Read ``verbose`` ("auto" is 1), ``epochs`` and ``steps`` (the bar's length)."""
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    # ----- the bar ---------------------------------------------------------------------------
    def _open(self, description: str | None) -> None:
        self._close()
        self._start = self._last_refresh = time.perf_counter()
        tqdm = _tqdm() if self.verbose == 1 and _interactive(sys.stdout) else None
        if tqdm is not None:
            self._bar = tqdm(
                total=self.target,
                desc=description,
                unit="step",
                file=sys.stdout,
                leave=True,
                mininterval=_REFRESH_S,
                dynamic_ncols=True,
            )

    def _advance(self, batch: int, logs: dict | None) -> None:
        bar = self._bar
        if bar is None:
            return
        now = time.perf_counter()
        if logs and now - self._last_refresh >= _REFRESH_S:  # format the metrics only then
            self._last_refresh = now
            bar.set_postfix_str(format_logs(logs), refresh=False)
        bar.update(batch + 1 - bar.n)

    def _close(self, logs: dict | None = None) -> bool:
        """Close the bar (showing ``logs``); False when there was none to close."""
        bar, self._bar = self._bar, None
        if bar is None:
            return False
        if logs:
            bar.set_postfix_str(format_logs(logs), refresh=False)
        bar.close()
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

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Open the epoch's bar."""
        self._seen = 0
        self._open(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Move the bar; refresh the running metrics at most every 0.1 s."""
        self._seen = batch + 1
        self._advance(batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Close the bar with the epoch's values, or print the epoch's line."""
        if not self._close(logs) and self.verbose:
            steps = self._seen or self.target or 0
            print(f"Epoch {epoch + 1}/{self.epochs} - {format_logs(logs)} - {self._timing(steps)}")

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Open a bar for ``evaluate`` (not for validation inside fit)."""
        if not self._in_fit:
            self._open("Evaluate")

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Move the evaluation bar."""
        if not self._in_fit:
            self._advance(batch, logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        """Close the bar with the results, or print them on one line."""
        if not self._in_fit and not self._close(logs) and self.verbose:
            print(format_logs(logs))

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Open a bar for ``predict`` (on a terminal only: predict prints no line)."""
        self._open("Predict")

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Move the prediction bar."""
        self._advance(batch, None)

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Close the prediction bar."""
        self._close()
