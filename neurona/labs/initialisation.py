"""Side lab: why the initial weights matter (docs/course.md R7): a deep tanh network,
6 hidden layers of 32 units, learns the two-spiral problem from four initialisations:

    zeros            every unit of a layer computes the same thing and gets the same gradient
                     (here: zero), so the symmetry never breaks and the hidden layers never learn
    N(0, 0.01²)      too small: each layer shrinks the signal (std ≈ 0.01·√32 per layer), the
                     activations and the gradients vanish with depth, and learning stalls
    N(0, 1)          too large: the pre-activations are ≈ √32 wide and tanh saturates at ±1.
                     The network is chaotic, with huge first-layer gradients that point
                     nowhere useful, and SGD cannot follow them
    glorot_uniform   Keras's default, Var(w) = 2/(fan_in + fan_out): the signal keeps its scale
                     from layer to layer (Glorot & Bengio 2010)

For each initialisation the lab records, before training, the standard deviation of every
layer's activations, the share of saturated units and the first layer's gradient; after
training, the accuracy. It trains with SGD and momentum, the course's rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import datasets, initializers, layers, models, optimizers
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs, say
from neurona.labs._report import Report
from neurona.labs._table import format_table
from neurona.utils import set_random_seed

NAME = "initialisation"
DESCRIPTION = (
    "a 6-layer tanh network on two spirals from zeros, N(0, 0.01²), N(0, 1) and Glorot "
    "initial weights: symmetry, vanishing and saturated signals against Keras's default"
)

DEPTH, WIDTH = 6, 32
INITIALISERS = {
    "zeros": lambda: initializers.Zeros(),
    "N(0, 0.01²)": lambda: initializers.RandomNormal(stddev=0.01),
    "N(0, 1)": lambda: initializers.RandomNormal(stddev=1.0),
    "glorot_uniform": lambda: initializers.GlorotUniform(),
}


def build_model(initializer: str) -> models.Sequential:
    """2 → 6 × Dense(32, tanh) → Dense(1, sigmoid), every kernel from ``INITIALISERS[name]``,
    biases zero; SGD with momentum (α = 0.1, η = 0.9) on the binary cross-entropy. Plain
    gradient steps, as in the course: Adam would rescale the vanishing gradients and hide them.

    Example:
        >>> build_model("zeros").count_params()  # 2·32 + 32 + 5·(32·32 + 32) + 32 + 1
        5409
    """
    stack = [layers.Input((2,))]
    for _ in range(DEPTH):
        stack.append(layers.Dense(WIDTH, activation="tanh",
                                  kernel_initializer=INITIALISERS[initializer]()))  # fmt: skip
    stack.append(layers.Dense(1, activation="sigmoid",
                              kernel_initializer=INITIALISERS[initializer]()))  # fmt: skip
    model = models.Sequential(stack)
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1, momentum=0.9),
                  loss="binary_crossentropy", metrics=["accuracy"])  # fmt: skip
    return model


def signal(model: models.Sequential, X: np.ndarray, y: np.ndarray) -> dict:
    """Before training: the std of each hidden layer's tanh activations on ``X``, the share
    of saturated units (|tanh| > 0.99) in the last hidden layer, and the norm of the loss
    gradient of the first layer's kernel (backpropagated by hand with NumPy, float64).

    Example:
        >>> out = signal(build_model("zeros"), np.ones((4, 2), np.float32), np.ones(4))
        >>> len(out["stds"]), max(out["stds"]), out["first_layer_gradient"]
        (6, 0.0, 0.0)
    """
    weights = [np.asarray(w, dtype=np.float64) for w in model.get_weights()]
    hs = [np.asarray(X, dtype=np.float64)]
    for layer in range(DEPTH):
        hs.append(np.tanh(hs[-1] @ weights[2 * layer] + weights[2 * layer + 1]))
    p = 1 / (1 + np.exp(-(hs[-1] @ weights[-2] + weights[-1])))
    delta = (p - np.reshape(y, p.shape)) / len(X)  # ∂(mean BCE)/∂(output pre-activation)
    W = weights[-2]
    for layer in range(DEPTH, 0, -1):  # δ_l = (δ_{l+1} W_{l+1}ᵀ) ⊙ (1 − h_l²)
        delta = (delta @ W.T) * (1 - hs[layer] ** 2)
        W = weights[2 * (layer - 1)]
    return {
        "stds": [float(h.std()) for h in hs[1:]],
        "saturated": float(np.mean(np.abs(hs[-1]) > 0.99)),
        "first_layer_gradient": float(np.linalg.norm(hs[0].T @ delta)),
    }


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
) -> dict:
    """Train the network from each initialisation and tabulate the signal and the accuracy.

    Args:
        epochs: default 150 (40 with ``fast``), batch 32 on 400 points.
        out: the report folder (default ``neurona-reports/initialisation``), or False.
        seed: seed of the data and of the initial weights.
        fast: fewer epochs.
        print_fn: where the text goes (None: silent).

    Returns:
        a dict: ``table`` (initialiser; before training: the last hidden layer's activation
        std, its share of saturated units, the first layer's gradient norm; after it: final
        loss, accuracy and the distinct first-layer units),
        ``activation_stds`` and ``curves``. The report folder gets metrics.json,
        signal.png (activation std per layer) and curves.png (loss per epoch).

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)  # doctest: +SKIP
        >>> [row["initializer"] for row in results["table"]][-1]  # doctest: +SKIP
        'glorot_uniform'
    """
    progress, print_fn = print_fn, say(print_fn)
    epochs = (40 if fast else 150) if epochs is None else int(epochs)
    X, y = datasets.make_spirals(400, noise=0.1, turns=1.0, random_state=seed)
    X = (X / np.abs(X).max()).astype(np.float32)
    print_fn(f"{NAME}: two spirals, 400 points; 2 → {DEPTH} × {WIDTH} tanh → 1 sigmoid")
    rows, stds, curves = [], {}, {}
    for name in INITIALISERS:
        set_random_seed(seed)
        model = build_model(name)
        before = signal(model, X, y)
        stds[name] = before["stds"]
        print_fn(f"{name}:")
        history = model.fit(
            X, y, epochs=epochs, batch_size=32, **fit_kwargs(progress, per_epoch=True)
        )
        first = model.get_weights()[0]
        curves[name] = [float(v) for v in history.history["loss"]]
        rows.append({"initializer": name, "last_layer_std": stds[name][-1],
                     "saturated": before["saturated"],
                     "first_layer_gradient": before["first_layer_gradient"],
                     "final_loss": curves[name][-1],
                     "accuracy": float(history.history["accuracy"][-1]),
                     "distinct_units": len({tuple(np.round(c, 6)) for c in first.T})})  # fmt: skip
    columns = ["initializer", "last_layer_std", "saturated", "first_layer_gradient",
               "accuracy", "distinct_units"]  # fmt: skip
    headers = [text("initial weights"), "std (layer 6)", text("saturated"), "‖∂L/∂W₁‖",
               text("accuracy"), text("distinct units (layer 1)")]  # fmt: skip
    print_fn(format_table(rows, columns, headers))
    results = {"lab": NAME, "epochs": epochs, "seed": seed, "table": rows,
               "activation_stds": stds, "curves": curves}  # fmt: skip
    with Report(NAME, out) as report:
        if report.enabled:
            from neurona import viz

            report.write_json("metrics.json", results)
            report.plot("signal.png", _plot_signal, stds)
            report.plot("curves.png", viz.plot_curves, curves, xlabel=text("epoch"),
                        ylabel=text("loss"), title=f"{NAME}: {text('loss')}")  # fmt: skip
    return results


def _plot_signal(stds) -> Any:
    from neurona.viz._mpl import new_figure

    figure, axis = new_figure("initialisation", size=(6.4, 4.0))
    for name, values in stds.items():
        zero = max(values) == 0  # a log axis cannot show 0: drawn at 10⁻¹², and said so
        label = f"{name} (0, drawn at 1e-12)" if zero else name
        axis.plot(range(1, len(values) + 1), np.maximum(values, 1e-12), "o-", label=label)
    axis.set_yscale("log")
    axis.set_xticks(range(1, DEPTH + 1))
    axis.set_xlabel(text("hidden layer"))
    axis.set_ylabel(text("std of the tanh activations (before training)"))
    axis.set_title(f"{NAME}: {text('the signal through {depth} layers', depth=DEPTH)}")
    axis.legend(fontsize="small")
    return figure
