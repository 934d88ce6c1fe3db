"""Side: ``compare_models``, the study of several models on the same folds with the same seeds,
and ``Comparison``, its two tables (AUC mean/std/p2.5/p97.5; the six confusion-matrix rates as
mean (std)), their Markdown and the box plot of AUC per model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neurona.selection.results import CVResult
from neurona.selection.scores import RATES
from neurona.selection.table import Table
from neurona.selection.validation import run_folds

__all__ = ["Comparison", "compare_models"]


class Comparison:
    """The cross-validated scores of several models (a ``CVResult`` each, same folds).

    Example:
        >>> r = CVResult(["auc"], [{"auc": 0.75}, {"auc": 0.875}], [0, 1], [1, 2], [0, 0])
        >>> Comparison({"LR": r}).auc_table().rows()[0]["AUC mean"]
        0.8125
    """

    def __init__(self, results: dict[str, CVResult]) -> None:
        self.results = dict(results)

    def __getitem__(self, name: str) -> CVResult:
        return self.results[name]

    def _ranked(self, metric: str) -> list[str]:
        if all(metric in r.metrics for r in self.results.values()):
            return sorted(self.results, key=lambda n: -self.results[n].describe(metric)["mean"])
        return list(self.results)

    def auc_table(self) -> Table:
        """The study's first table: per model (best first) the AUC mean, std and 2.5/97.5
        percentiles over the repetitions.

        Example:
            >>> r = CVResult(["auc"], [{"auc": 0.5}], [0], [1], [0])
            >>> Comparison({"NB": r}).auc_table().columns
            ['model', 'AUC mean', 'AUC std', 'AUC p2.5', 'AUC p97.5']
        """
        rows = []
        for name in self._ranked("auc"):
            d = self.results[name].describe("auc")
            rows.append([name, d["mean"], d["std"], d["p2.5"], d["p97.5"]])
        return Table(["model", "AUC mean", "AUC std", "AUC p2.5", "AUC p97.5"], rows)

    def rates(self, rates: Sequence[str] = RATES) -> Table:
        """The rates as numbers: per model each rate's mean and std (columns 'TPR mean', …).

        Example:
            >>> r = CVResult(["TPR"], [{"TPR": 0.5}, {"TPR": 1.0}], [0, 1], [1, 2], [0, 0])
            >>> Comparison({"SVM": r}).rates(["TPR"]).rows()[0]["TPR mean"]
            0.75
        """
        columns, rows = ["model"], []
        for rate in rates:
            columns += [f"{rate} mean", f"{rate} std"]
        for name in self._ranked("auc"):
            row: list[Any] = [name]
            for rate in rates:
                d = self.results[name].describe(rate)
                row += [d["mean"], d["std"]]
            rows.append(row)
        return Table(columns, rows)

    def rates_table(self, rates: Sequence[str] = RATES, digits: int = 4) -> Table:
        """The study's second table: per model each rate as 'mean (std)'.

        Example:
            >>> r = CVResult(["TPR"], [{"TPR": 0.5}, {"TPR": 1.0}], [0, 1], [1, 2], [0, 0])
            >>> Comparison({"SVM": r}).rates_table(["TPR"], digits=2).rows()
            [{'model': 'SVM', 'TPR': '0.75 (0.35)'}]
        """
        numbers = self.rates(rates)
        rows = []
        for row in numbers.rows():
            cells = [f"{row[f'{r} mean']:.{digits}f} ({row[f'{r} std']:.{digits}f})" for r in rates]
            rows.append([row["model"], *cells])
        return Table(["model", *rates], rows)

    def to_markdown(self, digits: int = 4) -> str:
        """Both tables in Markdown, with a line on how they were computed.

        Example:
            >>> r = CVResult(list(("auc",) + RATES), [dict.fromkeys(("auc",) + RATES, 0.5)],
            ...              [0], [1], [0])
            >>> Comparison({"NB": r}).to_markdown().splitlines()[0]
            '### AUC (1 folds, 1 repetition)'
        """
        any_result = next(iter(self.results.values()))
        n, reps = len(any_result.fold_scores), any_result.n_repeats
        over = "repetitions (each the mean of its folds)" if reps > 1 else "folds"
        parts = [
            f"### AUC ({n} folds, {reps} repetition{'s' * (reps != 1)})",
            "",
            f"Mean, standard deviation and 2.5/97.5 percentiles over the {over}.",
            "",
            self.auc_table().to_markdown(digits),
            "",
            "### Confusion-matrix rates, mean (std)",
            "",
            self.rates_table(digits=digits).to_markdown(digits),
        ]
        return "\n".join(parts) + "\n"

    def plot(self, metric: str = "auc", ax: Any = None, title: str | None = None) -> Any:
        """Box plots of ``metric`` per repetition, one per model (best mean first).

        Example:
            >>> r = CVResult(["auc"], [{"auc": 0.8}, {"auc": 0.9}], [0, 1], [1, 2], [0, 0])
            >>> type(Comparison({"LR": r}).plot()).__name__
            'Figure'
        """
        from neurona.selection.plots import plot_scores

        names = self._ranked(metric)
        values = {name: self.results[name].per_repeat(metric) for name in names}
        return plot_scores(values, ylabel=metric.upper(), ax=ax, title=title)

    def to_dict(self) -> dict:
        """Both tables and every model's ``CVResult.to_dict()``, ready for JSON.

        Example:
            >>> r = CVResult(list(("auc",) + RATES), [dict.fromkeys(("auc",) + RATES, 0.5)],
            ...              [0], [1], [0])
            >>> sorted(Comparison({"NB": r}).to_dict())
            ['auc_table', 'models', 'rates_table']
        """
        return {
            "auc_table": self.auc_table().to_dict(),
            "rates_table": self.rates(RATES).to_dict(),
            "models": {name: result.to_dict() for name, result in self.results.items()},
        }


def compare_models(
    models: dict[str, Any],
    X: Any,
    y: Any,
    cv: Any = None,
    metrics: Sequence[str] | None = None,
    seed: int = 0,
    n_jobs: int | None = None,
    backend: str | None = None,
    address: Any = None,
) -> Comparison:
    """Cross-validate every model of ``models`` (name → estimator or function seed → estimator)
    on the same folds, each fold with the same seed for every model, and compare them.

    The arguments are those of ``cross_validate``; every fit of every model is one task, so
    ``n_jobs`` workers (or a Dask or Ray cluster) keep busy across models.

    Example:
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.naive_bayes import GaussianNB
        >>> X, y = make_classification(80, random_state=0)
        >>> study = compare_models({"LR": LogisticRegression(), "NB": GaussianNB()}, X, y, cv=4)
        >>> study.auc_table()["model"] == sorted(["LR", "NB"], key=lambda n: -study[n]
        ...     .describe("auc")["mean"]), study.rates_table().columns[1:]
        (True, ['TPR', 'TNR', 'FNR', 'FPR', 'FDR', 'FOR'])
    """
    if not isinstance(models, dict) or not models:
        raise TypeError(
            f"compare_models: expected a non-empty dict name → model, got {type(models).__name__}."
        )
    where = {"n_jobs": n_jobs, "backend": backend, "address": address}
    return Comparison(run_folds(models, X, y, cv, metrics, seed, **where))
