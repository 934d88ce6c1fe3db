"""Side lab: the course's one-variable "sobornos" (bribes) regression (docs/course.md B14).

A line ŷ = w x + b cannot curve. One hidden layer can (docs/course.md N8):

    H = act(x β + b₁)        x (n×1), β (1×h): h hidden units
    ŷ = H ω + c

NOTE: the course does not give its data. The lab synthesises them and says so: the favour
bought, y, grows with the bribe x (thousands of euros) along an S-curve. Nothing happens below a
threshold, then y rises, then it saturates:

    y = 1 + 8 / (1 + e^{−(x − 5)}) + N(0, 0.4²),   x ~ U(0, 10)

The lab fits a linear model, then one hidden layer of 2, 8 and 32 tanh units (Adam), and then
the 8-unit network with SGD, RMSProp and Adam. It reports the training and validation MSE of
each one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import layers, models, optimizers
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs, say
from neurona.labs._report import Report
from neurona.labs._table import format_table
from neurona.utils import set_random_seed

NAME = "sobornos-regression"
DESCRIPTION = (
    "the course's one-variable 'sobornos' regression: a line cannot curve, one hidden "
    "layer can; architectures and optimisers compared (synthesised data)"
)

# (label, hidden units (0: the linear model), optimizer name, learning rate)
SETTINGS = (
    ("linear", 0, "adam", 0.05),
    ("2 tanh", 2, "adam", 0.05),
    ("8 tanh", 8, "adam", 0.05),
    ("32 tanh", 32, "adam", 0.05),
    ("8 tanh, sgd", 8, "sgd", 0.1),
    ("8 tanh, rmsprop", 8, "rmsprop", 0.01),
)


def make_data(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The synthesised bribes: x (n, 1) in thousands of euros, y (n,) the favour bought.

    Example:
        >>> x, y = make_data(5); x.shape, y.shape, bool(((0 <= x) & (x <= 10)).all())
        ((5, 1), (5,), True)
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 10, n)
    y = 1 + 8 / (1 + np.exp(-(x - 5))) + rng.normal(0, 0.4, n)
    return x[:, None].astype(np.float32), y.astype(np.float32)


def build_model(hidden: int, optimizer: str = "adam", learning_rate: float = 0.05):
    """x → [Dense(hidden, tanh)] → Dense(1), compiled on the MSE. ``hidden=0``: the line.

    Example:
        >>> build_model(0).count_params(), build_model(8).count_params()  # 2; 8·2 + 9
        (2, 25)
    """
    stack = [layers.Input((1,))]
    if hidden:
        stack.append(layers.Dense(hidden, activation="tanh"))
    stack.append(layers.Dense(1))
    model = models.Sequential(stack)
    optimizer_class = type(optimizers.get(optimizer))  # "adam" → Adam …
    model.compile(optimizer=optimizer_class(learning_rate=learning_rate), loss="mse")
    return model


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
) -> dict:
    """Fit each setting of ``SETTINGS`` on 150 points, validate on 50 and tabulate the MSEs.

    Args:
        epochs: default 300; 30 with ``fast``.
        out: the report folder (default ``neurona-reports/sobornos-regression``), or False.
        seed: seed of the data and the initial weights.
        fast: fewer epochs.
        print_fn: where the text goes (None: silent).

    Returns:
        a dict: ``table`` (one row per setting: label, hidden, optimizer, params, train_mse,
        val_mse), ``linear_cannot_curve`` (the line's validation MSE over 3× the best
        network's), ``synthesised`` (True) and the settings. The report folder gets
        metrics.json, fits.png (the data and each architecture's curve) and curves.png.

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> [row["label"] for row in results["table"]][:2]
        ['linear', '2 tanh']
    """
    progress, print_fn = print_fn, say(print_fn)
    epochs = (30 if fast else 300) if epochs is None else int(epochs)
    x, y = make_data(seed=seed)
    x_scaled = x / 10.0  # inputs near [0, 1]: tanh units start unsaturated
    train, val = slice(0, 150), slice(150, None)
    print_fn(f"{NAME}: {text('synthesised data')}: y = 1 + 8/(1 + e^(−(x − 5))) + noise, n = 200")
    rows, curves, fits = [], {}, {}
    grid = np.linspace(0, 10, 200, dtype=np.float32)[:, None]
    for label, hidden, optimizer, rate in SETTINGS:
        set_random_seed(seed)
        print_fn(f"{label} ({optimizer}, α = {rate})")
        model = build_model(hidden, optimizer, rate)
        history = model.fit(
            x_scaled[train], y[train], epochs=epochs, batch_size=32,
            validation_data=(x_scaled[val], y[val]), **fit_kwargs(progress, per_epoch=True),
        )  # fmt: skip
        rows.append(
            {
                "label": label,
                "hidden": hidden,
                "optimizer": optimizer,
                "learning_rate": rate,
                "params": model.count_params(),
                "train_mse": float(history.history["loss"][-1]),
                "val_mse": float(history.history["val_loss"][-1]),
            }
        )
        curves[label] = [float(v) for v in history.history["val_loss"]]
        fits[label] = model.predict(grid / 10.0, verbose=0).ravel()
    print_fn(format_table(rows, ["label", "optimizer", "params", "train_mse", "val_mse"]))
    best = min(r["val_mse"] for r in rows[1:])
    results = {
        "lab": NAME,
        "synthesised": True,
        "epochs": epochs,
        "seed": seed,
        "table": rows,
        "linear_cannot_curve": bool(rows[0]["val_mse"] > 3 * best),
        "val_curves": curves,
    }
    print_fn(f"{text('a linear model cannot curve')}: {results['linear_cannot_curve']}")
    with Report(NAME, out) as report:
        if report.enabled:
            from neurona import viz

            report.write_json("metrics.json", results)
            report.plot("fits.png", _plot_fits, x, y, grid, fits)
            report.plot("curves.png", viz.plot_curves, curves, xlabel=text("epoch"),
                        ylabel=f"{text('validation')} MSE", logy=True,
                        title=f"{NAME}: {text('validation')} MSE")  # fmt: skip
    return results


def _plot_fits(x, y, grid, fits) -> Any:
    from neurona.viz._mpl import new_figure

    figure, axis = new_figure("sobornos-regression", size=(6.4, 4.4))
    axis.scatter(x[:, 0], y, s=10, color="grey", alpha=0.6, label=text("data"))
    for label, values in fits.items():
        if "," not in label:  # the architectures (the optimisers look alike)
            axis.plot(grid[:, 0], values, label=label)
    axis.set_xlabel(f"{text('bribes')} (k€)")
    axis.set_ylabel("y")
    axis.set_title(f"{text('one-variable regression')}: {text('a linear model cannot curve')}")
    axis.legend(fontsize="small")
    return figure
