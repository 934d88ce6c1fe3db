"""Draw the figures of the tutorial (docs/figures/*.png) with neurona itself.

    python docs/make_figures.py            # rewrite docs/figures
    python docs/make_figures.py --out DIR  # somewhere else (the docs test does this)

Each figure is the one the tutorial page's code draws, on the same data and seeds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from neurona import classic, datasets, explain, layers, models, viz
from neurona.utils import set_random_seed


def perceptron(out: Path) -> None:
    X, y = datasets.logic_gate("and")
    model = classic.Perceptron(learning_rate=1.0).fit(X, y)
    figure = viz.plot_decision_boundary(model.predict, X, y, title="perceptron: AND")
    figure.savefig(out / "01-perceptron-and.png", dpi=90)


def activations(out: Path) -> None:
    viz.plot_activations().savefig(out / "02-activations.png", dpi=90)


def optimisers(out: Path) -> None:
    X, y = datasets.make_regression_1d(200, noise=0.1, random_state=0)
    curves = {}
    for name in ("sgd", "rmsprop", "adam"):
        set_random_seed(0)
        model = models.Sequential(
            [layers.Input((1,)), layers.Dense(16, activation="tanh"), layers.Dense(1)]
        )
        model.compile(optimizer=name, loss="mse")
        history = model.fit(X, y, epochs=40, batch_size=32, verbose=0)
        curves[name] = history.history["loss"]
    viz.plot_curves(curves, logy=True, title="one hidden layer, three optimisers").savefig(
        out / "03-optimisers.png", dpi=90
    )


def backprop(out: Path) -> None:
    set_random_seed(0)
    model = models.Sequential(
        [layers.Input((2,)), layers.Dense(3, activation="tanh"), layers.Dense(1, "sigmoid")]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    X, y = datasets.xor()
    explain.trace(model, X[1:2], y[1:2]).plot().savefig(out / "04-trace-network.png", dpi=90)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    target = np.sin(x.sum(axis=1, keepdims=True))
    traces = []
    for activation in ("sigmoid", "relu"):
        set_random_seed(0)
        deep = models.Sequential(
            [layers.Input((8,))]
            + [layers.Dense(16, activation=activation) for _ in range(10)]
            + [layers.Dense(1)]
        )
        deep.compile(optimizer="sgd", loss="mse")
        traces.append(explain.trace(deep, x, target))
    figure = explain.plot_gradient_flow(traces, ["sigmoid", "relu"])
    figure.savefig(out / "04-gradient-flow.png", dpi=90)
    traces[0].plot(kind="heatmaps").savefig(out / "04-heatmaps.png", dpi=70)


def regularisation(out: Path) -> None:
    X, y = datasets.make_regression_1d(20, noise=0.3, random_state=0)
    X_val, y_val = datasets.make_regression_1d(200, noise=0.3, random_state=1)
    set_random_seed(0)
    model = models.Sequential(
        [
            layers.Input((1,)),
            layers.Dense(128, activation="tanh"),
            layers.Dense(128, activation="tanh"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, y, epochs=300, batch_size=20, validation_data=(X_val, y_val), verbose=0)
    curves = {"training": history.history["loss"], "validation": history.history["val_loss"]}
    viz.plot_curves(curves, logy=True, title="20 points, 16,897 weights: the gap").savefig(
        out / "05-gap.png", dpi=90
    )


def cnn(out: Path) -> None:
    set_random_seed(0)
    model = models.Sequential(
        [
            layers.Input((12, 12, 1)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((8, 12, 12, 1)).astype("float32")
    explain.trace(model, x, np.arange(8) % 3).plot().savefig(out / "06-cnn-trace.png", dpi=90)


def rnn(out: Path) -> None:
    set_random_seed(0)
    model = models.Sequential([layers.Input((8, 1)), layers.SimpleRNN(4), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.sin(np.linspace(0, 6, 32)).reshape(4, 8, 1).astype("float32")
    explain.trace(model, x, x[:, -1]).plot().savefig(out / "07-bptt.png", dpi=90)


def validation(out: Path) -> None:
    X, y = datasets.make_moons(400, noise=0.25, random_state=1)
    set_random_seed(0)
    model = models.Sequential(
        [layers.Input((2,)), layers.Dense(16, activation="tanh"), layers.Dense(1, "sigmoid")]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(X, y, epochs=40, validation_split=0.25, verbose=0)
    viz.plot_history(history, title="learning curves: training vs validation").savefig(
        out / "08-learning-curves.png", dpi=90
    )


FIGURES = [perceptron, activations, optimisers, backprop, regularisation, cnn, rnn, validation]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "figures")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for draw in FIGURES:
        draw(args.out)


if __name__ == "__main__":
    main()
