"""Side lab: linear regression as one neuron on the Boston house prices (docs/course.md N9, B1),
trained by the course's optimisers, all compared on one loss plot.

    ŷ = x w + b        J = (1/m) Σ ½ (ŷ − y)²        ∂J/∂w = (1/m) Xᵀ (ŷ − y)

Features and price are standardised with the training set's mean and deviation, so one
learning rate per optimiser suits every column; the test error is reported in $1000s.
"""

from __future__ import annotations

import time

import numpy as np

from neurona.classic import LinearNeuron, get_optimizer
from neurona.datasets import load_boston_housing, standardize, train_test_split
from neurona.i18n import text
from neurona.labs._report import Report
from neurona.viz import plot_curves

NAME = "linear-neuron"
DESCRIPTION = (
    "linear regression on Boston house prices: batch GD, SGD, mini-batch, momentum, "
    "Nesterov, Adagrad, RMSProp and Adam compared on one loss plot"
)

# label: (rule of neurona.classic.course_optimizers, batch size, its settings). Learning rates
# were chosen by hand for standardised data: each near the largest that stays smooth.
OPTIMIZERS: dict[str, tuple[str, int | None, dict]] = {
    "batch GD": ("gd", None, {"learning_rate": 0.1}),
    "SGD": ("gd", 1, {"learning_rate": 0.005}),
    "mini-batch GD (32)": ("gd", 32, {"learning_rate": 0.05}),
    "momentum": ("momentum", 32, {"learning_rate": 0.01, "momentum": 0.9}),
    "Nesterov": ("nesterov", 32, {"learning_rate": 0.01, "momentum": 0.9}),
    "Adagrad": ("adagrad", 32, {"learning_rate": 0.1}),
    "RMSProp": ("rmsprop", 32, {"learning_rate": 0.01}),
    "Adam": ("adam", 32, {"learning_rate": 0.02}),
}


def load_data(seed: int = 0) -> dict:
    """Boston housing (without the column B, see its ethics note), split 80/20 with ``seed``,
    standardised with the training part's μ and σ (features and price).

    Example:
        >>> data = load_data(); data["X_train"].shape, data["X_test"].shape
        ((404, 12), (102, 12))
        >>> abs(float(data["y_train"].mean())) < 1e-6
        True
    """
    boston = load_boston_housing()
    X, y = (np.asarray(a, dtype=np.float64) for a in boston)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=seed)
    X_train, mu, sigma = standardize(X_train)
    X_test, _, _ = standardize(X_test, mu, sigma)
    y_mean, y_std = float(y_train.mean()), float(y_train.std())
    return {
        "X_train": X_train,
        "y_train": (y_train - y_mean) / y_std,
        "X_test": X_test,
        "y_test_dollars": y_test,
        "y_mean": y_mean,
        "y_std": y_std,
        "features": boston.feature_names,
        "note": boston.description,
    }


def run(
    epochs: int | None = None, out=None, seed: int = 0, fast: bool = False, print_fn=print
) -> dict:
    """The lab: train one LinearNeuron per optimiser from w = 0, print the final training loss
    and the test RMSE, and write metrics.json and loss.png (every loss curve on one plot).

    Args:
        epochs: passes over the training set (default 60; 8 with ``fast``).
        out: the report folder (default ``neurona-reports/linear-neuron``; False: none).
        seed: seed of the train/test split and of the shuffling.
        fast: fewer epochs.
        print_fn: where the text goes.

    Returns:
        {'epochs', 'ethics_note', 'optimizers': {label: {'loss_history', 'final_loss',
        'test_rmse', 'test_r2', 'seconds', 'settings'}}, 'least_squares_test_rmse'}.

    Example:
        >>> results = run(epochs=3, out=False, print_fn=lambda line: None)
        >>> curve = results["optimizers"]["Adam"]["loss_history"]
        >>> len(curve), curve[-1] < curve[0]
        (3, True)
    """
    print_fn = print_fn or (lambda line: None)  # None: silent (neurona lab --quiet)
    epochs = epochs or (8 if fast else 60)
    data = load_data(seed)
    print_fn(
        "Boston housing, 12 features (the column B is left out — ethics note: "
        "load_boston_housing's docstring; scikit-learn removed this data set for it)."
    )
    print_fn(
        f"train {len(data['X_train'])} / test {len(data['X_test'])} towns, standardised; "
        f"{epochs} epochs from w = 0, b = 0"
    )
    results: dict = {"epochs": epochs, "ethics_note": data["note"], "optimizers": {}}
    curves = {}
    for label, (rule, batch_size, settings) in OPTIMIZERS.items():
        optimizer = get_optimizer(rule, **settings)
        model = LinearNeuron(
            learning_rate=settings["learning_rate"],
            epochs=epochs,
            batch_size=batch_size,
            optimizer=optimizer,
            random_state=seed,
        )
        start = time.perf_counter()
        model.fit(data["X_train"], data["y_train"])
        seconds = time.perf_counter() - start
        y_pred = model.predict(data["X_test"]) * data["y_std"] + data["y_mean"]  # in $1000s
        y_test = data["y_test_dollars"]
        rmse = float(np.sqrt(np.mean((y_pred - y_test) ** 2)))
        r2 = float(1 - np.sum((y_test - y_pred) ** 2) / np.sum((y_test - y_test.mean()) ** 2))
        curves[label] = model.loss_history_
        results["optimizers"][label] = {
            "loss_history": model.loss_history_,
            "final_loss": model.loss_history_[-1],
            "test_rmse": rmse,
            "test_r2": r2,
            "seconds": seconds,
            "settings": {"rule": rule, "batch_size": batch_size, **settings},
        }
        print_fn(
            f"  {label:<19} J_train {model.loss_history_[-1]:.4f}   test RMSE "
            f"{rmse:5.2f} k$   R² {r2:.3f}   ({seconds:.2f} s)"
        )
    A = np.column_stack([data["X_train"], np.ones(len(data["X_train"]))])
    theta = np.linalg.lstsq(A, data["y_train"], rcond=None)[0]  # the exact minimum of J
    best = (
        np.column_stack([data["X_test"], np.ones(len(data["X_test"]))]) @ theta * data["y_std"]
        + data["y_mean"]
    )
    results["least_squares_test_rmse"] = float(np.sqrt(np.mean((best - y_test) ** 2)))
    results["least_squares_train_loss"] = float(0.5 * np.mean((A @ theta - data["y_train"]) ** 2))
    print_fn(
        f"  {'least squares':<19} J_train {results['least_squares_train_loss']:.4f}   "
        f"test RMSE {results['least_squares_test_rmse']:5.2f} k$   (the exact minimum)"
    )
    # J − J* (J* = least squares' loss) on a log axis shows each rule's speed; point 0 is w = 0
    initial = float(0.5 * np.mean(data["y_train"] ** 2))
    excess = {
        label: np.maximum(np.r_[initial, curve] - results["least_squares_train_loss"], 1e-12)
        for label, curve in curves.items()
    }
    with Report(NAME, out) as report:
        report.write_json("metrics.json", results)
        report.plot(
            "loss.png",
            plot_curves,
            excess,
            ylabel="J − J*  (J = ½ MSE, standardised price)",
            logy=True,
            start=0,
            title="Boston housing, one linear neuron: the course's optimisers (J* = least squares)",
        )
    for note in report.notes:
        print_fn(f"{text('note')}: {note}")
    if report.files:
        print_fn(f"{text('report')}: {report.folder}")
    return results
