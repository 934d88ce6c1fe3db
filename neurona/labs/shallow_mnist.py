"""Side lab: the course's shallow network on handwritten digits (docs/course.md B4, deck [E]), with
the slide's Keras code run unchanged on neurona:

    x = image / 255, flattened to 784 values
    h = tanh(x W₁ + b₁)            (128 hidden units)
    ŷ = σ(h W₂ + b₂)               (10 outputs, one per digit, each a sigmoid)
    L = (1/10) Σ_k (ŷ_k − y_k)²    (Keras's 'mse' on one-hot labels, averaged over the batch)

NOTE: deck [E] writes the cost J = (1/m) Σ ½‖a⁽²⁾ − y‖², which is 5 times Keras's 'mse' for
10 outputs (docs/course.md §1.11, item 7); the slide's code uses 'mse', and so do we. The course
reports a test accuracy of 0.9758 on MNIST after 15 epochs. MNIST is not shipped (no Debian
package); when it is absent the lab runs on Fashion-MNIST, a harder set of the same shape, and
says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from neurona import datasets, layers, models
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs
from neurona.labs._report import Report
from neurona.utils import set_random_seed

NAME = "shallow-mnist"
DESCRIPTION = (
    "the course's 784-128 tanh-10 sigmoid network with MSE and Adam, on MNIST "
    "(Fashion-MNIST when MNIST is absent)"
)

FAST_TRAIN, FAST_TEST = 1000, 500  # fast mode: the first images of each split


def load_images(dataset: str = "auto") -> tuple[str, tuple, tuple]:
    """MNIST or Fashion-MNIST as the lab uses them, with the name of the set found.

    Args:
        dataset: "mnist", "fashion-mnist", or "auto" (MNIST when installed, else Fashion-MNIST).

    Returns:
        (name, (x_train, y_train), (x_test, y_test)) exactly as ``load_mnist`` returns them.

    Raises:
        FileNotFoundError: the set asked for (with "auto": either set) is not installed; the
            message says where to put the files.
        ValueError: another ``dataset`` name.

    Example:
        >>> load_images("cifar")
        Traceback (most recent call last):
        ...
        ValueError: shallow-mnist: expected dataset 'auto', 'mnist' or 'fashion-mnist', got 'cifar'.
    """
    if dataset not in ("auto", "mnist", "fashion-mnist"):
        raise ValueError(
            f"shallow-mnist: expected dataset 'auto', 'mnist' or 'fashion-mnist', got {dataset!r}."
        )
    if dataset in ("auto", "mnist"):
        try:
            return "mnist", *datasets.load_mnist()
        except FileNotFoundError:
            if dataset == "mnist":
                raise
    return "fashion-mnist", *datasets.load_fashion_mnist()


def build_model() -> models.Sequential:
    """The slide's network: Flatten → Dense(128, tanh) → Dense(10, sigmoid), Adam and MSE.

    The slide writes ``Flatten(input_shape=(28, 28))`` (Keras 2 style); ``Input((28, 28))``
    then ``Flatten()`` is the same model in Keras 3 style.

    Example:
        >>> build_model().count_params()  # 784·128 + 128 + 128·10 + 10
        101770
    """
    model = models.Sequential(
        [
            layers.Input((28, 28)),
            layers.Flatten(),
            layers.Dense(128, activation="tanh"),
            layers.Dense(10, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    return model


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    dataset: str = "auto",
    batch_size: int = 32,
) -> dict:
    """Train the shallow network as the course does and report its test accuracy.

    Steps (deck [E]): inputs / 255, labels one-hot (``to_categorical``), 15 epochs of batch 32,
    the test set as ``validation_data`` (the slide's choice, so the validation curve is the
    test curve), then ``evaluate`` on the test set.

    Args:
        epochs: default 15 (the course); 1 with ``fast``.
        out: the report folder (default ``neurona-reports/shallow-mnist``), or False.
        seed: seed of the initial weights and of the shuffling.
        fast: train on the first 1000 training images and test on the first 500, 1 epoch.
        print_fn: where progress lines go (None: silent).
        dataset: "auto" (MNIST when installed, else Fashion-MNIST), "mnist" or "fashion-mnist".
        batch_size: 32 (Keras's default, the slide's).

    Returns:
        a dict: ``dataset`` (the set used), ``test_accuracy``, ``test_loss``, ``history``
        (loss, accuracy, val_loss, val_accuracy per epoch), sizes and settings. The report folder
        gets metrics.json, curves.png (learning curves) and the model.

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)  # doctest: +SKIP
        >>> results["dataset"], 0.1 < results["test_accuracy"] <= 1  # doctest: +SKIP
        ('fashion-mnist', True)
    """
    epochs = (1 if fast else 15) if epochs is None else int(epochs)
    progress = print_fn  # None: no progress bar either
    print_fn = print_fn or (lambda line: None)
    name, (x_train, y_train), (x_test, y_test) = load_images(dataset)
    if fast:
        x_train, y_train = x_train[:FAST_TRAIN], y_train[:FAST_TRAIN]
        x_test, y_test = x_test[:FAST_TEST], y_test[:FAST_TEST]
    if name != "mnist":
        print_fn(
            "shallow-mnist: MNIST is not installed; running on Fashion-MNIST instead "
            "(see neurona.datasets.load_mnist for where to put MNIST)."
        )
    x_train = x_train.astype(np.float32) / 255  # (n, 28, 28) in [0, 1]
    x_test = x_test.astype(np.float32) / 255
    Y_train = datasets.to_categorical(y_train, 10)  # (n, 10) one-hot
    Y_test = datasets.to_categorical(y_test, 10)
    set_random_seed(seed)
    model = build_model()
    print_fn(
        f"shallow-mnist: {name}, {len(x_train)} training and {len(x_test)} test images, "
        f"{epochs} epochs of batch {batch_size}"
    )
    history = model.fit(
        x_train,
        Y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(x_test, Y_test),
        **fit_kwargs(progress),
    )
    test_loss, test_accuracy = model.evaluate(x_test, Y_test, batch_size=256, verbose=0)
    results = {
        "lab": NAME,
        "dataset": name,
        "seed": seed,
        "epochs": epochs,
        "batch_size": batch_size,
        "fast": fast,
        "n_train": len(x_train),
        "n_test": len(x_test),
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "course_test_accuracy_mnist": 0.9758,
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
    }
    print_fn(
        text(
            "test accuracy {accuracy:.4f} (loss {loss:.5f}) on {name}; the course reports "
            "0.9758 on MNIST after 15 epochs",
            accuracy=test_accuracy,
            loss=test_loss,
            name=name,
        )
    )
    with Report(NAME, out) as report:
        if report.enabled:
            from neurona import viz

            report.write_json("metrics.json", results)
            report.plot(
                "curves.png",
                viz.plot_history,
                history,
                title=f"shallow network on {name}: learning curves",
            )
            report.save_model(model)
    return results
