"""Side lab: the course's binary shallow network (docs/course.md B3): one class against
all the others, with one sigmoid output and the binary cross-entropy:

    x = image / 255, flattened to 784 values
    h = tanh(x W₁ + b₁)                             (128 hidden units)
    ŷ = σ(h W₂ + b₂)                                (1 output: P(the class | x))
    L = −(1/n) Σ [y log ŷ + (1 − y) log(1 − ŷ)]     (binary cross-entropy)

The positive class is one image in ten, so a model that always answers "the rest" is already
90 % accurate. The lab therefore reports precision and recall next to the accuracy, and the
accuracy of that baseline. The data are MNIST when installed (the digit 0), else Fashion-MNIST
(the ankle boot), both read offline.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import layers, models
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs, say
from neurona.labs._report import Report
from neurona.labs.fashion_mnist_mlp import CLASS_NAMES
from neurona.labs.shallow_mnist import load_images
from neurona.utils import set_random_seed

NAME = "binary-shallow"
DESCRIPTION = (
    "the course's 784-128 tanh-1 sigmoid network with binary cross-entropy: one class "
    "against the rest (MNIST's 0, or Fashion-MNIST's ankle boot), with precision and recall"
)

FAST_TRAIN, FAST_TEST = 2000, 500


def build_model() -> models.Sequential:
    """Flatten(28×28) → Dense(128, tanh) → Dense(1, sigmoid), Adam on the binary
    cross-entropy, with the accuracy (at the 0.5 threshold).

    Example:
        >>> build_model().count_params()  # 784·128 + 128 + 128 + 1
        100609
    """
    model = models.Sequential(
        [
            layers.Input((28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def scores(y_true: np.ndarray, probabilities: np.ndarray, threshold: float = 0.5) -> dict:
    """Accuracy, precision TP/(TP + FP) and recall TP/(TP + FN) at ``threshold``.

    Example:
        >>> scores(np.array([1, 1, 0, 0]), np.array([0.9, 0.2, 0.7, 0.1]))
        {'accuracy': 0.5, 'precision': 0.5, 'recall': 0.5, 'tp': 1, 'fp': 1, 'fn': 1, 'tn': 1}
    """
    predicted = probabilities >= threshold
    truth = y_true.astype(bool)
    tp, fp = int((predicted & truth).sum()), int((predicted & ~truth).sum())
    fn, tn = int((~predicted & truth).sum()), int((~predicted & ~truth).sum())
    return {
        "accuracy": (tp + tn) / len(truth),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
    }  # fmt: skip


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    positive: int | None = None,
) -> dict:
    """Train the binary network on "class ``positive`` or not" and score it on the test set.

    Args:
        epochs: default 5; 2 with ``fast``.
        out: the report folder (default ``neurona-reports/binary-shallow``), or False.
        seed: seed of the initial weights and of the shuffling.
        fast: the first 2000 training and 500 test images.
        print_fn: where the text goes (None: silent).
        positive: the class against the rest (default: 0 on MNIST, 9 = ankle boot on Fashion).

    Returns:
        a dict: ``dataset``, ``positive``, ``test`` (accuracy, precision, recall and the
        confusion counts), ``baseline_accuracy`` (always "the rest"), ``history`` and the
        settings. The report folder gets metrics.json, curves.png, probabilities.png (the
        predicted probabilities of both classes) and the model.

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)  # doctest: +SKIP
        >>> results["test"]["accuracy"] > results["baseline_accuracy"]  # doctest: +SKIP
        True
    """
    progress, print_fn = print_fn, say(print_fn)
    epochs = (2 if fast else 5) if epochs is None else int(epochs)
    name, (x_train, y_train), (x_test, y_test) = load_images()
    if positive is None:
        positive = 0 if name == "mnist" else 9
    if fast:
        x_train, y_train = x_train[:FAST_TRAIN], y_train[:FAST_TRAIN]
        x_test, y_test = x_test[:FAST_TEST], y_test[:FAST_TEST]
    label = str(positive) if name == "mnist" else CLASS_NAMES[positive]
    x_train, x_test = x_train.astype(np.float32) / 255, x_test.astype(np.float32) / 255
    t_train = (y_train == positive).astype(np.float32)
    t_test = (y_test == positive).astype(np.float32)
    against = text("'{label}' against the rest", label=label)
    print_fn(f"{NAME}: {name}, {against}; {len(x_train)} training images")
    set_random_seed(seed)
    model = build_model()
    history = model.fit(
        x_train, t_train, epochs=epochs, batch_size=32, validation_split=0.1,
        **fit_kwargs(progress),
    )  # fmt: skip
    probabilities = model.predict(x_test, batch_size=512, verbose=0).ravel()
    test = scores(t_test, probabilities)
    baseline = float(1 - t_test.mean())
    print_fn(
        text(
            "{accuracy_label} {accuracy:.4f} (baseline 'always the rest' {baseline:.4f}); "
            "precision {precision:.4f}, recall {recall:.4f}",
            accuracy_label=text("test accuracy"),
            accuracy=test["accuracy"],
            baseline=baseline,
            precision=test["precision"],
            recall=test["recall"],
        )  # fmt: skip
    )
    results = {
        "lab": NAME,
        "dataset": name,
        "positive": positive,
        "positive_name": label,
        "epochs": epochs,
        "seed": seed,
        "n_train": len(x_train),
        "n_test": len(x_test),
        "test": test,
        "baseline_accuracy": baseline,
        "history": {k: [float(v) for v in vals] for k, vals in history.history.items()},
    }
    with Report(NAME, out) as report:
        if report.enabled:
            from neurona import viz

            report.write_json("metrics.json", results)
            report.plot("curves.png", viz.plot_history, history,
                        title=f"{NAME}: '{label}' vs the rest ({name})")  # fmt: skip
            report.plot("probabilities.png", _plot_probabilities, probabilities, t_test, label)
            report.save_model(model)
    return results


def _plot_probabilities(probabilities, truth, label) -> Any:
    from neurona.viz._mpl import new_figure

    figure, axis = new_figure("binary-shallow", size=(6.4, 4.0))
    bins = np.linspace(0, 1, 26)
    axis.hist(probabilities[truth == 0], bins=bins, alpha=0.6, label=text("the rest"))
    axis.hist(probabilities[truth == 1], bins=bins, alpha=0.6, label=f"'{label}'")
    axis.axvline(0.5, color="black", linestyle=":", label="threshold 0.5")
    axis.set_yscale("log")
    axis.set_xlabel(f"{text('prediction')}: P('{label}' | x)")
    axis.set_ylabel(text("images"))
    axis.set_title(f"{NAME}: {text('predicted probabilities on the test set, by class')}")
    axis.legend(fontsize="small")
    return figure
