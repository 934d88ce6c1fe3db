"""Side lab: the course's SGD homework (docs/course.md O11): program stochastic gradient descent
and minimise a function with it, then compare it with the course's other update rules on 2-D
test functions, each trajectory drawn on the function's contour plot.

SGD, written here as the homework asks: the function is a mean of n terms,
J(θ) = (1/n) Σᵢ Jᵢ(θ). Each step follows the gradient of a random mini-batch B of terms:

    θ ← θ − α · (1/|B|) Σ_{i∈B} ∇Jᵢ(θ)

The other rules (GD, Momentum, Nesterov, Adagrad, RMSProp, Adam) are the course's own forms in
``neurona.classic.course_optimizers``. They follow the full gradient ∇J.

Functions: an elongated bowl ½(x² + 10y²), whose gradient descent zig-zags; Rosenbrock's
banana (1 − x)² + 100(y − x²)², minimum at (1, 1); Himmelblau's (x² + y − 11)² + (x + y² − 7)²,
whose four minima all have J = 0. SGD minimises the mean of squared residuals of a noisy line
y = 2x − 1 (θ = slope, intercept), the function the homework builds from data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from neurona.classic.course_optimizers import get_optimizer
from neurona.i18n import text
from neurona.labs._progress import say
from neurona.labs._report import Report
from neurona.labs._table import format_table

NAME = "sgd-homework"
DESCRIPTION = (
    "SGD programmed by hand, then every course optimiser's trajectory on the contour "
    "plots of 2-D test functions (bowl, Rosenbrock, Himmelblau)"
)


def _bowl(p):
    return 0.5 * (p[0] ** 2 + 10 * p[1] ** 2), np.array([p[0], 10 * p[1]])


def _rosenbrock(p):
    x, y = p
    value = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    return value, np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def _himmelblau(p):
    x, y = p
    a, b = x * x + y - 11, x + y * y - 7
    return a * a + b * b, np.array([4 * x * a + 2 * b, 2 * a + 4 * y * b])


# name → (J and ∇J, start, plot box, learning rate of each rule)
FUNCTIONS: dict[str, tuple[Callable, tuple, tuple, dict]] = {
    "bowl": (_bowl, (-4.5, 1.5), (-5, 5, -2, 2),
             {"gd": 0.18, "momentum": 0.03, "nesterov": 0.03, "adagrad": 1.0, "rmsprop": 0.05,
              "adam": 0.3}),
    "rosenbrock": (_rosenbrock, (-1.5, 2.0), (-2, 2, -1, 3),
                   {"gd": 1e-3, "momentum": 2e-4, "nesterov": 2e-4, "adagrad": 0.5,
                    "rmsprop": 0.01, "adam": 0.05}),
    "himmelblau": (_himmelblau, (0.0, -4.0), (-5, 5, -5, 5),
                   {"gd": 0.01, "momentum": 2e-3, "nesterov": 2e-3, "adagrad": 1.0,
                    "rmsprop": 0.05, "adam": 0.2}),
}  # fmt: skip


MINIMA = {"bowl": [(0, 0)], "rosenbrock": [(1, 1)],
          "himmelblau": [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186),
                         (3.584428, -1.848126)]}  # fmt: skip


def sgd(grad_i: Callable, n: int, theta, learning_rate: float, steps: int, batch_size: int = 8,
        seed: int = 0) -> np.ndarray:  # fmt: skip
    """The homework: SGD on J(θ) = (1/n) Σᵢ Jᵢ(θ); ``grad_i(θ, idx)`` gives the gradients of the
    terms ``idx`` (one row each). Returns the trajectory, (steps + 1, len(θ)).

    Example:
        >>> c = np.array([1.0, 3.0])        # J = mean of (θ − cᵢ)², minimum at θ = 2
        >>> path = sgd(lambda t, i: 2 * (t - c[i])[:, None], 2, [0.0], 0.1, 200, batch_size=2)
        >>> round(float(path[-1, 0]), 3)
        2.0
    """
    rng = np.random.default_rng(seed)
    theta = np.array(theta, dtype=np.float64)
    path = [theta.copy()]
    for _ in range(steps):
        batch = rng.choice(n, size=min(batch_size, n), replace=False)
        theta = theta - learning_rate * grad_i(theta, batch).mean(axis=0)
        path.append(theta.copy())
    return np.array(path)


def line_data(n: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The homework's data: y = 2x − 1 + N(0, 0.3²) with x ~ U(−1, 1).

    Example:
        >>> x, y = line_data(3); x.shape, y.shape
        ((3,), (3,))
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    return x, 2 * x - 1 + rng.normal(0, 0.3, n)


def trajectory(name: str, function: str, steps: int) -> np.ndarray:
    """The course optimiser ``name`` from ``function``'s start: (steps + 1, 2) points.

    Example:
        >>> path = trajectory("adam", "bowl", 200); path.shape, bool(np.abs(path[-1]).max() < 0.01)
        ((201, 2), True)
    """
    fn, start, _, rates = FUNCTIONS[function]
    optimizer = get_optimizer(name, learning_rate=rates[name])
    theta = np.array(start, dtype=np.float64)
    path = [theta.copy()]
    for _ in range(steps):
        optimizer.step(theta, lambda p: fn(p)[1])
        path.append(theta.copy())
    return np.array(path)


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
) -> dict:
    """Run the homework's SGD on the line, then every course rule on every test function.

    Args:
        epochs: steps of each optimiser; default 500 (150 with ``fast``).
        out: the report folder (default ``neurona-reports/sgd-homework``), or False.
        seed: seed of the data and of SGD's mini-batches.
        fast: fewer steps.
        print_fn: where the text goes (None: silent).

    Returns:
        a dict: ``sgd`` (the fitted slope and intercept, against least squares), ``table``
        (function, optimizer, final J, distance to the nearest minimum) and the settings.
        The report folder gets metrics.json, trajectories.png (one contour plot per function)
        and sgd.png (SGD's path on the line's loss).

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> abs(results["sgd"]["slope"] - results["sgd"]["least_squares"][0]) < 0.1
        True
    """
    print_fn = say(print_fn)
    steps = (150 if fast else 500) if epochs is None else int(epochs)
    x, y = line_data(seed=seed)
    X = np.stack([x, np.ones_like(x)], axis=1)

    def grad_i(theta, idx):  # ∇ of (θ·xᵢ − yᵢ)² for each term i in idx
        return 2 * (X[idx] @ theta - y[idx])[:, None] * X[idx]

    sgd_path = sgd(grad_i, len(x), [0.0, 0.0], 0.1, steps, batch_size=8, seed=seed)
    exact = np.linalg.lstsq(X, y, rcond=None)[0]
    print_fn(
        text(
            "SGD (α = 0.1, batch 8, {steps} steps): slope {slope:.3f}, intercept "
            "{intercept:.3f}; least squares: {ls_slope:.3f}, {ls_intercept:.3f}",
            steps=steps,
            slope=sgd_path[-1, 0],
            intercept=sgd_path[-1, 1],
            ls_slope=exact[0],
            ls_intercept=exact[1],
        )  # fmt: skip
    )
    rows, paths = [], {}
    for function in FUNCTIONS:
        for name in FUNCTIONS[function][3]:
            path = trajectory(name, function, steps)
            paths[(function, name)] = path
            end = path[-1]
            value = float(FUNCTIONS[function][0](end)[0]) if np.isfinite(end).all() else np.inf
            distance = min(float(np.hypot(*(end - np.array(m)))) for m in MINIMA[function])
            rows.append({"function": function, "optimizer": name, "final_J": value,
                         "distance_to_minimum": distance})  # fmt: skip
    print_fn(format_table(rows, ["function", "optimizer", "final_J", "distance_to_minimum"]))
    results = {
        "lab": NAME,
        "steps": steps,
        "seed": seed,
        "sgd": {"slope": float(sgd_path[-1, 0]), "intercept": float(sgd_path[-1, 1]),
                "least_squares": exact.tolist(), "learning_rate": 0.1, "batch_size": 8},
        "table": rows,
        "learning_rates": {f: FUNCTIONS[f][3] for f in FUNCTIONS},
    }  # fmt: skip
    with Report(NAME, out) as report:
        if report.enabled:
            report.write_json("metrics.json", results)
            report.plot("trajectories.png", _plot_trajectories, paths)
            report.plot("sgd.png", _plot_sgd, X, y, sgd_path, exact)
    return results


def _contour(axis, fn, box, log=True):
    xx, yy = np.meshgrid(np.linspace(box[0], box[1], 200), np.linspace(box[2], box[3], 200))
    zz = fn(np.stack([xx, yy]))[0]
    levels = np.geomspace(max(zz.min(), 1e-3), zz.max(), 25) if log else 25
    axis.contour(xx, yy, zz, levels=levels, cmap="Greys", linewidths=0.6)


def _plot_trajectories(paths) -> Any:
    from neurona.viz._mpl import new_figure

    figure, axes = new_figure("sgd-homework", nrows=1, ncols=len(FUNCTIONS), size=(15, 4.6))
    for axis, function in zip(axes.ravel(), FUNCTIONS):
        fn, start, box, rates = FUNCTIONS[function]
        _contour(axis, fn, box)
        for name in rates:
            path = paths[(function, name)]
            path = path[np.isfinite(path).all(axis=1)]
            axis.plot(path[:, 0], path[:, 1], ".-", markersize=2, linewidth=1, label=name)
        axis.plot(*start, "ko", label="start")
        axis.plot(*np.array(MINIMA[function]).T, "r*", markersize=12, label=text("minimum"))
        axis.set_xlim(box[0], box[1])
        axis.set_ylim(box[2], box[3])
        axis.set_title(function)
        axis.set_xlabel("x")
        axis.set_ylabel("y")
    axes.ravel()[0].legend(fontsize="small", loc="lower right")
    figure.suptitle(f"{NAME}: {text('trajectories of the optimisers')}")
    return figure


def _plot_sgd(X, y, path, exact) -> Any:
    from neurona.viz._mpl import new_figure

    def loss(p):
        residual = np.tensordot(X, p, axes=1) - y[:, None, None]
        return (residual**2).mean(axis=0), None

    figure, axis = new_figure("sgd-homework")
    _contour(axis, loss, (-1, 4, -3, 1))
    axis.plot(path[:, 0], path[:, 1], ".-", markersize=2, linewidth=1, label="SGD")
    axis.plot(*exact, "r*", markersize=12, label=text("minimum"))
    axis.set_xlabel("slope")
    axis.set_ylabel("intercept")
    axis.set_title(f"{NAME}: SGD, mean of (θ·xᵢ − yᵢ)²")
    axis.legend(fontsize="small")
    return figure
