"""Floor 5: ``MonitorCallback``, what EarlyStopping, ModelCheckpoint and ReduceLROnPlateau share:
which value to watch, whether lower or higher is better, and what counts as an improvement."""

from __future__ import annotations

import warnings
from typing import Any

from neurona.callbacks.base import Callback

__all__ = ["MonitorCallback"]

# names whose value should grow; everything else that looks like a loss or error should shrink
_HIGHER_IS_BETTER = (
    "acc",
    "auc",
    "precision",
    "recall",
    "f1",
    "fbeta",
    "iou",
    "r2",
    "top_k",
    "true_positives",
    "true_negatives",
    "cosine_similarity",
)
_LOWER_IS_BETTER = (
    "loss",
    "error",
    "crossentropy",
    "mse",
    "mae",
    "mape",
    "msle",
    "hinge",
    "divergence",
    "logcosh",
    "poisson",
    "huber",
    "false_positives",
    "false_negatives",
)


class MonitorCallback(Callback):
    """Base of the callbacks that watch ``logs[monitor]`` at the end of each epoch.

    Improvement, with δ = |min_delta| (Keras 3's rule):
        mode 'min':  current − (−δ) < best, i.e. current < best − δ
        mode 'max':  current − δ > best
    'auto' takes 'max' for accuracy-like names (accuracy, auc, precision, recall, …, with or
    without 'val_'), 'min' for losses and errors, and otherwise asks the model's metric for a
    ``direction`` ('up' or 'down'); when it cannot tell it raises, as Keras does.

    Args:
        monitor: the key of the logs to watch, e.g. 'val_loss' or 'val_accuracy'.
        mode: 'auto', 'min' or 'max' (an unknown mode warns and falls back to 'auto').
        baseline: the initial ``best`` (None: the first value seen).
        min_delta: the smallest change that counts as an improvement.

    Example:
        >>> watcher = MonitorCallback("val_accuracy", min_delta=0.01)
        >>> watcher.is_improvement(0.905, 0.9), watcher.is_improvement(0.92, 0.9)
        (False, True)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        baseline: Any = None,
        min_delta: float = 0.0,
    ) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__}: mode {mode!r} is unknown (expected 'auto', "
                "'min' or 'max'); falling back to 'auto'.",
                stacklevel=3,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(float(min_delta))
        self._higher_is_better: bool | None = None

    def _direction(self) -> bool:
        """True when higher is better (decided once, on the first epoch's logs)."""
        if self._higher_is_better is None:
            self._higher_is_better = self._infer_direction()
        return self._higher_is_better

    def _infer_direction(self) -> bool:
        if self.mode != "auto":
            return self.mode == "max"
        name = self.monitor.removeprefix("val_").lower()
        for metric in getattr(self.model, "_metrics", None) or []:
            direction = getattr(metric, "direction", None) or getattr(metric, "_direction", None)
            if getattr(metric, "name", None) == name and direction in ("up", "down"):
                return direction == "up"
        if any(word in name for word in _LOWER_IS_BETTER):
            return False
        if any(word in name for word in _HIGHER_IS_BETTER):
            return True
        raise ValueError(
            f"{type(self).__name__}: cannot tell whether monitor={self.monitor!r} "
            "should be maximised or minimised. Pass mode='max' (higher is better) "
            "or mode='min' (lower is better)."
        )

    def is_improvement(self, current: float, reference: float | None) -> bool:
        """Whether ``current`` beats ``reference`` by more than ``min_delta`` (None: always)."""
        if reference is None:
            return True
        if self._direction():
            return bool(current - self.min_delta > reference)
        return bool(current + self.min_delta < reference)

    def get_monitor_value(self, logs: dict | None, what: str = "This callback") -> Any:
        """``logs[monitor]``, or None with a warning that lists the available keys."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"{what} is conditioned on {self.monitor!r}, which is not in the logs. "
                f"Available keys: {', '.join(logs) or 'none'}. Set monitor= to one of "
                "them (a 'val_…' key needs validation_data or validation_split).",
                stacklevel=3,
            )
        return value
