"""Floor 3: ``AUC``, the area under the ROC curve, computed EXACTLY from every score seen (Keras 3
approximates it with 200 thresholds), so it equals scikit-learn's ``roc_auc_score``."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.errors import ShapeError
from neurona.losses.loss import squeeze_or_expand_to_same_rank
from neurona.metrics.metric import Metric, to_numpy

__all__ = ["AUC", "roc_auc", "average_precision"]


def _curve(y_true: np.ndarray, scores: np.ndarray, weights: np.ndarray):
    """Cumulative weighted TP and FP counts at each distinct score, from the highest down."""
    order = np.argsort(-scores, kind="mergesort")
    scores, positive, weights = scores[order], y_true[order] > 0, weights[order]
    last = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]  # the end of each tie group
    tp = np.cumsum(weights * positive)[last]
    fp = np.cumsum(weights * ~positive)[last]
    return tp, fp


def roc_auc(y_true: Any, scores: Any, sample_weight: Any = None) -> float:
    """Exact area under the ROC curve (TPR against FPR), ties handled as one step (trapezoid).

        AUC = P(score of a random positive > score of a random negative) + ½ P(tie)

    0 when y_true holds one class only (Keras's divide_no_nan; scikit-learn raises).

    Example:
        >>> roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        0.75
    """
    y, s = np.ravel(to_numpy(y_true)), np.ravel(to_numpy(scores)).astype(np.float64)
    w = np.ones_like(s) if sample_weight is None else np.ravel(to_numpy(sample_weight)) * 1.0
    if s.size == 0:
        return 0.0
    tp, fp = _curve(y, s, w)
    if tp[-1] <= 0 or fp[-1] <= 0:
        return 0.0
    tpr, fpr = np.r_[0.0, tp / tp[-1]], np.r_[0.0, fp / fp[-1]]
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))


def average_precision(y_true: Any, scores: Any, sample_weight: Any = None) -> float:
    """Exact area under the precision-recall curve as a step sum, Σ (Rₙ − Rₙ₋₁) Pₙ (scikit-learn's
    ``average_precision_score``; Keras's PR AUC interpolates between 200 thresholds instead).

    Example:
        >>> round(average_precision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
        0.8333
    """
    y, s = np.ravel(to_numpy(y_true)), np.ravel(to_numpy(scores)).astype(np.float64)
    w = np.ones_like(s) if sample_weight is None else np.ravel(to_numpy(sample_weight)) * 1.0
    if s.size == 0:
        return 0.0
    tp, fp = _curve(y, s, w)
    if tp[-1] <= 0:
        return 0.0
    recall, precision = np.r_[0.0, tp / tp[-1]], np.r_[1.0, tp / (tp + fp)]
    return float(np.sum(np.diff(recall) * precision[1:]))


class AUC(Metric):
    """Area under the ROC (or precision-recall) curve, exact, with Keras 3's arguments.

    Every score and label is stored, and ``result()`` integrates the exact curve: the ROC area
    equals ``sklearn.metrics.roc_auc_score`` (the PR area ``average_precision_score``). Keras
    instead counts at ``num_thresholds`` = 200 fixed thresholds; that argument (and
    ``summation_method``, ``thresholds``) is kept only for compatibility, so results can differ
    from Keras's in the third decimal. Memory grows with the number of samples seen per epoch.

    Args:
        curve: 'ROC' or 'PR'.
        multi_label: for y of shape (n, k): False pools every label into one curve (Keras's
            default), True averages the per-label areas (weighted by ``label_weights``).
        from_logits: apply σ to the scores first (the order is the same, so the area too).

    Example:
        >>> m = AUC(); m.update_state([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); m.result()
        0.75
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: list | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        if str(curve).upper() not in ("ROC", "PR"):
            raise ValueError(f"AUC: expected curve 'ROC' or 'PR', got {curve!r}.")
        if num_thresholds <= 1:
            raise ValueError(f"AUC: expected num_thresholds > 1, got {num_thresholds}.")
        self.num_thresholds, self.curve = num_thresholds, str(curve).upper()
        self.summation_method, self.init_thresholds = summation_method, thresholds
        self.multi_label, self.num_labels = multi_label, num_labels
        self.label_weights, self._from_logits = label_weights, from_logits
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        """Forget the stored scores."""
        self._labels, self._scores, self._weights = [], [], []

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Store the batch's labels, scores and weights."""
        y_true, y_pred = to_numpy(y_true), to_numpy(y_pred).astype(np.float64)
        y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
        if y_true.shape != y_pred.shape:
            raise ShapeError(
                f"AUC '{self.name}': expected y_true of the same shape as y_pred {y_pred.shape}, "
                f"got {y_true.shape}."
            )
        weights = (
            np.ones_like(y_pred)
            if sample_weight is None
            else np.broadcast_to(
                squeeze_or_expand_to_same_rank(y_pred, to_numpy(sample_weight) * 1.0)[1],
                y_pred.shape,
            )
        )
        if self._from_logits:
            y_pred = 1 / (1 + np.exp(-np.clip(y_pred, -500, 500)))
        self._labels.append(y_true.reshape(len(y_true), -1) if y_true.ndim else y_true[None])
        self._scores.append(y_pred.reshape(len(y_pred), -1) if y_pred.ndim else y_pred[None])
        self._weights.append(weights.reshape(self._scores[-1].shape))

    def result(self) -> float:
        """The exact area over every sample seen (0 before any, or with one class only)."""
        if not self._scores:
            return 0.0
        y = np.concatenate(self._labels).astype(np.float64)
        s, w = np.concatenate(self._scores), np.concatenate(self._weights)
        area = roc_auc if self.curve == "ROC" else average_precision
        if not self.multi_label:
            return area(y, s, w)
        areas = np.array([area(y[:, j], s[:, j], w[:, j]) for j in range(s.shape[1])])
        if self.label_weights is None:
            return float(areas.mean())
        lw = np.asarray(self.label_weights, dtype=np.float64)
        return float((areas * lw).sum() / lw.sum())

    def get_config(self) -> dict:
        """Keras's keys: num_thresholds, curve, summation_method, multi_label … from_logits."""
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self.init_thresholds is not None:
            config["thresholds"] = self.init_thresholds
        return config
