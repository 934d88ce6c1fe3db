"""Preparing data for a network: train/test split, standardisation, min–max scaling and
one-hot labels (Keras's ``to_categorical``)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Standardizer", "normalize", "standardize", "to_categorical", "train_test_split"]


def train_test_split(
    *arrays: ArrayLike,
    test_size: float | int | None = None,
    train_size: float | int | None = None,
    random_state: int | None = None,
    shuffle: bool = True,
    stratify: ArrayLike | None = None,
) -> list:
    """Split arrays (same first dimension) into train and test parts: x_train, x_test, y_train…

    Uses ``sklearn.model_selection.train_test_split`` when scikit-learn is installed (same
    arguments, same defaults: test_size 0.25). Otherwise an own implementation with the same
    sizes (test = ceil(test_size·n), train = n − test) and a seeded NumPy permutation; with
    ``stratify`` each class is split in proportion (class by class, so the same seed gives
    other rows than scikit-learn's).

    Example:
        >>> X, y = np.arange(20).reshape(10, 2), np.arange(10) % 2
        >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=0)
        >>> X_tr.shape, X_te.shape
        ((8, 2), (2, 2))
    """
    if not arrays:
        raise ValueError("train_test_split: expected at least one array, got none.")
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(
            f"train_test_split: expected arrays of one length, got lengths "
            f"{[len(a) for a in arrays]}."
        )
    try:
        from sklearn.model_selection import train_test_split as sk_split
    except ImportError:
        sk_split = None
    if sk_split is not None:
        return sk_split(
            *arrays,
            test_size=test_size,
            train_size=train_size,
            random_state=random_state,
            shuffle=shuffle,
            stratify=stratify,
        )
    n_test, n_train = _sizes(n, test_size, train_size)
    rng = np.random.default_rng(random_state)
    if stratify is not None:
        test_rows = _stratified_test_rows(np.asarray(stratify), n_test, rng)
        train_rows = rng.permutation(np.setdiff1d(np.arange(n), test_rows))[:n_train]
    else:
        order = rng.permutation(n) if shuffle else np.arange(n)
        train_rows, test_rows = order[:n_train], order[n_train : n_train + n_test]
    result = []
    for a in arrays:
        a = np.asarray(a)
        result += [a[train_rows], a[test_rows]]
    return result


def _sizes(n: int, test_size, train_size) -> tuple[int, int]:
    def count(size, name):
        if isinstance(size, float):
            if not 0 < size < 1:
                raise ValueError(
                    f"train_test_split: expected {name} in (0, 1) as a fraction, got {size}."
                )
            return int(np.ceil(size * n)) if name == "test_size" else int(np.floor(size * n))
        if not 0 < size < n:
            raise ValueError(
                f"train_test_split: expected {name} in [1, {n - 1}] as a count, got {size}."
            )
        return int(size)

    if test_size is None and train_size is None:
        test_size = 0.25
    n_test = count(test_size, "test_size") if test_size is not None else None
    n_train = count(train_size, "train_size") if train_size is not None else None
    n_test = n - n_train if n_test is None else n_test
    n_train = n - n_test if n_train is None else n_train
    if n_train + n_test > n or n_train < 1 or n_test < 1:
        raise ValueError(
            f"train_test_split: expected train + test <= {n} samples and both >= 1, "
            f"got train {n_train}, test {n_test}."
        )
    return n_test, n_train


def _stratified_test_rows(labels: np.ndarray, n_test: int, rng) -> np.ndarray:
    classes, y = np.unique(labels, return_inverse=True)
    counts = np.bincount(y)
    if counts.min() < 2:
        raise ValueError(
            f"train_test_split: expected at least 2 samples per class to "
            f"stratify, got class counts {dict(zip(classes.tolist(), counts))}."
        )
    share = n_test * counts / counts.sum()
    take = np.floor(share).astype(int)
    extra = np.argsort(take - share)[: n_test - take.sum()]  # largest remainders first
    take[extra] += 1
    rows = [rng.permutation(np.flatnonzero(y == k))[: take[k]] for k in range(len(classes))]
    return rng.permutation(np.concatenate(rows))


class Standardizer:
    """Standardisation fitted on training data:  z = (x − μ) / σ,  per column.

    μ and σ are the column mean and (population) standard deviation of the data passed to
    ``fit``; columns with σ = 0 are left unscaled (σ taken as 1), like scikit-learn's
    ``StandardScaler``. Fit on the training set only, then transform the test set with the same
    μ and σ.

    Example:
        >>> scaler = Standardizer().fit(np.array([[1.0, 10.0], [3.0, 10.0]]))
        >>> scaler.mean_.tolist(), scaler.scale_.tolist()
        ([2.0, 10.0], [1.0, 1.0])
        >>> scaler.transform(np.array([[5.0, 12.0]])).tolist()
        [[3.0, 2.0]]
    """

    def fit(self, x: ArrayLike) -> Standardizer:
        """Learn ``mean_`` μ and ``scale_`` σ from x (n_samples, …); return self."""
        x = np.asarray(x, dtype=np.float64)
        self.mean_ = x.mean(axis=0)
        std = x.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _check(self, where: str, x):
        if not hasattr(self, "mean_"):
            raise RuntimeError(
                f"Standardizer.{where}: expected a fitted Standardizer, got one "
                "whose fit() was never called. Call fit(x_train) first."
            )
        x = np.asarray(x)
        if x.shape[1:] != np.shape(self.mean_):
            raise ValueError(
                f"Standardizer.{where}: expected samples of shape "
                f"{np.shape(self.mean_)} (as in fit), got x of shape {x.shape}."
            )
        return x

    def transform(self, x: ArrayLike) -> np.ndarray:
        """z = (x − μ) / σ, in x's float dtype (float32 stays float32)."""
        x = self._check("transform", x)
        dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
        return ((x - self.mean_) / self.scale_).astype(dtype)

    def fit_transform(self, x: ArrayLike) -> np.ndarray:
        """fit(x) then transform(x)."""
        return self.fit(x).transform(x)

    def inverse_transform(self, z: ArrayLike) -> np.ndarray:
        """x = z σ + μ."""
        z = self._check("inverse_transform", z)
        return (z * self.scale_ + self.mean_).astype(z.dtype)


def standardize(x: ArrayLike, mean: ArrayLike | None = None, std: ArrayLike | None = None):
    """z = (x − μ) / σ per column; returns (z, μ, σ) so the test set can reuse μ and σ.

    With ``mean`` and ``std`` given they are used as they are (standardise a test set);
    otherwise they are fitted on x (σ = 0 → 1). See ``Standardizer`` for the object form.

    Example:
        >>> z, mu, sigma = standardize(np.array([[0.0], [2.0]]))
        >>> z.ravel().tolist(), mu.tolist(), sigma.tolist()
        ([-1.0, 1.0], [1.0], [1.0])
        >>> standardize(np.array([[4.0]]), mu, sigma)[0].tolist()
        [[3.0]]
    """
    scaler = Standardizer()
    if mean is None or std is None:
        scaler.fit(x)
    else:
        scaler.mean_, scaler.scale_ = np.asarray(mean), np.asarray(std)
    return scaler.transform(x), scaler.mean_, scaler.scale_


def normalize(
    x: ArrayLike,
    low: ArrayLike | None = None,
    high: ArrayLike | None = None,
    axis: int | tuple[int, ...] | None = 0,
):
    """Min–max scaling to [0, 1]:  x' = (x − low) / (high − low); returns (x', low, high).

    ``low``/``high`` default to the minimum/maximum over ``axis`` (0: per column; None: over
    all values, e.g. images: ``normalize(x_train, axis=None)`` divides by 255 when the pixels
    span 0–255; pass ``low=0, high=255`` to scale exactly like ``x / 255``). Constant columns
    map to 0. NOTE: ``keras.utils.normalize`` is a different operation (rows to unit L2 norm).

    Example:
        >>> x01, low, high = normalize(np.array([[0.0, 5.0], [10.0, 7.0]])); x01.tolist()
        [[0.0, 0.0], [1.0, 1.0]]
        >>> normalize(np.array([0, 51, 255], dtype=np.uint8), 0, 255)[0]
        array([0. , 0.2, 1. ], dtype=float32)
    """
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
    low = x.min(axis=axis) if low is None else np.asarray(low)
    high = x.max(axis=axis) if high is None else np.asarray(high)
    span = np.asarray(high, dtype=np.float64) - low
    scaled = (x - low) / np.where(span > 0, span, 1.0)
    return scaled.astype(dtype), low, high


def to_categorical(y: ArrayLike, num_classes: int | None = None, dtype="float32") -> np.ndarray:
    """One-hot encoding, with Keras's semantics: row i has a 1 in column y[i], 0 elsewhere.

    num_classes defaults to max(y) + 1. The output has shape y.shape + (num_classes,), except
    that a trailing axis of size 1 is dropped first (labels (n, 1) give (n, num_classes)).

    Example:
        >>> to_categorical([0, 2, 1])
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]], dtype=float32)
    """
    y = np.asarray(y)
    if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
        raise ValueError(
            "to_categorical: expected integer class labels, got non-integer values "
            f"such as {y[np.mod(y, 1) != 0][:3]}. Round or encode the labels first."
        )
    y = y.astype(np.int64)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])  # Keras drops a trailing axis of size 1
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"to_categorical: expected labels in [0, {num_classes - 1}], got "
            f"labels from {y.min()} to {y.max()}. Pass num_classes >= "
            f"{y.max() + 1} or map the labels to 0…num_classes−1."
        )
    one_hot = np.zeros((y.size, num_classes), dtype=dtype)
    one_hot[np.arange(y.size), y.reshape(-1)] = 1
    return one_hot.reshape(y.shape + (num_classes,))
