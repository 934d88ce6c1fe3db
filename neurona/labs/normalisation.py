"""Side lab: why the inputs are normalised (docs/course.md R8): zig-zag against the bowl.

A linear neuron predicts Boston house prices from two features, RM (rooms, standard deviation
0.7) and LSTAT (% lower-status population, standard deviation 7). The MSE is a quadratic bowl
in (w₁, w₂) whose axes scale with the features' spreads. In raw units the bowl is a long narrow
valley: the steepest direction points across it, gradient descent bounces between the walls,
and it crawls along the floor. Standardised, xⱼ' = (xⱼ − μⱼ)/σⱼ, the valley becomes a round
bowl and gradient descent walks straight to the bottom.

Both runs use the course's gradient descent (``neurona.classic.course_optimizers.GD``) with
α = 2/(λ_max + λ_min), the fastest constant rate for each bowl (λ: the eigenvalues of the
MSE's Hessian). The features and the target are centred, so the bias drops out and the bowl
has two axes to draw. The condition number κ = λ_max/λ_min counts the steps: about κ of them
are needed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import datasets
from neurona.classic.course_optimizers import GD
from neurona.i18n import text
from neurona.labs._progress import say
from neurona.labs._report import Report
from neurona.labs._table import format_table

NAME = "normalisation"
DESCRIPTION = (
    "gradient descent on raw inputs zig-zags down a narrow valley; standardised, the "
    "bowl is round and it walks straight (Boston RM and LSTAT)"
)

FEATURES = ("RM", "LSTAT")


def descend(X: np.ndarray, y: np.ndarray, steps: int, start=(0.0, 0.0)) -> dict:
    """Gradient descent on J(w) = mean((Xw − y)²) at α = 2/(λ_max + λ_min), the fastest
    constant rate for the bowl of Hessian H = (2/n) XᵀX.

    Returns:
        ``path`` (steps + 1, 2), ``losses``, ``alpha``, ``condition`` (κ), ``optimum`` and
        ``steps_to_1pc`` (the first step within 1 % of the least excess loss, None if never).

    Example:
        >>> X = np.array([[1.0, 0.0], [0.0, 1.0]]); y = np.array([1.0, 2.0])
        >>> run_ = descend(X, y, 50); run_["path"][-1].round(3).tolist(), run_["condition"]
        ([1.0, 2.0], 1.0)
    """
    H = 2.0 / len(X) * X.T @ X
    eigenvalues = np.linalg.eigvalsh(H)
    alpha = 2.0 / (eigenvalues.max() + eigenvalues.min())  # the best constant rate
    optimum = np.linalg.solve(X.T @ X, X.T @ y)

    def loss(w):
        return float(np.mean((X @ w - y) ** 2))

    optimizer = GD(learning_rate=alpha)
    w = np.array(start, dtype=np.float64)
    path, losses = [w.copy()], [loss(w)]
    for _ in range(steps):
        optimizer.step(w, lambda v: 2.0 / len(X) * X.T @ (X @ v - y))
        path.append(w.copy())
        losses.append(loss(w))
    least = loss(optimum)
    excess = np.array(losses) - least
    within = np.flatnonzero(excess <= 0.01 * excess[0])
    return {"path": np.array(path), "losses": losses, "alpha": float(alpha),
            "condition": float(eigenvalues.max() / eigenvalues.min()), "optimum": optimum,
            "steps_to_1pc": int(within[0]) if len(within) else None}  # fmt: skip


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
) -> dict:
    """Descend the raw and the standardised bowls and compare the steps they take.

    Args:
        epochs: gradient steps; default 300 (100 with ``fast``).
        out: the report folder (default ``neurona-reports/normalisation``), or False.
        seed: unused (the lab has no randomness); accepted for the lab interface.
        fast: fewer steps.
        print_fn: where the text goes (None: silent).

    Returns:
        a dict: ``table`` (inputs, condition number, α, steps to 1 %, final excess loss) and
        the settings. The report folder gets metrics.json and bowls.png (both contour plots
        with the descent drawn on them).

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> raw, scaled = results["table"]
        >>> raw["condition"] > 10 * scaled["condition"]
        True
    """
    print_fn = say(print_fn)
    steps = (100 if fast else 300) if epochs is None else int(epochs)
    data = datasets.load_boston_housing()
    columns = [data.feature_names.index(f) for f in FEATURES]
    X = data.data[:, columns].astype(np.float64)
    X = X - X.mean(axis=0)
    y = data.target.astype(np.float64) - data.target.mean()
    runs = {
        "raw inputs": descend(X, y, steps),
        "standardised inputs": descend(X / X.std(axis=0), y, steps),
    }
    rows = [
        {"inputs": name, "condition": r["condition"], "alpha": r["alpha"],
         "steps_to_1pc": r["steps_to_1pc"], "final_loss": r["losses"][-1]}
        for name, r in runs.items()
    ]  # fmt: skip
    print_fn(f"{NAME}: Boston, {' and '.join(FEATURES)} (centred), MSE, gradient descent")
    headers = [text("inputs"), "κ = λmax/λmin", "α", text("steps to 1 %"), "MSE"]
    print_fn(
        format_table(rows, ["inputs", "condition", "alpha", "steps_to_1pc", "final_loss"], headers)
    )
    results = {"lab": NAME, "steps": steps, "features": list(FEATURES), "table": rows,
               "losses": {k: r["losses"] for k, r in runs.items()}}  # fmt: skip
    with Report(NAME, out) as report:
        if report.enabled:
            report.write_json("metrics.json", results)
            report.plot("bowls.png", _plot_bowls, runs, X, y)
    return results


def _plot_bowls(runs, X, y) -> Any:
    from neurona.viz._mpl import new_figure

    figure, axes = new_figure("normalisation", nrows=1, ncols=2, size=(11, 4.6))
    for axis, (name, r), scale in zip(axes.ravel(), runs.items(), (1.0, X.std(axis=0))):
        Xs = X / scale
        path, best = r["path"], r["optimum"]
        span = np.abs(np.vstack([path, best])).max(axis=0) * 1.3 + 1e-9
        w1, w2 = np.meshgrid(
            np.linspace(-span[0], span[0], 200), np.linspace(-span[1], span[1], 200)
        )
        G, b = Xs.T @ Xs / len(Xs), Xs.T @ y / len(Xs)  # J(w) = wᵀGw − 2bᵀw + mean(y²)
        zz = G[0, 0] * w1**2 + 2 * G[0, 1] * w1 * w2 + G[1, 1] * w2**2
        zz = zz - 2 * (b[0] * w1 + b[1] * w2) + np.mean(y**2)
        axis.contour(
            w1,
            w2,
            zz,
            levels=np.geomspace(zz.min() + 1e-9, zz.max(), 20),
            cmap="viridis",
            linewidths=0.7,
        )
        axis.plot(path[:, 0], path[:, 1], ".-", markersize=3, linewidth=1,
                  label=f"GD, α = {r['alpha']:.3g} ({len(path) - 1} {text('step')}s)")  # fmt: skip
        axis.plot(*best, "r*", markersize=12, label=text("minimum"))
        axis.set_xlabel(f"w₁ ({FEATURES[0]})")
        axis.set_ylabel(f"w₂ ({FEATURES[1]})")
        axis.set_title(f"{text(name)}: κ = {r['condition']:.0f}")
        axis.set_aspect("equal")  # the true shape of the bowl
        axis.legend(fontsize="small")
    figure.suptitle(f"{NAME}: {text('gradient descent on the MSE')}, {text('raw inputs')} vs "
                    f"{text('standardised inputs')}")  # fmt: skip
    return figure
