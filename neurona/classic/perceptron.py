"""Rosenblatt's perceptron (docs/course.md N2, N3, N5): a threshold unit that learns from its
mistakes, for 0/1 labels (w ← w + η(d − y)x) or ±1 labels (w ← w + η y x on mistakes)."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["ConvergenceWarning", "Perceptron"]

_LABELS = ("auto", "0/1", "-1/+1")


class ConvergenceWarning(UserWarning):
    """Training stopped (``max_epochs``) before an epoch without mistakes.

    Example:
        >>> issubclass(ConvergenceWarning, UserWarning)
        True
    """


class Perceptron:
    """Rosenblatt's perceptron with a step output and the perceptron learning rule.

    0/1 labels (docs/course.md N2, deck [A]):
        y = 1 if Σ wᵢxᵢ + b > 0 else 0
        wᵢ ← wᵢ + η (d − y) xᵢ,   b ← b + η (d − y)          (d = target, y = output)
    ±1 labels (docs/course.md N3, deck [C]; bias as w₀ with x₀ = 1):
        y = sign(Σ wᵢxᵢ + b)  (+1 if > 0, else −1)
        misclassified point:  w ← w + η d x,   b ← b + η d;   well-classified point: no change

    The two rules are the same algorithm: with ±1 labels d − y is 0 or 2d. Weights start at
    zero; one epoch visits every sample once and updates after each sample. Training stops
    after the first epoch without mistakes (``converged_ = True``). The rule converges in
    finitely many updates if and only if the data are linearly separable (Novikoff 1962); on XOR
    (Minsky & Papert 1969) it cycles forever, so ``fit`` stops at ``max_epochs`` with
    ``converged_ = False`` and a ``ConvergenceWarning``.

    NOTE — course erratum (docs/course.md §1.11 #2): deck [C]'s case table writes "well classified →
    w + ηyx, misclassified → w". That is swapped: the update happens on the misclassified point,
    as coded here.

    Differences from ``sklearn.linear_model.Perceptron``: ``shuffle`` defaults to False
    (Rosenblatt cycles through the data in order, which makes hand computations reproducible),
    the stopping rule is "an epoch without mistakes" (no ``tol``), 0/1 labels are kept.

    Args:
        learning_rate: η > 0. With zero initial weights η only scales w and b, so it does not
            change the predictions.
        max_epochs: the most passes over the data.
        labels: "auto" (0/1 or ±1, read from y), "0/1" or "-1/+1".
        shuffle: visit the samples in a new random order each epoch.
        random_state: seed of the shuffling.

    Attributes (after fit):
        weights_ (d,), bias_, errors_ (misclassified samples, i.e. updates, per epoch),
        converged_, n_epochs_, classes_ (the two label values).

    Example:
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y_and = np.array([0, 0, 0, 1])
        >>> p = Perceptron().fit(X, y_and)
        >>> p.converged_, p.predict(X), p.errors_
        (True, array([0, 0, 0, 1]), [1, 3, 3, 2, 1, 0])
    """

    def __init__(
        self,
        learning_rate: float = 1.0,
        max_epochs: int = 100,
        labels: str = "auto",
        shuffle: bool = False,
        random_state: int | None = None,
    ) -> None:
        if not (isinstance(learning_rate, (int, float)) and learning_rate > 0):
            raise ValueError(f"Perceptron: expected learning_rate > 0, got {learning_rate!r}.")
        if not (isinstance(max_epochs, (int, np.integer)) and max_epochs >= 1):
            raise ValueError(
                f"Perceptron: expected max_epochs to be an int >= 1, got {max_epochs!r}."
            )
        if labels not in _LABELS:
            raise ValueError(f"Perceptron: expected labels in {_LABELS}, got {labels!r}.")
        self.learning_rate = float(learning_rate)
        self.max_epochs = int(max_epochs)
        self.labels = labels
        self.shuffle = shuffle
        self.random_state = random_state

    # -- helpers ---------------------------------------------------------------------------------
    def _resolve_labels(self, y: np.ndarray) -> str:
        values = set(np.unique(y).tolist())
        if self.labels == "auto":
            if values <= {0, 1}:
                return "0/1"
            if values <= {-1, 1}:
                return "-1/+1"
        elif values <= ({0, 1} if self.labels == "0/1" else {-1, 1}):
            return self.labels
        expected = "0/1 or ±1" if self.labels == "auto" else self.labels
        raise ValueError(
            f"Perceptron.fit: expected {expected} labels, got the values "
            f"{sorted(values)[:6]}. Map the two classes to 0/1 (or −1/+1)."
        )

    def _check_inputs(self, where: str, X: ArrayLike) -> np.ndarray:
        try:
            X = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"Perceptron.{where}: expected numeric inputs X, got values NumPy "
                "cannot read as floats. Encode them as numbers."
            ) from None
        if X.ndim != 2:
            raise ValueError(
                f"Perceptron.{where}: expected X of shape (n_samples, n_features), "
                f"got shape {X.shape}. Use X.reshape(len(X), -1)."
            )
        if hasattr(self, "weights_") and X.shape[1] != self.weights_.shape[0]:
            raise ValueError(
                f"Perceptron.{where}: expected {self.weights_.shape[0]} features, "
                f"got X of shape {X.shape}."
            )
        return X

    def _output(self, s: np.ndarray | float):
        """Step output of the net input s = Σ wᵢxᵢ + b: 1/0, or +1/−1 for ±1 labels."""
        low = 0 if self._mode == "0/1" else -1
        return np.where(np.asarray(s) > 0, 1, low)

    # -- the learning rule -------------------------------------------------------------------------
    def update(self, x: ArrayLike, target: int) -> bool:
        """Apply the learning rule to one sample; return True when it was misclassified.

        Starts from w = 0, b = 0 (with the label kind of ``labels``, "0/1" when "auto") the
        first time it is called on an unfitted perceptron.

        Example:
            >>> p = Perceptron(learning_rate=0.5)
            >>> p.update([1.0, 1.0], 1), p.weights_, p.bias_   # y = 0, d − y = 1: w += 0.5·x
            (True, array([0.5, 0.5]), 0.5)
        """
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        if not hasattr(self, "weights_"):
            self._mode = "0/1" if self.labels == "auto" else self.labels
            self.weights_, self.bias_ = np.zeros(x.shape[0]), 0.0
        y = int(self._output(x @ self.weights_ + self.bias_))
        if y == target:
            return False
        # 0/1: (d − y) ∈ {−1, +1}.  ±1 labels: the rule w ← w + η·d·x (d is the target).
        step = self.learning_rate * ((target - y) if self._mode == "0/1" else target)
        self.weights_ = self.weights_ + step * x
        self.bias_ = float(self.bias_ + step)
        return True

    def fit(self, X: ArrayLike, y: ArrayLike) -> Perceptron:
        """Learn w and b from zero with the perceptron rule; return ``self``.

        Warns with ``ConvergenceWarning`` when ``max_epochs`` pass without an error-free epoch.
        """
        for name in ("weights_", "bias_"):
            self.__dict__.pop(name, None)  # refit from scratch
        X = self._check_inputs("fit", X)
        y = np.asarray(y).reshape(-1)
        if y.shape[0] != X.shape[0]:
            raise ValueError(
                f"Perceptron.fit: expected one label per row of X ({X.shape[0]}), "
                f"got {y.shape[0]} labels."
            )
        self._mode = self._resolve_labels(y)
        self.classes_ = np.array([0, 1] if self._mode == "0/1" else [-1, 1])
        self.weights_, self.bias_ = np.zeros(X.shape[1]), 0.0
        rng = np.random.default_rng(self.random_state)
        self.errors_: list[int] = []
        self.converged_ = False
        for _ in range(self.max_epochs):
            order = rng.permutation(len(X)) if self.shuffle else range(len(X))
            mistakes = sum(self.update(X[i], int(y[i])) for i in order)
            self.errors_.append(int(mistakes))
            if mistakes == 0:
                self.converged_ = True
                break
        self.n_epochs_ = len(self.errors_)
        if not self.converged_:
            warnings.warn(
                f"Perceptron.fit: no epoch without mistakes in max_epochs={self.max_epochs} "
                f"(last epoch: {self.errors_[-1]} mistakes). The data may not be linearly "
                "separable (like XOR); a network with a hidden layer can separate them.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    # -- using it --------------------------------------------------------------------------------
    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Net input s = X w + b, shape (n_samples,)."""
        if not hasattr(self, "weights_"):
            raise RuntimeError(
                "Perceptron.decision_function: expected a fitted perceptron, got "
                "one whose fit() was never called. Call fit(X, y) first."
            )
        return self._check_inputs("decision_function", X) @ self.weights_ + self.bias_

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Step output for each row: 0/1, or −1/+1 when trained on ±1 labels."""
        return self._output(self.decision_function(X))

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: the fraction of rows where predict(X) equals y."""
        return float(np.mean(self.predict(X) == np.asarray(y).reshape(-1)))
