"""Side lab: over-fitting and its remedies (docs/course.md R1, R4, R5). A network far
too big for its data, 2 → 128 → 128 → 1 (ReLU), learns 60 noisy "moons" points and is tested on
1000 fresh ones. Without regularisation it memorises the noise: the training loss keeps
falling while the test loss turns up, and the boundary curls around single points. The
remedies the course names each narrow that gap:

    L2        J = BCE + λ Σ w²  (λ = 0.001, weights only, biases unregularised: Keras's L2)
    L1        J = BCE + λ Σ |w|  (λ = 0.0003: it drives weights to exactly zero)
    dropout   each hidden unit is switched off with probability 0.3 at every training step
    early     EarlyStopping(patience=30, restore_best_weights=True) on a validation split
              of 20 points held out of the 60
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import callbacks, datasets, layers, models, optimizers, regularizers
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs, say
from neurona.labs._report import Report
from neurona.labs._table import format_table
from neurona.utils import set_random_seed

NAME = "regularisation"
DESCRIPTION = (
    "a 2-128-128-1 network over-fits 60 noisy moons; L2, L1, dropout and early stopping "
    "narrow the gap between training and test accuracy"
)

REMEDIES = ("none", "L2", "L1", "dropout", "early stopping")


def build_model(remedy: str) -> models.Sequential:
    """The over-sized network with one remedy; Adam (α = 0.01) on the binary cross-entropy.

    Example:
        >>> build_model("none").count_params()  # 2·128 + 128 + 128·128 + 128 + 128 + 1
        17025
        >>> [type(layer).__name__ for layer in build_model("dropout").layers][:2]
        ['Dense', 'Dropout']
    """
    penalty = {"L2": regularizers.L2(0.001), "L1": regularizers.L1(0.0003)}.get(remedy)
    stack: list = [layers.Input((2,))]
    for _ in range(2):
        stack.append(layers.Dense(128, activation="relu", kernel_regularizer=penalty))
        if remedy == "dropout":
            stack.append(layers.Dropout(0.3))
    stack.append(layers.Dense(1, activation="sigmoid", kernel_regularizer=penalty))
    model = models.Sequential(stack)
    model.compile(optimizer=optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    return model


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
) -> dict:
    """Train the network with each remedy and tabulate training and test accuracy.

    Args:
        epochs: default 400 (50 with ``fast``), full batch.
        out: the report folder (default ``neurona-reports/regularisation``), or False.
        seed: seed of the data and the initial weights.
        fast: fewer epochs.
        print_fn: where the text goes (None: silent).

    Returns:
        a dict: ``table`` (remedy, train and test accuracy, their gap, test loss, epochs run,
        share of near-zero weights) and ``curves`` (test loss per epoch). The report folder
        gets metrics.json, curves.png and boundaries.png (one decision boundary per remedy).

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)  # doctest: +SKIP
        >>> [row["remedy"] for row in results["table"]][0]  # doctest: +SKIP
        'none'
    """
    progress, print_fn = print_fn, say(print_fn)
    epochs = (50 if fast else 400) if epochs is None else int(epochs)
    X, y = datasets.make_moons(60, noise=0.3, random_state=seed)
    X_test, y_test = datasets.make_moons(1000, noise=0.3, random_state=seed + 1)
    print_fn(f"{NAME}: 60 training and 1000 test points of noisy moons; 2-128-128-1 ReLU")
    rows, curves, trained = [], {}, {}
    for remedy in REMEDIES:
        set_random_seed(seed)
        model = build_model(remedy)
        print_fn(f"{remedy}:")
        if remedy == "early stopping":  # it needs a validation set: 20 of the 60 points
            fit_x, fit_y, extra = X[:40], y[:40], [callbacks.EarlyStopping(
                patience=30, restore_best_weights=True)]  # fmt: skip
            validation = (X[40:], y[40:])
        else:
            fit_x, fit_y, extra, validation = X, y, [], (X_test, y_test)
        history = model.fit(fit_x, fit_y, epochs=epochs, batch_size=len(fit_x),
                            validation_data=validation,
                            **fit_kwargs(progress, extra, per_epoch=True))  # fmt: skip
        train_loss, train_acc = model.evaluate(X, y, verbose=0)
        test_loss, test_acc = model.evaluate(X_test, y_test, verbose=0)
        kernels = np.concatenate([w.ravel() for w in model.get_weights() if w.ndim == 2])
        curves[remedy] = [float(v) for v in history.history["val_loss"]]
        trained[remedy] = model
        rows.append({"remedy": remedy, "train_accuracy": float(train_acc),
                     "test_accuracy": float(test_acc), "gap": float(train_acc - test_acc),
                     "test_loss": float(test_loss), "epochs_run": len(history.history["loss"]),
                     "zero_weights": float(np.mean(np.abs(kernels) < 1e-3))})  # fmt: skip
    columns = ["remedy", "train_accuracy", "test_accuracy", "gap", "test_loss", "zero_weights"]
    headers = [text(h) for h in ("remedy", "train acc.", "test acc.", "gap (train − test)",
                                 "test loss")] + ["|w| < 0.001"]  # fmt: skip
    print_fn(format_table(rows, columns, headers))
    results = {"lab": NAME, "epochs": epochs, "seed": seed, "table": rows, "curves": curves}
    with Report(NAME, out) as report:
        if report.enabled:
            from neurona import viz

            report.write_json("metrics.json", results)
            report.plot("curves.png", viz.plot_curves, curves, xlabel=text("epoch"),
                        ylabel=f"{text('validation')} {text('loss')}", logy=True,
                        title=f"{NAME}: {text('validation')} {text('loss')} "
                              "(test set; early stopping: its 20 held-out points)")  # fmt: skip
            report.plot("boundaries.png", _plot_boundaries, trained, X, y)
    return results


def _plot_boundaries(trained, X, y) -> Any:
    from neurona import viz
    from neurona.viz._mpl import new_figure

    figure, axes = new_figure("regularisation", nrows=1, ncols=len(trained), size=(20, 4.2))
    for axis, (remedy, model) in zip(axes.ravel(), trained.items()):
        viz.plot_decision_boundary(
            lambda grid, m=model: m.predict(np.asarray(grid, np.float32), batch_size=8192,
                                            verbose=0),
            X, y, resolution=120, title=remedy, ax=axis,
        )  # fmt: skip
    figure.suptitle(f"{NAME}: {text('decision boundary')} (training points)")
    return figure
