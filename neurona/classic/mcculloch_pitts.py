"""The McCulloch–Pitts neuron (1943, docs/course.md N1): binary inputs, fixed weights, a threshold
and a step output. It computes logic but does not learn."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["McCullochPitts"]


class McCullochPitts:
    """Threshold unit with binary inputs:

        y = 1 if Σᵢ wᵢ xᵢ ≥ θ else 0,     xᵢ ∈ {0, 1}

    Optional absolute inhibition (the 1943 paper's inhibitory synapses): if any input listed
    in ``inhibitory`` is 1, the output is 0 whatever the sum.

    Ready-made units: ``McCullochPitts.AND(n)`` (w = 1, θ = n), ``McCullochPitts.OR(n)``
    (w = 1, θ = 1), ``McCullochPitts.NOT()`` (w = −1, θ = 0).

    Args:
        weights: the n weights wᵢ.
        threshold: θ.
        inhibitory: indices of inputs with absolute inhibition.

    Example:
        >>> unit = McCullochPitts.AND()
        >>> X, y = unit.truth_table(); y
        array([0, 0, 0, 1])
        >>> McCullochPitts([1, 1], threshold=1).predict([[0, 1], [0, 0]])
        array([1, 0])
    """

    def __init__(
        self, weights: ArrayLike, threshold: float, inhibitory: tuple[int, ...] = ()
    ) -> None:
        self.weights = np.atleast_1d(np.asarray(weights, dtype=np.float64))
        if self.weights.ndim != 1:
            raise ValueError(
                f"McCullochPitts: expected a 1-D list of weights, got shape {self.weights.shape}."
            )
        self.threshold = float(threshold)
        self.inhibitory = tuple(int(i) for i in inhibitory)
        n = self.weights.shape[0]
        if any(not 0 <= i < n for i in self.inhibitory):
            raise ValueError(
                f"McCullochPitts: expected inhibitory indices in [0, {n}), got {self.inhibitory}."
            )

    @property
    def n_inputs(self) -> int:
        """Number of inputs n."""
        return self.weights.shape[0]

    @classmethod
    def AND(cls, n: int = 2) -> McCullochPitts:  # noqa: N802 - the gate's name
        """n-input AND: w = (1, …, 1), θ = n.

        Example:
            >>> McCullochPitts.AND(3).predict([[1, 1, 1], [1, 0, 1]])
            array([1, 0])
        """
        return cls(np.ones(n), threshold=n)

    @classmethod
    def OR(cls, n: int = 2) -> McCullochPitts:  # noqa: N802 - the gate's name
        """n-input OR: w = (1, …, 1), θ = 1.

        Example:
            >>> McCullochPitts.OR().predict([[0, 0], [1, 0]])
            array([0, 1])
        """
        return cls(np.ones(n), threshold=1)

    @classmethod
    def NOT(cls) -> McCullochPitts:  # noqa: N802 - the gate's name
        """NOT: w = −1, θ = 0 (y = 1 iff −x ≥ 0, i.e. x = 0).

        Example:
            >>> McCullochPitts.NOT().predict([[0], [1]])
            array([1, 0])
        """
        return cls([-1.0], threshold=0)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Output y for each row of binary inputs X (shape (n_samples, n) or (n,))."""
        X = np.asarray(X, dtype=np.float64)
        single = X.ndim == 1
        X = np.atleast_2d(X)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(
                f"McCullochPitts.predict: expected inputs of shape (n_samples, "
                f"{self.n_inputs}), got shape {np.shape(X)}."
            )
        if not np.isin(X, (0.0, 1.0)).all():
            raise ValueError(
                "McCullochPitts.predict: expected binary inputs (0 or 1), got "
                f"values {np.unique(X)[:6]}. Threshold the inputs first."
            )
        y = (X @ self.weights >= self.threshold).astype(int)
        if self.inhibitory:
            y[X[:, list(self.inhibitory)].any(axis=1)] = 0
        return y[0] if single else y

    __call__ = predict

    def truth_table(self) -> tuple[np.ndarray, np.ndarray]:
        """All 2ⁿ binary inputs (in counting order) and the unit's outputs.

        Example:
            >>> X, y = McCullochPitts.OR().truth_table(); X.tolist(), y.tolist()
            ([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 1])
        """
        X = np.array(list(itertools.product((0, 1), repeat=self.n_inputs)), dtype=int)
        return X, self.predict(X)

    def __repr__(self) -> str:
        return f"McCullochPitts(weights={self.weights.tolist()}, threshold={self.threshold:g}" + (
            f", inhibitory={self.inhibitory})" if self.inhibitory else ")"
        )
