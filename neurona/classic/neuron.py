"""Linear and logistic regression as one neuron (docs/course.md N9, N10), trained by hand-written
gradients with batch GD, SGD or mini-batches and the course's update rules. No autodiff."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike

from neurona.classic.course_optimizers import CourseOptimizer, get_optimizer
from neurona.classic.perceptron import ConvergenceWarning

__all__ = ["LinearNeuron", "LogisticNeuron"]


def _as_float(where: str, name: str, values: ArrayLike) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{where}: expected numbers in {name}, got {type(values).__name__} "
            f"that NumPy cannot read as floats. Encode text columns as numbers."
        ) from None


def _as_xy(where: str, X: ArrayLike, y: ArrayLike | None = None):
    X = _as_float(where, "X", X)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise ValueError(
            f"{where}: expected X of shape (n_samples, n_features), got shape "
            f"{X.shape}. Flatten each sample into one row."
        )
    if y is None:
        return X, None
    y = _as_float(where, "y", y).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"{where}: expected one target per row of X ({X.shape[0]}), got "
            f"{y.shape[0]} targets. Pass y with shape (n_samples,)."
        )
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError(f"{where}: expected finite X and y, got NaN or inf. Clean the data.")
    return X, y


class _Neuron:
    """One neuron ŷ = σ(x w + b) trained by minimising J(w, b) = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾).

    Both of the course's neurons share the gradient
        ∂J/∂w = (1/m) Xᵀ (ŷ − y)        ∂J/∂b = (1/m) Σᵢ (ŷᵢ − yᵢ)
    (for the linear neuron with L = ½(ŷ − y)², for the logistic one with binary cross-entropy).
    The slides write the column-vector form wᵀx; here rows are samples, so z = X w + b.
    NOTE: these small models compute in float64 (not the library's float32 default), so that
    they agree with least squares and scikit-learn to many digits.
    """

    def __init__(
        self,
        learning_rate: float = 0.01,
        epochs: int = 100,
        batch_size: int | None = None,
        optimizer: str | CourseOptimizer = "gd",
        shuffle: bool = True,
        random_state: int | None = None,
    ) -> None:
        name = type(self).__name__
        if not (isinstance(epochs, (int, np.integer)) and epochs >= 1):
            raise ValueError(f"{name}: expected epochs to be an int >= 1, got {epochs!r}.")
        if batch_size is not None and not (
            isinstance(batch_size, (int, np.integer)) and batch_size >= 1
        ):
            raise ValueError(
                f"{name}: expected batch_size None (batch GD), 1 (SGD) or an "
                f"int n > 1 (mini-batch), got {batch_size!r}."
            )
        self.learning_rate = learning_rate
        self.epochs = int(epochs)
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.shuffle = shuffle
        self.random_state = random_state
        get_optimizer(optimizer, learning_rate)  # validate the name now, not inside fit

    # -- the model: subclasses give σ and L --------------------------------------------------
    def _activation(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _loss_from_z(self, z: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    @staticmethod
    def _split(theta: np.ndarray) -> tuple[np.ndarray, float]:
        return theta[:-1], theta[-1]  # θ = (w₁ … w_d, b): the bias is stored last

    def _gradient_at(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        w, b = self._split(theta)
        error = self._activation(X @ w + b) - y  # ŷ − y, shape (m,)
        return np.append(X.T @ error, error.sum()) / X.shape[0]

    # -- public API ----------------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike):
        """Train from w = 0, b = 0 for ``epochs`` passes over the data and return ``self``.

        One epoch visits every sample once, in batches of ``batch_size`` (None: all m samples,
        one step per epoch = batch GD; 1: SGD; n: mini-batches of n, the last one smaller),
        reshuffled each epoch when ``shuffle``. Each step calls the optimiser with the batch
        gradient g = ∇J_B(θ). ``loss_history_[k]`` is J on the whole training set after epoch
        k + 1. A loss that becomes inf or NaN (a learning rate too large: the course's
        "overshoot") stops training with ``diverged_ = True`` and a ``ConvergenceWarning``.
        """
        X, y = _as_xy(f"{type(self).__name__}.fit", X, y)
        self._check_targets(y)
        m, d = X.shape
        opt = get_optimizer(self.optimizer, self.learning_rate)
        opt.reset()
        rng = np.random.default_rng(self.random_state)
        theta = np.zeros(d + 1)
        size = m if self.batch_size is None else min(int(self.batch_size), m)
        self.loss_history_: list[float] = []
        self.diverged_ = False
        for epoch in range(self.epochs):
            order = rng.permutation(m) if (self.shuffle and size < m) else np.arange(m)
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
                for start in range(0, m, size):
                    rows = order[start : start + size]
                    Xb, yb = X[rows], y[rows]
                    opt.step(theta, lambda t, Xb=Xb, yb=yb: self._gradient_at(t, Xb, yb))
                w, b = self._split(theta)
                self.loss_history_.append(self._loss_from_z(X @ w + b, y))
            if not np.isfinite(self.loss_history_[-1]):
                self.diverged_ = True
                warnings.warn(
                    f"{type(self).__name__}.fit: the loss became "
                    f"{self.loss_history_[-1]} in epoch {epoch + 1}, so training "
                    f"stopped: learning_rate={self.learning_rate} is too large for "
                    "this data. Lower it or standardise the features.",
                    ConvergenceWarning,
                    stacklevel=2,
                )
                break
        self.weights_, self.bias_ = theta[:-1].copy(), float(theta[-1])
        self.n_features_in_ = d
        self.optimizer_ = opt
        return self

    def _check_targets(self, y: np.ndarray) -> None:
        pass

    def _check_fitted(self, where: str, X: ArrayLike) -> np.ndarray:
        if not hasattr(self, "weights_"):
            raise RuntimeError(
                f"{type(self).__name__}.{where}: expected a fitted model, got one "
                "whose fit() was never called. Call fit(X, y) first."
            )
        X, _ = _as_xy(f"{type(self).__name__}.{where}", X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"{type(self).__name__}.{where}: expected {self.n_features_in_} "
                f"features (as in fit), got X of shape {X.shape}."
            )
        return X

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """z = X w + b, shape (n_samples,)."""
        X = self._check_fitted("decision_function", X)
        return X @ self.weights_ + self.bias_

    def loss(self, X: ArrayLike, y: ArrayLike) -> float:
        """J(w, b) = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾) at the fitted parameters."""
        X, y = _as_xy(f"{type(self).__name__}.loss", X, y)
        return self._loss_from_z(self.decision_function(X), y)

    def gradient(self, X: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, float]:
        """(∂J/∂w, ∂J/∂b) at the fitted parameters, by the hand-written formula."""
        X, y = _as_xy(f"{type(self).__name__}.gradient", X, y)
        self._check_fitted("gradient", X)
        g = self._gradient_at(np.append(self.weights_, self.bias_), X, y)
        return g[:-1], float(g[-1])


class LinearNeuron(_Neuron):
    """Linear regression as one neuron (docs/course.md N9, deck [E], notebooks 1.1–1.2).

        ŷ = x w + b           (σ(z) = z, the identity)
        L = ½ (ŷ − y)²        J = (1/m) Σᵢ L⁽ⁱ⁾
        ∂J/∂w = (1/m) Xᵀ (ŷ − y)      ∂J/∂b = (1/m) Σᵢ (ŷᵢ − yᵢ)

    The ½ makes the gradient free of a factor 2; J is half of Keras's ``'mse'``
    (docs/course.md §1.11 #7).

    Args:
        learning_rate: α of the update rule.
        epochs: passes over the training set.
        batch_size: None (batch GD), 1 (SGD) or n (mini-batch of n samples).
        optimizer: 'gd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam' (the course's
            rules, see ``neurona.classic.course_optimizers``) or a ``CourseOptimizer``.
        shuffle: reshuffle the samples every epoch (for SGD and mini-batches).
        random_state: seed of the shuffling.

    Attributes (after fit):
        weights_ (d,), bias_, loss_history_ (J after each epoch), diverged_, optimizer_.

    Example:
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = 2 * X[:, 0] + 1
        >>> model = LinearNeuron(learning_rate=0.1, epochs=500).fit(X, y)
        >>> model.weights_.round(3), round(model.bias_, 3)
        (array([2.]), 1.0)
        >>> model.predict([[4.0]]).round(3)
        array([9.])
    """

    def _activation(self, z):
        return z

    def _loss_from_z(self, z, y):
        return float(0.5 * np.mean((z - y) ** 2))

    def predict(self, X: ArrayLike) -> np.ndarray:
        """ŷ = X w + b, shape (n_samples,)."""
        return self.decision_function(X)

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (scikit-learn's score)."""
        X, y = _as_xy("LinearNeuron.score", X, y)
        residual = np.sum((y - self.predict(X)) ** 2)
        total = np.sum((y - y.mean()) ** 2)
        return float(1.0 - residual / total) if total > 0 else float(residual == 0)


class LogisticNeuron(_Neuron):
    """Logistic regression as one neuron (docs/course.md N10, deck [E], notebooks 1.3–1.4).

        ŷ = σ(x w + b),  σ(z) = 1 / (1 + e^{−z})
        J = −(1/m) Σᵢ [yᵢ log ŷᵢ + (1 − yᵢ) log(1 − ŷᵢ)]
        ∂J/∂w = (1/m) Xᵀ (ŷ − y)      ∂J/∂b = (1/m) Σᵢ (ŷᵢ − yᵢ)

    NOTE: J is computed from z as (1/m) Σ [log(1 + e^{z}) − y z], the same number without
    log(0) for saturated ŷ. Targets must be 0/1. No regularisation (scikit-learn's
    ``LogisticRegression(penalty=None)``).

    Args: as ``LinearNeuron``.

    Example:
        >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]]); y = np.array([0, 0, 1, 1])
        >>> model = LogisticNeuron(learning_rate=0.5, epochs=200).fit(X, y)
        >>> model.predict(X), model.score(X, y)
        (array([0, 0, 1, 1]), 1.0)
    """

    def _activation(self, z):
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1/(1 + e^{−z}), without overflow

    def _loss_from_z(self, z, y):
        return float(np.mean(np.logaddexp(0.0, z) - y * z))

    def _check_targets(self, y):
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError(
                f"LogisticNeuron.fit: expected 0/1 targets, got values "
                f"{np.unique(y)[:5]}. Map the two classes to 0 and 1."
            )

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Columns (P(y = 0 | x), P(y = 1 | x)) = (1 − ŷ, ŷ), shape (n_samples, 2), as in
        scikit-learn; the neuron's own output ŷ = σ(x w + b) is ``predict_proba(X)[:, 1]``."""
        y_hat = self._activation(self.decision_function(X))
        return np.stack([1.0 - y_hat, y_hat], axis=1)

    def predict(self, X: ArrayLike, threshold: float = 0.5) -> np.ndarray:
        """Class 1 where σ(x w + b) ≥ threshold, else 0 (int array)."""
        return (self.predict_proba(X)[:, 1] >= threshold).astype(int)

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """Accuracy: the fraction of rows where predict(X) equals y."""
        X, y = _as_xy("LogisticNeuron.score", X, y)
        return float(np.mean(self.predict(X) == y))
