"""Toy and playground data sets: logic gates (XOR, AND, OR…), moons, circles, spirals,
Gaussian blobs and a noisy 1-D regression. Seeded generators; float32 features, int64 labels."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "and_",
    "logic_gate",
    "make_circles",
    "make_gaussians",
    "make_moons",
    "make_regression_1d",
    "make_spirals",
    "or_",
    "xor",
]

_GATES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "and": lambda X: X.all(axis=1),
    "or": lambda X: X.any(axis=1),
    "nand": lambda X: ~X.all(axis=1),
    "nor": lambda X: ~X.any(axis=1),
    "xor": lambda X: X.sum(axis=1) % 2 == 1,
    "xnor": lambda X: X.sum(axis=1) % 2 == 0,
}


def _check_n(where: str, n_samples: int, minimum: int = 1) -> int:
    if not (isinstance(n_samples, (int, np.integer)) and n_samples >= minimum):
        raise ValueError(
            f"{where}: expected n_samples to be an int >= {minimum}, got {n_samples!r}."
        )
    return int(n_samples)


def _shuffled(rng, X, y):
    order = rng.permutation(len(X))
    return X[order].astype(np.float32), y[order].astype(np.int64)


def logic_gate(name: str, n_inputs: int = 2, signed: bool = False):
    """The truth table of a logic gate: all 2ⁿ binary inputs in counting order and the output.

    Gates: 'and', 'or', 'nand', 'nor', 'xor' (odd parity for n > 2), 'xnor'.

    Args:
        name: the gate, case-insensitive.
        n_inputs: n, the number of inputs.
        signed: give inputs and labels as −1/+1 instead of 0/1 (the ±1 perceptron of deck [C]).

    Returns:
        X float32 (2ⁿ, n), y int64 (2ⁿ,).

    Example:
        >>> X, y = logic_gate("xor"); X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    key = str(name).lower()
    if key not in _GATES:
        raise ValueError(f"logic_gate: expected a gate in {sorted(_GATES)}, got {name!r}.")
    n = _check_n("logic_gate", n_inputs)
    bits = (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)) & 1  # (2ⁿ, n), MSB first
    y = _GATES[key](bits.astype(bool)).astype(np.int64)
    if signed:
        return (2 * bits - 1).astype(np.float32), 2 * y - 1
    return bits.astype(np.float32), y


def xor(n_inputs: int = 2, signed: bool = False):
    """XOR's truth table: the set no single perceptron separates (Minsky & Papert 1969).

    Example:
        >>> xor()[1]
        array([0, 1, 1, 0])
    """
    return logic_gate("xor", n_inputs, signed)


def and_(n_inputs: int = 2, signed: bool = False):
    """AND's truth table (named ``and_`` because ``and`` is a Python keyword).

    Example:
        >>> and_()[1]
        array([0, 0, 0, 1])
    """
    return logic_gate("and", n_inputs, signed)


def or_(n_inputs: int = 2, signed: bool = False):
    """OR's truth table (named ``or_`` because ``or`` is a Python keyword).

    Example:
        >>> or_()[1]
        array([0, 1, 1, 1])
    """
    return logic_gate("or", n_inputs, signed)


def make_moons(n_samples: int = 100, noise: float = 0.0, random_state: int | None = None):
    """Two interleaving half circles (scikit-learn's construction, shuffled):

        class 0 (n // 2 points):    (cos t, sin t),            t ∈ [0, π]
        class 1 (the others):       (1 − cos t, ½ − sin t),    t ∈ [0, π]
    plus Gaussian noise of standard deviation ``noise``.

    Returns:
        X float32 (n_samples, 2), y int64 (n_samples,).

    Example:
        >>> X, y = make_moons(6, random_state=0); X.shape, X.dtype, np.bincount(y).tolist()
        ((6, 2), dtype('float32'), [3, 3])
    """
    n = _check_n("make_moons", n_samples, 2)
    rng = np.random.default_rng(random_state)
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.concatenate(
        [
            np.stack([np.cos(t_out), np.sin(t_out)], 1),
            np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1),
        ]
    )
    y = np.repeat([0, 1], [n_out, n_in])
    X = X + rng.normal(scale=noise, size=X.shape) if noise else X
    return _shuffled(rng, X, y)


def make_circles(
    n_samples: int = 100, noise: float = 0.0, factor: float = 0.8, random_state: int | None = None
):
    """A large circle (class 0, radius 1) around a small one (class 1, radius ``factor``).

    Example:
        >>> X, y = make_circles(8, random_state=0)
        >>> np.hypot(X[:, 0], X[:, 1])[y == 1].round(3)
        array([0.8, 0.8, 0.8, 0.8], dtype=float32)
    """
    n = _check_n("make_circles", n_samples, 2)
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: expected 0 < factor < 1, got {factor!r}.")
    rng = np.random.default_rng(random_state)
    n_out, n_in = n // 2, n - n // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.concatenate(
        [
            np.stack([np.cos(t_out), np.sin(t_out)], 1),
            factor * np.stack([np.cos(t_in), np.sin(t_in)], 1),
        ]
    )
    y = np.repeat([0, 1], [n_out, n_in])
    X = X + rng.normal(scale=noise, size=X.shape) if noise else X
    return _shuffled(rng, X, y)


def make_spirals(
    n_samples: int = 300,
    n_classes: int = 2,
    noise: float = 0.0,
    turns: float = 1.0,
    random_state: int | None = None,
):
    """Interleaved spiral arms, one per class (the CS231n / TF Playground spiral).

        class k, point t ∈ [0, 1]:  r = t,  angle = 2π·turns·t + 2πk/K  (+ noise on the angle)

    Example:
        >>> X, y = make_spirals(9, n_classes=3, random_state=0); X.shape, np.bincount(y).tolist()
        ((9, 2), [3, 3, 3])
    """
    n = _check_n("make_spirals", n_samples, 1)
    k = _check_n("make_spirals (n_classes)", n_classes, 2)
    rng = np.random.default_rng(random_state)
    counts = np.full(k, n // k) + (np.arange(k) < n % k)
    y = np.repeat(np.arange(k), counts)
    t = np.concatenate([np.linspace(0, 1, c) for c in counts])
    angle = 2 * np.pi * turns * t + 2 * np.pi * y / k
    angle = angle + rng.normal(scale=noise, size=n) if noise else angle
    X = np.stack([t * np.cos(angle), t * np.sin(angle)], 1)
    return _shuffled(rng, X, y)


def make_gaussians(
    n_samples: int = 100,
    centers=2,
    cluster_std: float = 1.0,
    n_features: int = 2,
    center_box: tuple[float, float] = (-5.0, 5.0),
    random_state: int | None = None,
):
    """Isotropic Gaussian blobs, like scikit-learn's ``make_blobs``: class k is drawn from
    N(μ_k, cluster_std² I). ``centers`` is a number of classes (centres drawn uniformly in
    ``center_box``) or an array of centres (K, n_features).

    Example:
        >>> X, y = make_gaussians(10, centers=[[0, 0], [5, 5]], cluster_std=0.1, random_state=0)
        >>> X[y == 1].mean(axis=0).round(0).tolist()
        [5.0, 5.0]
    """
    n = _check_n("make_gaussians", n_samples, 1)
    rng = np.random.default_rng(random_state)
    if np.ndim(centers) == 0:
        mu = rng.uniform(
            *center_box, size=(_check_n("make_gaussians (centers)", centers), n_features)
        )
    else:
        mu = np.asarray(centers, dtype=np.float64)
        if mu.ndim != 2:
            raise ValueError(
                f"make_gaussians: expected centers as an int or a (K, n_features) "
                f"array, got shape {mu.shape}."
            )
    k = mu.shape[0]
    y = np.repeat(np.arange(k), np.full(k, n // k) + (np.arange(k) < n % k))
    X = mu[y] + rng.normal(scale=cluster_std, size=(n, mu.shape[1]))
    return _shuffled(rng, X, y)


def make_regression_1d(
    n_samples: int = 100,
    noise: float = 0.1,
    function: str | Callable = "sin",
    x_range: tuple[float, float] = (-3, 3),
    random_state: int | None = None,
):
    """A noisy 1-D regression set: x ~ U(x_range), y = f(x) + N(0, noise²).

    ``function``: 'sin' (sin x), 'linear' (2x + 1), 'quadratic' (x²), 'cubic' (x³ − x) or a
    callable on NumPy arrays. Good for a linear neuron ('linear') or for showing that a line
    cannot curve and a hidden layer can (docs/course.md B14, N8).

    Returns:
        x float32 (n_samples, 1), y float32 (n_samples,).

    Example:
        >>> x, y = make_regression_1d(5, noise=0.0, function="linear", random_state=0)
        >>> x.shape, bool(np.allclose(y, 2 * x[:, 0] + 1))
        ((5, 1), True)
    """
    functions = {
        "sin": np.sin,
        "linear": lambda x: 2 * x + 1,
        "quadratic": np.square,
        "cubic": lambda x: x**3 - x,
    }
    if not callable(function) and function not in functions:
        raise ValueError(
            f"make_regression_1d: expected function in {sorted(functions)} or a "
            f"callable, got {function!r}."
        )
    f = function if callable(function) else functions[function]
    n = _check_n("make_regression_1d", n_samples, 1)
    rng = np.random.default_rng(random_state)
    x = rng.uniform(*x_range, size=n)
    y = f(x) + (rng.normal(scale=noise, size=n) if noise else 0.0)
    return x[:, None].astype(np.float32), np.asarray(y, dtype=np.float32)
