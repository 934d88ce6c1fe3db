"""Side lab: a multilayer perceptron on Fashion-MNIST (docs/course.md B5, deck [E] notebook
2.0), the dense baseline that the convolutional network of ``fashion-mnist-cnn`` has to beat:

    x = image / 255, flattened to 784 values
    h = relu(x W₁ + b₁)              (128 hidden units)
    ŷ = softmax(h W₂ + b₂)           (10 class probabilities)
    L = −(1/n) Σᵢ log ŷᵢ[yᵢ]         (sparse categorical cross-entropy: integer labels)

Adam, 10 % of the training images held out for validation (``validation_split=0.1``, the last
10 %, as Keras), early stopping on the validation loss with the best weights restored.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import datasets, layers, models
from neurona.callbacks import EarlyStopping
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs
from neurona.labs._report import Report
from neurona.utils import set_random_seed

NAME = "fashion-mnist-mlp"
DESCRIPTION = (
    "a 784-128 relu-10 softmax MLP on Fashion-MNIST with early stopping: test "
    "accuracy per class and learning curves"
)

CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
FAST_TRAIN, FAST_TEST = 1000, 500  # fast mode: the first images of each split


def build_model() -> models.Sequential:
    """Flatten → Dense(128, relu) → Dense(10, softmax), Adam, sparse categorical cross-entropy.

    Example:
        >>> build_model().count_params()  # 784·128 + 128 + 128·10 + 10
        101770
    """
    model = models.Sequential(
        [
            layers.Input((28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def per_class_accuracy(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> list:
    """The accuracy within each true class c: #{i : yᵢ = c and ŷᵢ = c} / #{i : yᵢ = c}
    (the recall of class c; NaN for a class absent from y_true).

    Example:
        >>> per_class_accuracy(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), n_classes=3)
        [0.5, 1.0, nan]
    """
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    out = []
    for c in range(n_classes):
        mask = y_true == c
        out.append(float((y_pred[mask] == c).mean()) if mask.any() else float("nan"))
    return out


def early_stopping(patience: int) -> list:
    """The callbacks of the lab: ``EarlyStopping(monitor="val_loss", patience,
    restore_best_weights=True)``.

    Example:
        >>> [type(c).__name__ for c in early_stopping(3)]
        ['EarlyStopping']
    """
    return [EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)]


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    patience: int = 3,
    batch_size: int = 32,
) -> dict:
    """Train the MLP with early stopping and report its test accuracy, overall and per class.

    Args:
        epochs: the most epochs to train (default 20; early stopping usually ends sooner);
            1 with ``fast``.
        out: the report folder (default ``neurona-reports/fashion-mnist-mlp``), or False.
        seed: seed of the initial weights and of the shuffling.
        fast: train on the first 1000 training images (100 of them for validation) and test on
            the first 500, 1 epoch.
        print_fn: where progress lines go (None: silent).
        patience: epochs without a better validation loss before stopping.
        batch_size: 32 (Keras's default).

    Returns:
        a dict: ``test_accuracy``, ``test_loss``, ``per_class_accuracy`` (class name →
        accuracy), ``epochs_trained``, ``history`` and settings. The report folder gets
        metrics.json, curves.png (learning curves) and the model.

    Example:
        >>> results = run(fast=True, out=False, print_fn=print)  # doctest: +SKIP
        >>> len(results["per_class_accuracy"]), results["epochs_trained"]  # doctest: +SKIP
        (10, 1)
    """
    epochs = (1 if fast else 20) if epochs is None else int(epochs)
    progress = print_fn  # None: no progress bar either
    print_fn = print_fn or (lambda line: None)
    (x_train, y_train), (x_test, y_test) = datasets.load_fashion_mnist()
    if fast:
        x_train, y_train = x_train[:FAST_TRAIN], y_train[:FAST_TRAIN]
        x_test, y_test = x_test[:FAST_TEST], y_test[:FAST_TEST]
    x_train = x_train.astype(np.float32) / 255  # (n, 28, 28) in [0, 1]
    x_test = x_test.astype(np.float32) / 255
    set_random_seed(seed)
    model = build_model()
    print_fn(
        f"fashion-mnist-mlp: {len(x_train)} training images (10 % for validation), "
        f"{len(x_test)} test images, at most {epochs} epochs"
    )
    history = model.fit(
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_split=0.1,
        **fit_kwargs(progress, early_stopping(patience)),
    )
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    predicted = model.predict(x_test, batch_size=256, verbose=0).argmax(axis=1)
    per_class = dict(zip(CLASS_NAMES, per_class_accuracy(y_test, predicted)))
    results = {
        "lab": NAME,
        "seed": seed,
        "epochs": epochs,
        "batch_size": batch_size,
        "fast": fast,
        "patience": patience,
        "n_train": len(x_train),
        "n_test": len(x_test),
        "epochs_trained": len(history.history["loss"]),
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "per_class_accuracy": per_class,
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
    }
    print_fn(
        text(
            "test accuracy {accuracy:.4f} after {epochs} epochs",
            accuracy=test_accuracy,
            epochs=results["epochs_trained"],
        )
    )
    for name, accuracy in per_class.items():
        print_fn(f"  {name:<12} {accuracy:.3f}")
    with Report(NAME, out) as report:
        if report.enabled:
            from neurona import viz

            report.write_json("metrics.json", results)
            report.plot(
                "curves.png",
                viz.plot_history,
                history,
                title="MLP on Fashion-MNIST: learning curves",
            )
            report.save_model(model)
    return results
