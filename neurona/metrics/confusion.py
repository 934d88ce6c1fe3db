"""Floor 3: metrics from the confusion matrix of a binary decision (ŷ > threshold): Keras 3's
``Precision``, ``Recall`` and the four counts (``TruePositives`` …), and the course's report of
counts and rates (E8: TPR, TNR, FNR, FPR, FDR, FOR)."""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona.errors import ShapeError
from neurona.losses.loss import squeeze_or_expand_to_same_rank
from neurona.metrics.metric import Metric, to_numpy

__all__ = [
    "Precision",
    "Recall",
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
    "confusion_matrix_report",
]

NEG_INF = -1e10  # Keras's threshold when top_k is set: every top-k score counts as positive


def confusion_counts(
    y_true: Any,
    y_pred: Any,
    thresholds: Any = 0.5,
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: Any = None,
) -> dict:
    """Weighted TP, FP, TN, FN per threshold, counting ŷ > t as positive (as Keras).

    Example:
        >>> confusion_counts([1, 0, 1, 0], [0.9, 0.8, 0.2, 0.1])["tp"]
        array([1.])
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred).astype(np.float64)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ShapeError(
            f"confusion matrix: expected y_true of the same shape as y_pred {y_pred.shape}, got "
            f"{y_true.shape}. Precision and Recall take 0/1 labels and scores of one shape."
        )
    weights = np.ones_like(y_pred)
    if sample_weight is not None:  # Keras: add a last axis, then match y_true's rank (not rank 1)
        weights = to_numpy(sample_weight).astype(np.float64)[..., None]
        weights = squeeze_or_expand_to_same_rank(y_true, weights, expand_rank_1=False)[1]
        try:
            weights = np.broadcast_to(weights, y_pred.shape)
        except ValueError:
            raise ShapeError(
                f"confusion matrix: expected a sample_weight that broadcasts to y_pred's shape "
                f"{y_pred.shape} (one weight per sample or per entry), got shape "
                f"{np.shape(sample_weight)}."
            ) from None
    if top_k is not None:  # keep the k largest scores of each row, as Keras's _filter_top_k
        rank = np.argsort(np.argsort(-y_pred, axis=-1, kind="stable"), axis=-1)
        y_pred = np.where(rank < top_k, y_pred, NEG_INF)
    if class_id is not None:
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
        weights = weights[..., class_id]
    positive = y_true.astype(bool).ravel()
    scores, weights = y_pred.ravel(), weights.ravel()
    thresholds = np.atleast_1d(np.asarray(thresholds, dtype=np.float64))
    predicted = scores[None, :] > thresholds[:, None]  # (thresholds, samples)
    return {
        "tp": (predicted & positive) @ weights,
        "fp": (predicted & ~positive) @ weights,
        "fn": (~predicted & positive) @ weights,
        "tn": (~predicted & ~positive) @ weights,
    }


class _ConfusionMetric(Metric):
    """Precision and Recall: confusion counts accumulated per threshold."""

    def __init__(
        self,
        thresholds: float | list | None = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = np.atleast_1d(
            np.asarray(default if thresholds is None else thresholds, dtype=np.float64)
        )
        super().__init__(name=name, dtype=dtype)

    def reset_state(self) -> None:
        """Set every count to 0."""
        self.counts = {key: np.zeros(len(self.thresholds)) for key in ("tp", "fp", "fn", "tn")}

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's TP, FP, FN, TN (y_true is read as booleans, y_pred > threshold)."""
        batch = confusion_counts(
            y_true, y_pred, self.thresholds, self.top_k, self.class_id, sample_weight
        )
        for key, value in batch.items():
            self.counts[key] += value

    def _ratio(self, top: str, other: str) -> Any:
        tp, rest = self.counts[top], self.counts[other]
        total = tp + rest
        value = np.divide(tp, total, out=np.zeros_like(tp), where=total > 0)
        return float(value[0]) if len(self.thresholds) == 1 else value

    def get_config(self) -> dict:
        """name, dtype, thresholds, top_k and class_id (Keras's keys)."""
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_ConfusionMetric):
    """Precision = TP / (TP + FP): of the samples called positive, the share that are (Keras 3).

    A score counts as positive when ŷ > threshold (0.5 by default); with ``top_k``, only the k
    best scores of each row; with ``class_id``, one column only. 0 when nothing was called
    positive (Keras's divide_no_nan). Several thresholds give an array.

    Example:
        >>> Precision()([0, 1, 1, 1], [1, 0, 1, 1])
        0.6666666666666666
    """

    def result(self) -> Any:
        """TP / (TP + FP) over everything seen."""
        return self._ratio("tp", "fp")


class Recall(_ConfusionMetric):
    """Recall = TP / (TP + FN): of the positive samples, the share found (Keras 3; the TPR).

    Same arguments and conventions as :class:`Precision`.

    Example:
        >>> Recall()([0, 1, 1, 1], [1, 0, 1, 1])
        0.6666666666666666
    """

    def result(self) -> Any:
        """TP / (TP + FN) over everything seen."""
        return self._ratio("tp", "fn")


def _parse_thresholds(where: str, thresholds: Any) -> np.ndarray:
    """Keras's parse_init_thresholds: None → [0.5]; a float or a list, each in [0, 1]."""
    values = np.atleast_1d(np.asarray(0.5 if thresholds is None else thresholds, dtype=float))
    if values.ndim != 1 or np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        raise ValueError(
            f"{where}: expected thresholds None (0.5), a float or a list of floats, each in "
            f"[0, 1], got {thresholds!r}."
        )
    return values


class _ConfusionCount(Metric):
    """One cell of the confusion matrix ('tp', 'fp', 'tn' or 'fn'), summed per threshold in the
    variable ``accumulator`` (Keras's _ConfusionMatrixConditionCount)."""

    _cell = "tp"

    def __init__(
        self, thresholds: float | list | None = None, name: str | None = None, dtype: Any = None
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _parse_thresholds(type(self).__name__, thresholds)
        # float64 like the other built-in metrics (Keras: float32), so large sums stay exact
        self.accumulator = self.add_variable(
            (len(self.thresholds),), "zeros", dtype="float64", name="accumulator"
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's (weighted) count at each threshold (y_true read as booleans)."""
        batch = confusion_counts(y_true, y_pred, self.thresholds, sample_weight=sample_weight)
        self.accumulator.assign_add(batch[self._cell])

    def result(self) -> Any:
        """The count over everything seen: a float for one threshold, else an array."""
        counts = self.accumulator.numpy().copy()
        return float(counts[0]) if len(counts) == 1 else counts

    def get_config(self) -> dict:
        """name, dtype and thresholds (Keras's keys)."""
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """The number of true positives, Σ w over the samples with y = 1 and ŷ > threshold (Keras 3).

    With ``sample_weight``, the sum of the weights (weight 0 masks a sample). ``thresholds``:
    None (0.5), a float, or a list of floats in [0, 1], which gives one count per threshold.

    Example:
        >>> TruePositives()([0, 1, 1, 1], [1, 0, 1, 1])
        2.0
        >>> TruePositives(thresholds=[0.1, 0.5])([0, 1, 1], [0.3, 0.2, 0.9])
        array([2., 1.])
    """

    _cell = "tp"


class FalsePositives(_ConfusionCount):
    """The number of false positives: y = 0 and ŷ > threshold (Keras 3). Arguments as
    :class:`TruePositives`.

    Example:
        >>> FalsePositives()([0, 1, 0, 0], [0, 0, 1, 1], sample_weight=[0, 0, 1, 0])
        1.0
    """

    _cell = "fp"


class TrueNegatives(_ConfusionCount):
    """The number of true negatives: y = 0 and ŷ ≤ threshold (Keras 3). Arguments as
    :class:`TruePositives`.

    Example:
        >>> TrueNegatives()([0, 1, 0, 0], [1, 1, 0, 0])
        2.0
    """

    _cell = "tn"


class FalseNegatives(_ConfusionCount):
    """The number of false negatives: y = 1 and ŷ ≤ threshold (Keras 3). Arguments as
    :class:`TruePositives`.

    Example:
        >>> FalseNegatives()([0, 1, 1, 1], [0, 1, 0, 0])
        2.0
    """

    _cell = "fn"


def _rate(top: float, bottom: float) -> float:
    return top / bottom if bottom else float("nan")


def confusion_matrix_report(y_true: Any, y_pred: Any, threshold: float = 0.5) -> dict:
    """Counts and rates of a binary classifier (course E8), ŷ > threshold read as positive.

        TPR = TP/(TP + FN)  sensitivity, recall      TNR = TN/(TN + FP)  specificity
        FNR = FN/(TP + FN) = 1 − TPR                 FPR = FP/(FP + TN) = 1 − TNR
        FDR = FP/(FP + TP)  false discovery rate     FOR = FN/(FN + TN)  false omission rate
        accuracy = (TP + TN)/(TP + TN + FP + FN)     (course E5)

    A rate whose denominator is 0 is NaN (undefined); average over folds with ``np.nanmean``.

    Args:
        y_true: 0/1 labels.
        y_pred: scores or probabilities (or 0/1 predictions).
        threshold: the decision threshold.

    Returns:
        A dict with the int counts 'TP', 'TN', 'FP', 'FN' and the float rates 'TPR', 'TNR',
        'FNR', 'FPR', 'FDR', 'FOR' and 'accuracy'.

    Example:
        >>> r = confusion_matrix_report([1, 1, 0, 0, 0], [0.9, 0.4, 0.7, 0.2, 0.1])
        >>> r["TP"], r["FN"], r["FP"], r["TN"], r["TPR"], r["FPR"]
        (1, 1, 1, 2, 0.5, 0.3333333333333333)
    """
    counts = confusion_counts(y_true, y_pred, threshold)
    tp, fp, fn, tn = (int(round(float(counts[k][0]))) for k in ("tp", "fp", "fn", "tn"))
    return {
        "TP": tp,
        "TN": tn,
        "FP": fp,
        "FN": fn,
        "TPR": _rate(tp, tp + fn),
        "TNR": _rate(tn, tn + fp),
        "FNR": _rate(fn, tp + fn),
        "FPR": _rate(fp, fp + tn),
        "FDR": _rate(fp, fp + tp),
        "FOR": _rate(fn, fn + tn),
        "accuracy": _rate(tp + tn, tp + tn + fp + fn),
    }
