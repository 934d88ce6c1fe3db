"""Side: neurona networks as scikit-learn estimators (``NeuronaClassifier``,
``NeuronaRegressor``), for ``cross_val_score``, ``GridSearchCV``, ``Pipeline`` and the rest of
scikit-learn. Needs scikit-learn (``pip install "neurona[data]"``).

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> model = make_pipeline(StandardScaler(), NeuronaClassifier(hidden_layer_sizes=(8,)))
    >>> model.get_params()["neuronaclassifier__hidden_layer_sizes"]
    (8,)
"""

from neurona.sklearn._base import NeuronaEstimator, seeded
from neurona.sklearn.estimators import (
    EXPECTED_FAILED_CHECKS,
    NeuronaClassifier,
    NeuronaRegressor,
)

__all__ = [
    "EXPECTED_FAILED_CHECKS",
    "NeuronaClassifier",
    "NeuronaEstimator",
    "NeuronaRegressor",
    "seeded",
]
