"""Side lab: the TensorFlow Playground activities (docs/course.md B16). Four toy problems on
the plane (circles, XOR, two Gaussians, a spiral) are each learned three ways:

    raw → linear        logistic regression on (x₁, x₂): one straight boundary
    features → linear   logistic regression on (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂):
                        the right features let a straight boundary in feature space curve in
                        the plane (x₁² + x₂² is a circle, x₁x₂ is XOR)
    raw → 8-8 tanh      two hidden layers learn their own features

The lab tabulates the test accuracy of every problem and setting and draws every decision
boundary.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import datasets, layers, models, optimizers
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs, say
from neurona.labs._report import Report
from neurona.labs._table import format_table
from neurona.utils import set_random_seed

NAME = "toy-problems"
DESCRIPTION = (
    "TF-Playground-style: circles, XOR, Gaussians and a spiral learned from raw inputs, "
    "from x₁², x₁x₂, sin x features, and by a hidden layer; every boundary drawn"
)

FEATURE_NAMES = ("x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂")
SETTINGS = ("raw → linear", "features → linear", "raw → 8-8 tanh")


def features(X: np.ndarray) -> np.ndarray:
    """The Playground's inputs: x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂ (inputs in [−3, 3]).

    Example:
        >>> features(np.array([[1.0, 2.0]])).astype(np.float64).round(3).tolist()
        [[1.0, 2.0, 1.0, 4.0, 2.0, 0.841, 0.909]]
    """
    x1, x2 = X[:, 0], X[:, 1]
    return np.stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)], 1).astype(np.float32)


def problem(name: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One toy problem, scaled to [−3, 3]²: 'circles', 'xor', 'gaussians' or 'spiral'.

    Example:
        >>> X, y = problem("xor", 8, 0); X.shape, sorted(set(y.tolist()))
        ((8, 2), [0, 1])
    """
    rng = np.random.default_rng(seed)
    if name == "circles":
        X, y = datasets.make_circles(n, noise=0.08, factor=0.5, random_state=seed)
    elif name == "xor":  # the Playground's XOR: the sign of x₁x₂, a margin kept clear
        X = rng.uniform(-1, 1, (n, 2))
        X = X + 0.1 * np.sign(X)
        y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    elif name == "gaussians":
        X, y = datasets.make_gaussians(n, centers=[[-1, -1], [1, 1]], cluster_std=0.5,
                                       random_state=seed)  # fmt: skip
    elif name == "spiral":
        X, y = datasets.make_spirals(n, noise=0.15, turns=1.0, random_state=seed)
    else:
        raise ValueError(
            f"problem: expected 'circles', 'xor', 'gaussians' or 'spiral', got {name!r}."
        )
    X = np.asarray(X, dtype=np.float64)
    return (3 * X / np.abs(X).max()).astype(np.float32), np.asarray(y, dtype=np.int64)


def build_model(setting: str) -> models.Sequential:
    """One of ``SETTINGS``; Adam (α = 0.03) on the binary cross-entropy.

    Example:
        >>> [build_model(s).count_params() for s in SETTINGS]  # 3; 8; 2·8+8 + 8·8+8 + 9
        [3, 8, 105]
    """
    width = 7 if setting.startswith("features") else 2
    stack = [layers.Input((width,))]
    if "tanh" in setting:
        stack += [layers.Dense(8, activation="tanh"), layers.Dense(8, activation="tanh")]
    stack.append(layers.Dense(1, activation="sigmoid"))
    model = models.Sequential(stack)
    model.compile(optimizer=optimizers.Adam(learning_rate=0.03), loss="binary_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    return model


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    problems: tuple[str, ...] = ("circles", "xor", "gaussians", "spiral"),
) -> dict:
    """Learn every problem in every setting; tabulate the test accuracies, draw the boundaries.

    Args:
        epochs: default 300 (60 with ``fast``), batches of 50 from 300 training points.
        out: the report folder (default ``neurona-reports/toy-problems``), or False.
        seed: seed of the data and the initial weights.
        fast: fewer epochs.
        print_fn: where the text goes (None: silent).
        problems: which problems.

    Returns:
        a dict: ``table`` (problem, setting, train and test accuracy) and the settings. The
        report folder gets metrics.json and boundaries.png (problems × settings).

    Example:
        >>> results = run(fast=True, out=False, print_fn=None, problems=("circles",))
        >>> {r["setting"]: r["test_accuracy"] > 0.9 for r in results["table"]}["features → linear"]
        True
    """
    progress, print_fn = print_fn, say(print_fn)
    epochs = (60 if fast else 300) if epochs is None else int(epochs)
    print_fn(f"{NAME}: {', '.join(problems)}; features {', '.join(FEATURE_NAMES)}")
    rows, trained, data = [], {}, {}
    for name in problems:
        X, y = problem(name, 300, seed)
        X_test, y_test = problem(name, 300, seed + 1)
        data[name] = (X, y)
        for setting in SETTINGS:
            prepare = features if setting.startswith("features") else (lambda v: v)
            set_random_seed(seed)
            model = build_model(setting)
            print_fn(f"{name}, {setting}:")
            model.fit(prepare(X), y, epochs=epochs, batch_size=50,
                      **fit_kwargs(progress, per_epoch=True))  # fmt: skip
            trained[(name, setting)] = (model, prepare)
            rows.append({"problem": name, "setting": setting,
                         "train_accuracy": float(model.evaluate(prepare(X), y, verbose=0)[1]),
                         "test_accuracy": float(model.evaluate(prepare(X_test), y_test,
                                                               verbose=0)[1])})  # fmt: skip
    headers = [text("problem"), "", text("train acc."), text("test acc.")]
    print_fn(format_table(rows, ["problem", "setting", "train_accuracy", "test_accuracy"], headers))
    results = {"lab": NAME, "epochs": epochs, "seed": seed, "features": list(FEATURE_NAMES),
               "table": rows}  # fmt: skip
    with Report(NAME, out) as report:
        if report.enabled:
            report.write_json("metrics.json", results)
            report.plot("boundaries.png", _plot_boundaries, trained, data, problems)
    return results


def _plot_boundaries(trained, data, problems) -> Any:
    from neurona import viz
    from neurona.viz._mpl import new_figure

    figure, axes = new_figure("toy-problems", nrows=len(problems), ncols=len(SETTINGS),
                              size=(4.2 * len(SETTINGS), 3.6 * len(problems)))  # fmt: skip
    axes = np.reshape(axes, (len(problems), len(SETTINGS)))
    for i, name in enumerate(problems):
        X, y = data[name]
        for j, setting in enumerate(SETTINGS):
            model, prepare = trained[(name, setting)]
            viz.plot_decision_boundary(
                lambda grid, m=model, f=prepare: m.predict(f(np.asarray(grid, np.float32)),
                                                           batch_size=8192, verbose=0),
                X, y, resolution=100, title=f"{name}: {setting}", ax=axes[i, j],
            )  # fmt: skip
    figure.suptitle(f"{NAME}: {text('decision boundary')}")
    return figure
