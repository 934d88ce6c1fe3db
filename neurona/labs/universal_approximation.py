"""Side lab: the universal approximation theorem at work (docs/course.md N8; Cybenko 1989, Hornik,
Stinchcombe & White 1989). One hidden layer of h sigmoid units,

    F(x) = Σ_{i=1..h} ωᵢ σ(wᵢ x + bᵢ) + c,

can come within any ε of a continuous f on [0, 1] in the sup norm, sup_x |f(x) − F(x)| < ε,
provided h is large enough. The lab fits f(x) = sin(2πx) + x/2 with h = 1, 2, 4, 8, 16, 32 and
reports the sup-norm error (on a 1001-point grid) falling as h grows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import initializers, layers, models, optimizers
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs
from neurona.labs._report import Report
from neurona.utils import set_random_seed

NAME = "universal-approximation"
DESCRIPTION = (
    "one hidden layer of 1 to 32 sigmoid units fits sin(2πx) + x/2 on [0, 1]: the "
    "sup-norm error falls as units grow"
)

UNITS = (1, 2, 4, 8, 16, 32)


def target(x: np.ndarray) -> np.ndarray:
    """The function to approximate: f(x) = sin(2πx) + x/2 on [0, 1] (continuous, one period).

    Example:
        >>> target(np.array([0.0, 0.25, 1.0])).round(3).tolist()
        [0.0, 1.125, 0.5]
    """
    return np.sin(2 * np.pi * x) + 0.5 * x


def build_model(units: int, learning_rate: float = 0.02) -> models.Sequential:
    """1 → ``units`` sigmoid → 1 linear, compiled with Adam and MSE.

    NOTE: Glorot's small initial weights make every sigmoid nearly linear on [0, 1] and Adam
    then needs many thousands of steps to bend them; we draw the hidden weights and biases from
    U(−10, 10) instead, so that the units' steps (at x = −b/w) start spread over the interval.

    Example:
        >>> build_model(4).count_params()  # (1·4 + 4) + (4·1 + 1)
        13
    """
    spread = initializers.RandomUniform(minval=-10.0, maxval=10.0)
    model = models.Sequential(
        [
            layers.Input((1,)),
            layers.Dense(
                units, activation="sigmoid", kernel_initializer=spread, bias_initializer=spread
            ),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer=optimizers.Adam(learning_rate=learning_rate), loss="mse")
    return model


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    units: tuple = UNITS,
) -> dict:
    """Fit f with each number of hidden units and tabulate the error against the units.

    Training set: 200 evenly spaced x in [0, 1] and f(x); full-batch Adam on the MSE,
    2000 epochs with learning rate 0.02 (``fast``: 300 epochs with 0.1). The sup-norm error is
    measured on 1001 evenly spaced points, a finer grid than the training one.

    Args:
        epochs: epochs per network (default 2000; 300 with ``fast``).
        out: the report folder (default ``neurona-reports/universal-approximation``), or False.
        seed: seed of the initial weights (each network starts from the same seed).
        fast: fewer epochs with a larger step (about 1–2 s for all six networks).
        print_fn: where the table goes (None: silent).
        units: the hidden-layer sizes to try.

    Returns:
        a dict: ``table`` (one row per size: units, sup_error, rmse, final_loss), and the
        settings. The report folder gets metrics.json and fits.png (the fits, and the sup-norm
        error against the units on log–log axes).

    Example:
        >>> results = run(fast=True, out=False, units=(1, 32), print_fn=None)
        >>> first, last = results["table"]
        >>> first["units"], last["units"], last["sup_error"] < 0.1 < first["sup_error"]
        (1, 32, True)
    """
    epochs = (300 if fast else 2000) if epochs is None else int(epochs)
    progress = print_fn  # None: no progress bar either
    print_fn = print_fn or (lambda line: None)
    learning_rate = 0.1 if fast else 0.02
    x = np.linspace(0, 1, 200, dtype=np.float32)[:, None]  # (200, 1)
    y = target(x).astype(np.float32)
    grid = np.linspace(0, 1, 1001, dtype=np.float32)[:, None]  # (1001, 1)
    f_grid = target(grid.astype(np.float64))
    table, fits = [], {}
    print_fn(f"{text('units'):>8}  {'sup |f − F|':>12}  {'RMSE':>8}")
    for h in units:
        set_random_seed(seed)
        model = build_model(int(h), learning_rate)
        history = model.fit(
            x, y, epochs=epochs, batch_size=len(x), **fit_kwargs(progress, per_epoch=True)
        )
        F = model.predict(grid, batch_size=len(grid), verbose=0).astype(np.float64)
        error = np.abs(F - f_grid)
        row = {
            "units": int(h),
            "sup_error": float(error.max()),
            "rmse": float(np.sqrt((error**2).mean())),
            "final_loss": float(history.history["loss"][-1]),
        }
        table.append(row)
        fits[int(h)] = F.ravel()
        print_fn(f"{h:>8}  {row['sup_error']:>12.4f}  {row['rmse']:>8.4f}")
    results = {
        "lab": NAME,
        "function": "sin(2πx) + x/2 on [0, 1]",
        "seed": seed,
        "epochs": epochs,
        "learning_rate": learning_rate,
        "fast": fast,
        "table": table,
    }
    with Report(NAME, out) as report:
        if report.enabled:
            report.write_json("metrics.json", results)
            report.plot("fits.png", draw_fits, grid.ravel(), f_grid.ravel(), fits, table)
    return results


def draw_fits(x: np.ndarray, f: np.ndarray, fits: dict, table: list) -> Any:
    """Two panels: f and each fit F_h on [0, 1]; the sup-norm error against h (log–log).

    Example:
        >>> x = np.linspace(0, 1, 5); f = target(x)
        >>> fig = draw_fits(x, f, {1: 0 * x, 2: f}, [{"units": 1, "sup_error": 1.0},
        ...                                           {"units": 2, "sup_error": 0.1}])
        >>> [len(axis.lines) for axis in fig.axes]
        [3, 1]
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "universal-approximation: expected matplotlib for the plot, got none. "
            'Install it with: pip install "neurona[plot]"'
        ) from None
    figure = Figure(figsize=(10.0, 3.8), layout="constrained")
    left, right = figure.subplots(1, 2)
    left.plot(x, f, color="black", linewidth=2.0, label="f(x)")
    for h, F in fits.items():
        left.plot(x, F, linewidth=1.0, label=f"h = {h}")
    left.set_xlabel("x")
    left.set_ylabel("f(x), F(x)")
    left.legend(fontsize="small")
    left.set_title("one hidden layer of h sigmoid units")
    right.loglog([row["units"] for row in table], [row["sup_error"] for row in table], "o-")
    right.set_xlabel("hidden units h")
    right.set_ylabel("sup |f(x) − F(x)|")
    right.set_title("error against hidden units")
    return figure
