"""Side: ``CVResult``, the scores of one model over every fold of a cross-validation, and the
summary the study reports: mean, standard deviation and 2.5/97.5 percentiles per metric."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from neurona.selection.table import Table

__all__ = ["CVResult", "describe"]


def describe(values: Sequence[float]) -> dict[str, float]:
    """Mean, sample standard deviation (ddof = 1; 0 for one value) and the 2.5th and 97.5th
    percentiles (linear interpolation, NumPy's default) of ``values``, NaNs left out.

        mean = (1/n) Σ vᵢ      std = √( Σ (vᵢ − mean)² / (n − 1) )

    Example:
        >>> describe([0.5, 0.75, 1.0])["mean"], describe([0.5, 0.75, 1.0])["std"]
        (0.75, 0.25)
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return dict.fromkeys(("mean", "std", "p2.5", "p97.5"), float("nan"))
    low, high = np.percentile(v, [2.5, 97.5])
    return {
        "mean": float(v.mean()),
        "std": float(v.std(ddof=1)) if v.size > 1 else 0.0,
        "p2.5": float(low),
        "p97.5": float(high),
    }


class CVResult:
    """The scores of one model on every fold of a (repeated) cross-validation.

    Args:
        metrics: the metric names.
        scores: one dict metric → value per fold, in the splitter's order.
        repeats: the repetition each fold belongs to.
        seeds: the seed each fold's model was fitted with.
        fit_seconds: the wall time of each fit (not part of ``table()``, which is the same for
            the same seed wherever it runs).

    A repetition's score is the mean of its folds (NaN folds left out, e.g. an FDR with no
    positive prediction); ``summary()`` describes those over the repetitions, or the folds
    themselves when there is only one repetition.

    Example:
        >>> r = CVResult(["auc"], [{"auc": 0.75}, {"auc": 0.875}], [0, 1], [11, 12], [0.1, 0.1])
        >>> r.per_repeat("auc").tolist(), r.summary().rows()[0]["mean"]
        ([0.75, 0.875], 0.8125)
    """

    def __init__(
        self,
        metrics: Sequence[str],
        scores: Sequence[dict],
        repeats: Sequence[int],
        seeds: Sequence[int],
        fit_seconds: Sequence[float],
    ) -> None:
        self.metrics = tuple(metrics)
        self.fold_scores = [dict(s) for s in scores]
        self.repeats = [int(r) for r in repeats]
        self.seeds = [int(s) for s in seeds]
        self.fit_seconds = [float(t) for t in fit_seconds]

    @property
    def n_repeats(self) -> int:
        """How many repetitions of k-fold (1 for a plain k-fold)."""
        return len(set(self.repeats))

    def scores(self, metric: str) -> np.ndarray:
        """The metric on every fold, in the splitter's order.

        Example:
            >>> r = CVResult(["mae"], [{"mae": 1.0}, {"mae": 3.0}], [0, 0], [1, 2], [0, 0])
            >>> r.scores("mae")
            array([1., 3.])
        """
        if metric not in self.metrics:
            raise KeyError(f"CVResult: expected one of the metrics {self.metrics}, got {metric!r}.")
        return np.array([s[metric] for s in self.fold_scores], dtype=np.float64)

    def per_repeat(self, metric: str) -> np.ndarray:
        """The metric per repetition (the mean of its folds); per fold with one repetition.

        Example:
            >>> r = CVResult(["auc"], [{"auc": a} for a in (0.6, 0.8, 1.0, 0.8)], [0, 0, 1, 1],
            ...              [1, 2, 3, 4], [0] * 4)
            >>> r.per_repeat("auc").tolist()
            [0.7, 0.9]
        """
        folds = self.scores(metric)
        if self.n_repeats == 1:
            return folds
        repeats = np.asarray(self.repeats)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a repetition with only NaN folds
            return np.array([np.nanmean(folds[repeats == r]) for r in sorted(set(self.repeats))])

    def describe(self, metric: str) -> dict[str, float]:
        """``describe`` of ``per_repeat(metric)``: mean, std, p2.5, p97.5.

        Example:
            >>> CVResult(["mse"], [{"mse": 2.0}], [0], [1], [0]).describe("mse")["mean"]
            2.0
        """
        return describe(self.per_repeat(metric))

    def summary(self) -> Table:
        """One row per metric: mean, std, p2.5, p97.5 (over repetitions, see the class).

        Example:
            >>> CVResult(["mae"], [{"mae": 1.0}], [0], [1], [0]).summary().columns
            ['metric', 'mean', 'std', 'p2.5', 'p97.5']
        """
        rows = []
        for metric in self.metrics:
            d = self.describe(metric)
            rows.append([metric, d["mean"], d["std"], d["p2.5"], d["p97.5"]])
        return Table(["metric", "mean", "std", "p2.5", "p97.5"], rows)

    def table(self) -> Table:
        """One row per fold: repetition, fold, seed and every metric.

        Example:
            >>> CVResult(["mae"], [{"mae": 1.0}], [0], [7], [0.5]).table().rows()
            [{'repeat': 0, 'fold': 0, 'seed': 7, 'mae': 1.0}]
        """
        rows, fold, last = [], 0, None
        for scores, repeat, seed in zip(self.fold_scores, self.repeats, self.seeds):
            fold = fold + 1 if repeat == last else 0
            last = repeat
            rows.append([repeat, fold, seed, *(scores[m] for m in self.metrics)])
        return Table(["repeat", "fold", "seed", *self.metrics], rows)

    def to_dict(self) -> dict:
        """Everything, ready for JSON: metrics, per-fold table, summary, fit seconds.

        Example:
            >>> sorted(CVResult(["mae"], [{"mae": 1.0}], [0], [7], [0.5]).to_dict())
            ['fit_seconds', 'folds', 'metrics', 'summary']
        """
        return {
            "metrics": list(self.metrics),
            "folds": self.table().to_dict(),
            "summary": self.summary().to_dict(),
            "fit_seconds": list(self.fit_seconds),
        }

    def __repr__(self) -> str:
        n = len(self.fold_scores)
        return f"CVResult({n} folds, {self.n_repeats} repetitions)\n{self.summary()!r}"
