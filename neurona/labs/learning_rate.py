"""Side lab: the learning rate, too small and too large (docs/course.md O9, O1). A linear neuron
learns Boston house prices by full-batch gradient descent, w ← w − α ∇J, with J the MSE. The
lab tries five values of α.

The MSE of a linear model is a quadratic bowl with Hessian H = (2/n) X̃ᵀX̃, where X̃ is X with a
column of ones for the bias. Gradient descent converges exactly when α < α_max = 2 / λ_max(H).
Below α_max a small α crawls, while an α near α_max bounces from wall to wall (the error along
the steepest direction flips sign at every step) and still converges. Above α_max the bounces
grow and the loss explodes. The lab computes α_max from the data and tries 0.001·α_max,
0.02·α_max, 0.3·α_max, 0.95·α_max and 1.1·α_max.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from neurona import callbacks, datasets, layers, models, optimizers
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs, say
from neurona.labs._report import Report
from neurona.labs._table import format_table
from neurona.utils import set_random_seed

NAME = "learning-rate"
DESCRIPTION = (
    "gradient descent on a linear neuron with α from 0.001·α_max to 1.1·α_max: too "
    "small crawls, near α_max oscillates, above it diverges (Boston house prices)"
)

FRACTIONS = (0.001, 0.02, 0.3, 0.95, 1.1)  # of α_max = 2 / λ_max(H)


def alpha_max(X: np.ndarray) -> float:
    """2 / λ_max(H), H = (2/n) X̃ᵀX̃ the MSE's Hessian (X̃ = [X, 1]): the largest stable α.

    Example:
        >>> round(alpha_max(np.array([[1.0], [-1.0]])), 6)  # H = diag(2, 2): α_max = 1
        1.0
    """
    Xb = np.hstack([X, np.ones((len(X), 1))]).astype(np.float64)
    return 2.0 / float(np.linalg.eigvalsh(2.0 / len(X) * Xb.T @ Xb).max())


def verdict(losses: list[float], best: float, flips: float) -> str:
    """'diverged' (the loss ends infinite or above where it began), 'slow' (it ends above 1.5×
    the ``best`` final loss of all the rates), 'oscillates' (most steps reverse the previous
    one along the steepest direction: ``flips`` > 0.5) or 'good'.

    Example:
        >>> verdict([1.0, float("inf")], 0.1, 1.0), verdict([10.0, 9.9], 0.1, 0.0)
        ('diverged', 'slow')
        >>> verdict([10.0, 0.1], 0.1, 0.9), verdict([10.0, 0.1], 0.1, 0.0)
        ('oscillates', 'good')
    """
    if not np.isfinite(losses[-1]) or losses[-1] > losses[0]:
        return "diverged"
    if losses[-1] > 1.5 * best:
        return "slow"
    return "oscillates" if flips > 0.5 else "good"


def flip_rate(weights: np.ndarray, X: np.ndarray) -> float:
    """The share of steps whose move along H's top eigenvector reverses the previous move
    (``weights``: one row per step, the kernel then the bias).

    Example:
        >>> X = np.array([[2.0], [-2.0]])  # X̃ᵀX̃ = diag(8, 2): the top direction is the kernel
        >>> flip_rate(np.array([[0.0, 0], [1, 0], [0.5, 0], [0.8, 0]]), X)  # +, −, +
        1.0
    """
    Xb = np.hstack([X, np.ones((len(X), 1))]).astype(np.float64)
    top = np.linalg.eigh(Xb.T @ Xb)[1][:, -1]
    along = np.diff(weights, axis=0) @ top
    moves = np.sign(along[np.abs(along) > 1e-6 * np.abs(along).max(initial=0.0)])
    return float(np.mean(moves[1:] != moves[:-1])) if len(moves) > 1 else 0.0


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
) -> dict:
    """Train the linear neuron with each α in ``FRACTIONS`` · α_max and tabulate the result.

    Args:
        epochs: full-batch steps; default 200 (40 with ``fast``).
        out: the report folder (default ``neurona-reports/learning-rate``), or False.
        seed: seed of the initial weights.
        fast: fewer steps.
        print_fn: where the text goes (None: silent).

    Returns:
        a dict: ``alpha_max``, ``table`` (fraction, learning_rate, first and final loss,
        flip_rate, verdict), ``curves`` and the settings. The report folder gets metrics.json and
        curves.png (the loss per step of each α, on a log scale).

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> [row["verdict"] for row in results["table"]]
        ['slow', 'slow', 'good', 'oscillates', 'diverged']
    """
    progress, print_fn = print_fn, say(print_fn)
    epochs = (40 if fast else 200) if epochs is None else int(epochs)
    X, y = datasets.load_boston_housing()
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)  # standardised features
    limit = alpha_max(X)
    print_fn(f"{NAME}: Boston house prices, {X.shape[1]} standardised features; "
             f"α_max = 2/λ_max(H) = {limit:.4f}")  # fmt: skip
    rows, curves, flips = [], {}, []
    for fraction in FRACTIONS:
        rate = fraction * limit
        set_random_seed(seed)
        model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(1)])
        model.compile(optimizer=optimizers.SGD(learning_rate=rate), loss="mse")
        steps = [np.concatenate([w.ravel() for w in model.get_weights()])]
        record = callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs, m=model, kept=steps: kept.append(
                np.concatenate([w.ravel() for w in m.get_weights()])
            )
        )
        with warnings.catch_warnings():  # the divergence is the point: no warning about it
            warnings.simplefilter("ignore", UserWarning)
            history = model.fit(
                X, y, epochs=epochs, batch_size=len(X), shuffle=False,
                **fit_kwargs(progress, [callbacks.TerminateOnNaN(), record], per_epoch=True),
            )  # fmt: skip
        losses = [float(v) for v in history.history["loss"]]
        curves[f"α = {fraction:g}·α_max"] = losses
        flips.append(flip_rate(np.array(steps, dtype=np.float64), X))
        rows.append({"fraction": fraction, "learning_rate": rate, "first_loss": losses[0],
                     "final_loss": losses[-1], "epochs_run": len(losses)})  # fmt: skip
    best = min(r["final_loss"] for r in rows if np.isfinite(r["final_loss"]))
    for row, flip in zip(rows, flips):
        losses = curves[f"α = {row['fraction']:g}·α_max"]
        row.update(flip_rate=flip, verdict=verdict(losses, best, flip))
    shown_rows = [{**row, "verdict": text(row["verdict"])} for row in rows]  # --lang es
    print_fn(format_table(shown_rows, ["fraction", "learning_rate", "first_loss", "final_loss",
                                 "verdict"], ["α/α_max", "α", "loss (step 1)", "loss (end)",
                                 text("verdict")]))  # fmt: skip
    results = {"lab": NAME, "epochs": epochs, "seed": seed, "alpha_max": limit,
               "table": rows, "curves": curves}  # fmt: skip
    with Report(NAME, out) as report:
        if report.enabled:
            from neurona import viz

            report.write_json("metrics.json", results)
            shown = {k: [v if np.isfinite(v) and v < 1e6 else np.nan for v in c]
                     for k, c in curves.items()}  # fmt: skip
            report.plot("curves.png", viz.plot_curves, shown, xlabel=text("step"),
                        ylabel=f"{text('loss')} (MSE)", logy=True,
                        title=f"{NAME}: {text('learning rate')} (α_max = {limit:.3f})")  # fmt: skip
    return results
