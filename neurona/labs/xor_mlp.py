"""Side lab: XOR, the problem no single perceptron solves (Minsky & Papert, 1969), solved by
the smallest network that can: a Keras-style 2-2-1 multilayer perceptron (docs/course.md N5, N7).

    h = tanh(x W₁ + b₁)            (2 hidden units)
    ŷ = σ(h W₂ + b₂)               (1 output unit, the probability of class 1)
    L = −(1/4) Σ [y log ŷ + (1 − y) log(1 − ŷ)]      (binary cross-entropy over the 4 rows)

The hidden layer bends the plane: the two tanh units draw two lines, and the output unit keeps
the band between them, which is XOR's class 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import layers, models, optimizers
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs
from neurona.labs._report import Report
from neurona.utils import set_random_seed

NAME = "xor-mlp"
DESCRIPTION = "a 2-2-1 Keras-style network (tanh, sigmoid) solves XOR, with its decision boundary"

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
Y = np.array([[0], [1], [1], [0]], dtype=np.float32)


def build_model(learning_rate: float = 0.1) -> models.Sequential:
    """The 2-2-1 network, compiled with Adam and binary cross-entropy.

    Example:
        >>> build_model().count_params()  # (2·2 + 2) + (2·1 + 1)
        9
    """
    model = models.Sequential(
        [
            layers.Input((2,)),
            layers.Dense(2, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=optimizers.Adam(learning_rate=learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    learning_rate: float = 0.1,
) -> dict:
    """Train the 2-2-1 network on the four XOR rows (full batch) and report what it learned.

    NOTE: with only two hidden units XOR's loss surface has poor local minima: some initial
    weights stall with one or two inputs misclassified (measured: seed 1 ends at loss 0.48
    predicting 0.67 for (1, 1); seed 9 at 0.35 predicting 0.5 twice). We use Adam with
    learning rate 0.1 for 500 epochs, which solved 8 of the seeds 0–9 (seeds 1 and 9 stall)
    when this lab was written; the default seed 0 solves it. A stalled seed is the problem,
    not the library: try another seed or more hidden units.

    The run takes well under a second, so ``fast=True`` trains the same 500 epochs.

    Args:
        epochs: number of epochs (one Adam step each: the batch is the 4 rows); default 500.
        out: the report folder (default ``neurona-reports/xor-mlp``), or False to write nothing.
        seed: seed of the initial weights (``neurona.utils.set_random_seed``).
        fast: accepted for the lab interface; the lab is already fast.
        print_fn: where progress lines go (``print`` by default; None: silent).
        learning_rate: Adam's step size α.

    Returns:
        a dict: ``predictions`` (4 probabilities), ``solved`` (all four rounded right),
        ``final_loss``, ``loss_curve`` and the settings used. The report folder gets
        metrics.json, curves.png (loss per epoch), boundary.png and the model.

    Example:
        >>> results = run(out=False, print_fn=None)
        >>> results["solved"], [round(p) for p in results["predictions"]]
        (True, [0, 1, 1, 0])
    """
    epochs = 500 if epochs is None else int(epochs)
    progress = print_fn  # None: no progress bar either
    print_fn = print_fn or (lambda line: None)
    set_random_seed(seed)
    model = build_model(learning_rate)
    history = model.fit(X, Y, epochs=epochs, batch_size=4, **fit_kwargs(progress, per_epoch=True))
    predictions = model.predict(X, verbose=0).ravel()
    solved = bool(((predictions > 0.5) == Y.ravel().astype(bool)).all())
    losses = [float(v) for v in history.history["loss"]]
    results = {
        "lab": NAME,
        "seed": seed,
        "epochs": epochs,
        "optimizer": "adam",
        "learning_rate": learning_rate,
        "loss": "binary_crossentropy",
        "predictions": [float(p) for p in predictions],
        "solved": solved,
        "final_loss": losses[-1],
        "loss_curve": losses,
    }
    print_fn(text(" x1 x2 | target | prediction"))
    for (x1, x2), y, p in zip(X, Y.ravel(), predictions):
        print_fn(f"  {int(x1)}  {int(x2)} |   {int(y)}    |   {p:.3f}")
    print_fn(
        text(
            "loss {first:.4f} -> {last:.4f} after {epochs} epochs; XOR solved: {solved}",
            first=losses[0],
            last=losses[-1],
            epochs=epochs,
            solved=solved,
        )
    )
    with Report(NAME, out) as report:
        _write_report(report, model, history, results)
    return results


def _write_report(report: Report, model: models.Sequential, history: Any, results: dict) -> None:
    if not report.enabled:
        return
    from neurona import viz

    report.write_json("metrics.json", results)
    report.plot("curves.png", viz.plot_history, history, title="XOR 2-2-1: loss per epoch")
    report.plot(
        "boundary.png",
        viz.plot_decision_boundary,
        lambda grid: model.predict(np.asarray(grid, dtype=np.float32), batch_size=4096, verbose=0),
        X,
        Y.ravel().astype(int),
        title="XOR 2-2-1: decision boundary",
    )
    report.save_model(model)
