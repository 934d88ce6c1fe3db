"""Side: ``NeuronaClassifier`` and ``NeuronaRegressor``, neurona networks with scikit-learn's
estimator API, so that ``cross_val_score``, ``GridSearchCV`` and ``Pipeline`` take them."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets

from neurona.sklearn._base import NeuronaEstimator

__all__ = ["EXPECTED_FAILED_CHECKS", "NeuronaClassifier", "NeuronaRegressor"]

# scikit-learn's estimator checks that cannot hold for a network trained by mini-batch SGD, with
# the reason (scikit-learn lists the same check as failing for its MLPClassifier/MLPRegressor).
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "training is stochastic mini-batch gradient descent: a weight of 2 doubles a sample's "
        "term in its batch's mean loss, while repeating the row adds a sample, which changes "
        "the number of batches, the shuffled order and every batch mean, so the two fitted "
        "networks differ (the check wants them equal to rtol 1e-7)."
    ),
}


class NeuronaClassifier(ClassifierMixin, NeuronaEstimator):
    """A neurona network as a scikit-learn classifier (the parameters: ``NeuronaEstimator``).

    Two classes: one sigmoid output and binary cross-entropy; more: a softmax output of one
    unit per class and sparse categorical cross-entropy. Labels may be of any type
    (``classes_`` keeps them, sorted); ``predict_proba`` gives one column per class.

    Example:
        >>> from sklearn.datasets import make_blobs
        >>> X, y = make_blobs(60, centers=2, random_state=0)
        >>> clf = NeuronaClassifier(hidden_layer_sizes=(8,), learning_rate=0.01, epochs=50,
        ...                         random_state=0)
        >>> clf.fit(X, y).predict_proba(X[:2]).shape, clf.score(X, y) > 0.9
        ((2, 2), True)
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> NeuronaClassifier:
        """Build a fresh network and train it on X (n_samples, n_features) and labels y.

        Example:
            >>> NeuronaClassifier(epochs=1).fit([[0.0], [1.0]], ["a", "b"]).classes_.tolist()
            ['a', 'b']
        """
        X, y = self._validate_fit(X, y)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{self._where('fit')}: expected at least 2 classes in y, got 1 class "
                f"({self.classes_[0]!r}). A classifier needs examples of each class."
            )
        task = "binary" if len(self.classes_) == 2 else "multiclass"
        n_outputs = 1 if task == "binary" else len(self.classes_)
        target = encoded.astype(np.float32).reshape(-1, 1) if task == "binary" else encoded
        return self._fit_network(X, target, sample_weight, task, n_outputs)

    def predict_proba(self, X: Any) -> np.ndarray:
        """P(class | x), one column per class of ``classes_``, rows summing to 1.

        Example:
            >>> clf = NeuronaClassifier(epochs=1, random_state=0).fit([[0.0], [1.0]], [0, 1])
            >>> float(clf.predict_proba([[0.5]]).sum())
            1.0
        """
        out = self._output(X, "predict_proba")
        if out.shape[1] == 1:  # one sigmoid unit: P(second class)
            out = np.column_stack([1.0 - out[:, 0], out[:, 0]])
        return out / out.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row (a label of ``classes_``).

        Example:
            >>> clf = NeuronaClassifier(epochs=1, random_state=0).fit([[0.0], [1.0]], [3, 5])
            >>> set(clf.predict([[0.0], [1.0]]).tolist()) <= {3, 5}
            True
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class NeuronaRegressor(RegressorMixin, NeuronaEstimator):
    """A neurona network as a scikit-learn regressor (the parameters: ``NeuronaEstimator``):
    a linear output unit per target column, mean squared error by default. y may have one
    column (predictions (n,)) or several (predictions (n, k)).

    Example:
        >>> from sklearn.datasets import make_regression
        >>> X, y = make_regression(80, n_features=3, noise=0.1, random_state=0)
        >>> reg = NeuronaRegressor(hidden_layer_sizes=(16,), epochs=60, learning_rate=0.01,
        ...                        random_state=0)
        >>> reg.fit(X, y / y.std()).score(X, y / y.std()) > 0.9
        True
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> NeuronaRegressor:
        """Build a fresh network and train it on X (n_samples, n_features) and y (n,) or (n, k).

        Example:
            >>> NeuronaRegressor(epochs=1).fit([[0.0], [1.0]], [[0.0, 1], [1, 2]]).n_outputs_
            2
        """
        X, y = self._validate_fit(X, y, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float32)
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self._one_column = y.ndim == 1
        return self._fit_network(
            X, y.reshape(len(y), -1), sample_weight, "regression", self.n_outputs_
        )

    def predict(self, X: Any) -> np.ndarray:
        """The predicted values: (n,) when fitted on one column of y, else (n, k).

        Example:
            >>> reg = NeuronaRegressor(epochs=1, random_state=0).fit([[0.0], [1.0]], [0.0, 1.0])
            >>> reg.predict([[0.5], [2.0]]).shape
            (2,)
        """
        out = self._output(X, "predict")
        return out[:, 0] if self._one_column else out
