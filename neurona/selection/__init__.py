"""Side: model selection for studies — ``holdout``, ``cross_validate`` (a fresh model per fold,
each with its own seed, on scikit-learn's splitters) and ``compare_models`` (the study's AUC and
confusion-matrix-rate tables, in Markdown, and box plots of AUC per model), run in this process,
on a local pool (``n_jobs``) or on a Dask or Ray cluster (``backend``; docs/cluster.md).

    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(60, random_state=0)
    >>> cross_validate(LogisticRegression(), X, y, cv=3, metrics=["auc"]).summary().columns
    ['metric', 'mean', 'std', 'p2.5', 'p97.5']
"""

from neurona.selection.comparison import Comparison, compare_models
from neurona.selection.parallel import execution, run_tasks
from neurona.selection.results import CVResult, describe
from neurona.selection.scores import RATES
from neurona.selection.table import Table
from neurona.selection.validation import cross_validate, fold_seed, fresh_model, holdout

__all__ = [
    "CVResult",
    "Comparison",
    "RATES",
    "Table",
    "compare_models",
    "cross_validate",
    "describe",
    "execution",
    "fold_seed",
    "fresh_model",
    "holdout",
    "run_tasks",
]
