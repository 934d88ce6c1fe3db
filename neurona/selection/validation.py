"""Side: ``holdout`` and ``cross_validate``: a fresh model fitted on every training fold with its
own seed and scored on the fold left out. The folds come from scikit-learn's splitters
(``RepeatedStratifiedKFold`` …); the fits run through ``neurona.selection.parallel``."""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.model_selection import (
    RepeatedKFold,
    RepeatedStratifiedKFold,
    train_test_split,
)
from sklearn.utils.multiclass import type_of_target

from neurona.selection.parallel import run_tasks
from neurona.selection.results import CVResult
from neurona.selection.scores import check_metrics, fold_scores
from neurona.sklearn import seeded

__all__ = ["cross_validate", "fold_seed", "fresh_model", "holdout", "run_folds"]


def fold_seed(seed: int, index: int) -> int:
    """The seed of task ``index`` of a run seeded by ``seed`` (NumPy's SeedSequence spawn key),
    the same wherever and in whatever order the task runs, and the same for every model.

    Example:
        >>> fold_seed(0, 3) == fold_seed(0, 3) != fold_seed(0, 4)
        True
    """
    state = np.random.SeedSequence(int(seed), spawn_key=(int(index),)).generate_state(1)
    return int(state[0] & 0x7FFFFFFF)


def _is_estimator(model: Any) -> bool:
    """An estimator object (with fit), not a function or a class that makes one."""
    return hasattr(model, "fit") and not isinstance(model, type)


def fresh_model(model: Any, seed: int) -> Any:
    """A new, unfitted model for one fold: ``model(seed)`` when ``model`` is a function (or a
    class), else a ``sklearn.base.clone`` of the estimator (a deep copy of an object without
    ``get_params``); then every ``random_state`` parameter (also inside a Pipeline) is set to
    ``seed``.

    Example:
        >>> from sklearn.ensemble import RandomForestClassifier
        >>> fresh_model(RandomForestClassifier(random_state=1), 42).random_state
        42
    """
    if _is_estimator(model):
        estimator = clone(model) if hasattr(model, "get_params") else copy.deepcopy(model)
    else:
        estimator = model(seed)
    if not hasattr(estimator, "fit"):
        raise TypeError(
            f"neurona.selection: expected a scikit-learn-style estimator (with fit) or a "
            f"function seed → estimator, got {type(estimator).__name__} from "
            f"{getattr(model, '__name__', model)!r}."
        )
    if hasattr(estimator, "get_params"):
        names = [k for k in estimator.get_params() if k.split("__")[-1] == "random_state"]
        if names:
            estimator.set_params(**dict.fromkeys(names, seed))
    return estimator


def _task(y: np.ndarray, model: Any = None) -> str:
    """'binary', 'multiclass' or 'regression': from the estimator's kind when it says (a
    regressor, or a classifier), else from the target (scikit-learn's ``type_of_target``)."""
    if model is not None and is_regressor(model):
        return "regression"
    kind = type_of_target(y)
    if kind in ("binary", "multiclass"):
        return kind
    if model is not None and is_classifier(model):
        raise ValueError(
            f"neurona.selection: a classifier expected y of class labels, got a {kind!r} "
            f"target. Pass the labels (or use a regressor for numbers)."
        )
    if kind in ("continuous", "continuous-multioutput", "multiclass-multioutput"):
        return "regression"
    raise ValueError(
        f"neurona.selection: expected y of class labels or numbers, got a {kind!r} target "
        f"of shape {np.shape(y)}."
    )


def _splitter(cv: Any, task: str, seed: int) -> Any:
    if cv is None or isinstance(cv, (int, np.integer)):
        k = 5 if cv is None else int(cv)
        kind = RepeatedKFold if task == "regression" else RepeatedStratifiedKFold
        return kind(n_splits=k, n_repeats=1, random_state=seed)
    if isinstance(cv, str) or not hasattr(cv, "split"):
        raise TypeError(
            f"neurona.selection: expected cv to be an int (folds) or a scikit-learn splitter "
            f"such as RepeatedStratifiedKFold(n_splits=5, n_repeats=10), got {cv!r}."
        )
    return cv


def _fit_and_score(model, X, y, train, test, seed, metrics, positive) -> dict:
    """One task: a fresh model fitted on ``train`` under ``seed`` and scored on ``test``."""
    with seeded(seed):
        estimator = fresh_model(model, seed)
        start = time.perf_counter()
        estimator.fit(X[train], y[train])
        seconds = time.perf_counter() - start
        scores = fold_scores(estimator, X[test], y[test], metrics, positive)
    return {"scores": scores, "fit_seconds": seconds}


def run_folds(
    models: dict[str, Any],
    X: Any,
    y: Any,
    cv: Any = None,
    metrics: Sequence[str] | None = None,
    seed: int = 0,
    **where: Any,
) -> dict[str, CVResult]:
    """Cross-validate several models on the same folds with the same per-fold seeds, all
    fits in one batch of tasks (so a pool or cluster keeps busy across models).

    Example:
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.datasets import make_classification
        >>> X, y = make_classification(60, random_state=0)
        >>> out = run_folds({"LR": LogisticRegression()}, X, y, cv=3, metrics=["auc"])
        >>> len(out["LR"].scores("auc"))
        3
    """
    X, y = np.asarray(X), np.asarray(y)
    first = next(iter(models.values()))
    task = _task(y, first if _is_estimator(first) else None)
    metrics = check_metrics(metrics, task)
    positive = np.unique(y)[-1] if task == "binary" else None
    splitter = _splitter(cv, task, seed)
    folds = list(splitter.split(X, y))
    per_repeat = len(folds) // getattr(splitter, "n_repeats", 1)
    seeds = [fold_seed(seed, i) for i in range(len(folds))]
    tasks = [
        (model, X, y, train, test, seeds[i], metrics, positive)
        for model in models.values()
        for i, (train, test) in enumerate(folds)
    ]
    where = {key: value for key, value in where.items() if value is not None}
    outputs = run_tasks(_fit_and_score, tasks, **where)  # none given: the caller's execution
    results = {}
    for m, name in enumerate(models):
        chunk = outputs[m * len(folds) : (m + 1) * len(folds)]
        results[name] = CVResult(
            metrics=metrics,
            scores=[out["scores"] for out in chunk],
            repeats=[i // per_repeat for i in range(len(folds))],
            seeds=seeds,
            fit_seconds=[out["fit_seconds"] for out in chunk],
        )
    return results


def cross_validate(
    model: Any,
    X: Any,
    y: Any,
    cv: Any = None,
    metrics: Sequence[str] | None = None,
    seed: int = 0,
    n_jobs: int | None = None,
    backend: str | None = None,
    address: Any = None,
) -> CVResult:
    """k-fold cross-validation of one model: a fresh model per fold, fitted with that fold's
    seed, scored on the fold left out.

    Args:
        model: a scikit-learn-style estimator (cloned for each fold; e.g. a Pipeline with a
            StandardScaler, so the scaling is learnt inside each fold) or a function
            ``seed → estimator``. Every ``random_state`` parameter is set to the fold's seed,
            and neurona's generator is seeded with it while the fold runs.
        X, y: the data; y class labels (two classes: the larger label is the positive one) or
            numbers. A scikit-learn regressor makes it a regression, a classifier a
            classification; for a function, scikit-learn's ``type_of_target(y)`` decides.
        cv: a scikit-learn splitter (``RepeatedStratifiedKFold(n_splits=5, n_repeats=100)``) or
            a number of folds (default 5: one repetition of stratified k-fold for labels,
            k-fold for numbers, shuffled with ``seed``).
        metrics: for two classes 'auc', 'accuracy', 'TPR', 'TNR', 'FNR', 'FPR', 'FDR', 'FOR'
            (all by default); more classes 'accuracy'; numbers 'mae', 'mse', 'rmse', 'r2'.
        seed: seeds the folds (when cv is a number) and every fold's seed (``fold_seed``).
        n_jobs, backend, address: where the fits run (``neurona.selection.execution``); the
            results are the same for the same seed wherever they run.

    Returns:
        A ``CVResult``: per-fold scores, ``summary()`` and ``table()``.

    Example:
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn.datasets import make_classification
        >>> X, y = make_classification(80, random_state=0)
        >>> result = cross_validate(LogisticRegression(), X, y, metrics=["auc", "TPR"])
        >>> result.summary()["metric"], len(result.scores("auc"))
        (['auc', 'TPR'], 5)
    """
    where = {"n_jobs": n_jobs, "backend": backend, "address": address}
    return run_folds({"model": model}, X, y, cv, metrics, seed, **where)["model"]


def holdout(
    model: Any,
    X: Any,
    y: Any,
    test_size: float = 0.2,
    metrics: Sequence[str] | None = None,
    seed: int = 0,
) -> dict:
    """One split into training and test parts (stratified for labels), one fresh model fitted
    with ``seed`` on the first, scored on the second.

    Returns:
        {'scores': {metric: value}, 'model': the fitted model, 'train': indices, 'test':
        indices}.

    Example:
        >>> from sklearn.linear_model import LinearRegression
        >>> X = np.arange(20.0)[:, None]
        >>> out = holdout(LinearRegression(), X, 3 * X[:, 0], metrics=["mae"])
        >>> round(out["scores"]["mae"], 6), len(out["test"])
        (0.0, 4)
    """
    X, y = np.asarray(X), np.asarray(y)
    task = _task(y, model if _is_estimator(model) else None)
    metrics = check_metrics(metrics, task)
    index = np.arange(len(y))
    train, test = train_test_split(
        index, test_size=test_size, random_state=seed, stratify=None if task == "regression" else y
    )
    positive = np.unique(y)[-1] if task == "binary" else None
    with seeded(seed):
        estimator = fresh_model(model, seed)
        estimator.fit(X[train], y[train])
        scores = fold_scores(estimator, X[test], y[test], metrics, positive)
    return {"scores": scores, "model": estimator, "train": train, "test": test}
