"""Side: the scores ``neurona.selection`` reports for one fold, each computed by neurona's own
metric (one formula, one place): AUC (``metrics.roc_auc``), the course's six confusion-matrix
rates and accuracy (``metrics.confusion_matrix_report``), MAE and MSE (``losses``), R²."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from neurona import losses
from neurona.errors import did_you_mean
from neurona.metrics import confusion_matrix_report, roc_auc

__all__ = [
    "CLASSIFICATION_METRICS",
    "RATES",
    "REGRESSION_METRICS",
    "check_metrics",
    "fold_scores",
]

RATES = ("TPR", "TNR", "FNR", "FPR", "FDR", "FOR")
CLASSIFICATION_METRICS = ("auc", "accuracy", *RATES)
REGRESSION_METRICS = ("mae", "mse", "rmse", "r2")


KNOWN = {"binary": CLASSIFICATION_METRICS, "multiclass": ("accuracy",)}


def check_metrics(metrics: Sequence[str] | None, task: str) -> tuple[str, ...]:
    """The metric names to report: the default set of the task ('binary', 'multiclass' or
    'regression') when None, else ``metrics`` checked against the names known for the task.

    Example:
        >>> check_metrics(None, "regression")
        ('mae', 'mse', 'rmse', 'r2')
        >>> check_metrics(["auc", "TPR"], "binary")
        ('auc', 'TPR')
    """
    known = KNOWN.get(task, REGRESSION_METRICS)
    if metrics is None:
        return known
    names = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    for name in names:
        if name not in known:
            raise ValueError(
                f"neurona.selection: expected metrics among {list(known)} for a {task} target, "
                f"got {name!r}.{did_you_mean(str(name), known)}"
            )
    return names


def positive_scores(estimator: Any, X: Any) -> np.ndarray:
    """The score of the positive class (the second of ``classes_``) for each row, for AUC:
    ``predict_proba[:, 1]``, else ``decision_function``, else the 0/1 predictions.

    Example:
        >>> from sklearn.linear_model import LogisticRegression
        >>> clf = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
        >>> positive_scores(clf, [[0.0], [3.0]]).round(2).tolist()
        [0.19, 0.81]
    """
    if hasattr(estimator, "predict_proba"):
        try:
            return np.asarray(estimator.predict_proba(X), dtype=np.float64)[:, 1]
        except AttributeError:  # e.g. SVC(probability=False) hides it
            pass
    if hasattr(estimator, "decision_function"):
        return np.ravel(np.asarray(estimator.decision_function(X), dtype=np.float64))
    classes = list(estimator.classes_)
    return np.array([classes.index(c) for c in estimator.predict(X)], dtype=np.float64)


def fold_scores(
    estimator: Any, X: np.ndarray, y: np.ndarray, metrics: Sequence[str], positive: Any = None
) -> dict[str, float]:
    """Every metric of ``metrics`` for a fitted estimator on one test fold.

    Two classes (``positive`` given): y is positive where ``y == positive``; AUC from the
    positive-class scores, the rates and accuracy from ``estimator.predict`` (its own
    decision). More classes (``metrics == ('accuracy',)``, positive None): the share of right
    predictions. Regression: MAE, MSE, RMSE and R² of ``estimator.predict``.

    Example:
        >>> from sklearn.linear_model import LinearRegression
        >>> X = np.arange(6.0)[:, None]; reg = LinearRegression().fit(X, 2 * X[:, 0])
        >>> scores = fold_scores(reg, X, 2 * X[:, 0] + 1, ["mae", "mse"])
        >>> {name: round(value, 9) for name, value in scores.items()}
        {'mae': 1.0, 'mse': 1.0}
    """
    scores: dict[str, float] = {}
    if positive is None and tuple(metrics) == ("accuracy",):  # several classes
        return {"accuracy": float(np.mean(np.asarray(estimator.predict(X)) == np.asarray(y)))}
    if positive is None:  # regression
        pred = np.asarray(estimator.predict(X), dtype=np.float64).reshape(len(y), -1)
        true = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        mse = float(np.mean(np.asarray(losses.mean_squared_error(true, pred))))
        values = {
            "mae": lambda: float(np.mean(np.asarray(losses.mean_absolute_error(true, pred)))),
            "mse": lambda: mse,
            "rmse": lambda: float(np.sqrt(mse)),
            "r2": lambda: float(
                1 - np.sum((true - pred) ** 2) / np.sum((true - true.mean(0)) ** 2)
            ),
        }
        return {name: values[name]() for name in metrics}
    truth = (np.asarray(y) == positive).astype(np.int64)
    if "auc" in metrics:
        scores["auc"] = roc_auc(truth, positive_scores(estimator, X))
    rest = [name for name in metrics if name != "auc"]
    if rest:
        decided = (np.asarray(estimator.predict(X)) == positive).astype(np.float64)
        report = confusion_matrix_report(truth, decided, threshold=0.5)
        scores.update({name: float(report[name]) for name in rest})
    return {name: scores[name] for name in metrics}
