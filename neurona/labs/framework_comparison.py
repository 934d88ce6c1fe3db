"""Side lab: the same network in neurona, Keras and PyTorch (docs/course.md B17): the
course's Sequential(Flatten(28×28), Dense(8, relu), Dense(10, softmax)) trained on the same
images, in the same order, from the same initial weights, with Adam (α = 0.001, ε = 1e-7)
and batches of 32. The lab reports each library's training time and test accuracy.

Keras and PyTorch are optional (the ``oracles`` extra); a library that is not installed gets
a row that says so. Keras runs on its JAX backend unless KERAS_BACKEND says otherwise. In
PyTorch the softmax moves into the loss (``CrossEntropyLoss`` on the logits), its usual form.
The maths is the same. The accuracies should agree to a few tenths of a percent. The times
include each library's one-time costs (JAX compiles Keras's step on the first batch, and PyTorch
sets up its kernels), which dominate on a network this small and a short run.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

from neurona import layers, models, optimizers
from neurona.i18n import text
from neurona.labs._progress import fit_kwargs, say
from neurona.labs._report import Report
from neurona.labs._table import format_table
from neurona.labs.shallow_mnist import load_images
from neurona.utils import set_random_seed

NAME = "framework-comparison"
DESCRIPTION = (
    "the course's Flatten-Dense(8, relu)-Dense(10, softmax) network in neurona, Keras and "
    "PyTorch from the same weights: training time and test accuracy"
)

FAST_TRAIN, FAST_TEST = 2000, 500


def build_model() -> models.Sequential:
    """The course's network in neurona, compiled with Adam (ε = 1e-7, Keras's).

    Example:
        >>> build_model().count_params()  # 784·8 + 8 + 8·10 + 10
        6370
    """
    model = models.Sequential([layers.Input((28, 28)), layers.Flatten(),
                               layers.Dense(8, activation="relu"),
                               layers.Dense(10, activation="softmax")])  # fmt: skip
    model.compile(optimizer=optimizers.Adam(learning_rate=0.001, epsilon=1e-7),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    return model


def _neurona(data, weights, epochs, progress) -> tuple[float, float]:
    (x, y), (xt, yt) = data
    model = build_model()
    model.set_weights(weights)
    start = time.perf_counter()
    model.fit(x, y, epochs=epochs, batch_size=32, shuffle=False, **fit_kwargs(progress))
    seconds = time.perf_counter() - start
    return seconds, float(model.evaluate(xt, yt, batch_size=256, verbose=0)[1])


def _keras(data, weights, epochs, progress) -> tuple[float, float]:
    import keras

    (x, y), (xt, yt) = data
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-7),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    model.set_weights(weights)
    start = time.perf_counter()
    verbose = 2 if progress is not None else 0  # one line per epoch
    model.fit(x, y, epochs=epochs, batch_size=32, shuffle=False, verbose=verbose)
    seconds = time.perf_counter() - start
    return seconds, float(model.evaluate(xt, yt, batch_size=256, verbose=0)[1])


def _pytorch(data, weights, epochs, progress) -> tuple[float, float]:
    import torch

    (x, y), (xt, yt) = data
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 8), torch.nn.ReLU(),
                              torch.nn.Linear(8, 10))  # fmt: skip
    with torch.no_grad():  # Keras's kernel (in, out) is PyTorch's weight (out, in) transposed
        for linear, (kernel, bias) in zip((net[1], net[3]), zip(weights[::2], weights[1::2])):
            linear.weight.copy_(torch.from_numpy(kernel.T.copy()))
            linear.bias.copy_(torch.from_numpy(bias))
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    inputs, labels = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    start = time.perf_counter()
    for epoch in range(epochs):
        for i in range(0, len(inputs), 32):
            optimizer.zero_grad()
            loss = loss_fn(net(inputs[i : i + 32]), labels[i : i + 32])
            loss.backward()
            optimizer.step()
        if progress is not None:
            print(f"Epoch {epoch + 1}/{epochs} - loss: {loss.item():.4f} (last batch)")
    seconds = time.perf_counter() - start
    with torch.no_grad():
        predicted = net(torch.from_numpy(xt)).argmax(dim=1).numpy()
    return seconds, float(np.mean(predicted == yt))


TRAINERS = {"neurona": _neurona, "keras": _keras, "pytorch": _pytorch}


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    libraries: tuple[str, ...] = ("neurona", "keras", "pytorch"),
) -> dict:
    """Train the network in each library of ``libraries`` that is installed.

    Args:
        epochs: default 3 (1 with ``fast``).
        out: the report folder (default ``neurona-reports/framework-comparison``), or False.
        seed: seed of the shared initial weights and of the one shuffle of the data.
        fast: the first 2000 training and 500 test images.
        print_fn: where the text goes (None: silent).
        libraries: which of "neurona", "keras", "pytorch" to run.

    Returns:
        a dict: ``table`` (library, version, seconds, test_accuracy; ``installed`` False when
        missing), ``dataset`` and the settings. The report folder gets metrics.json and
        comparison.png (time and accuracy bars).

    Example:
        >>> results = run(fast=True, out=False, print_fn=None,  # doctest: +SKIP
        ...               libraries=("neurona",))
        >>> row = results["table"][0]  # doctest: +SKIP
        >>> row["library"], 0 < row["test_accuracy"] <= 1  # doctest: +SKIP
        ('neurona', True)
    """
    progress, print_fn = print_fn, say(print_fn)
    epochs = (1 if fast else 3) if epochs is None else int(epochs)
    name, (x, y), (xt, yt) = load_images()
    if fast:
        x, y, xt, yt = x[:FAST_TRAIN], y[:FAST_TRAIN], xt[:FAST_TEST], yt[:FAST_TEST]
    order = np.random.default_rng(seed).permutation(len(x))  # one shuffle, shared by all
    x, y = x[order].astype(np.float32) / 255, y[order].astype(np.int64)
    data = ((x, y), (xt.astype(np.float32) / 255, yt.astype(np.int64)))
    set_random_seed(seed)
    weights = build_model().get_weights()  # Glorot-uniform kernels, zero biases
    print_fn(f"{NAME}: {name}, {len(x)} training and {len(xt)} test images, {epochs} epochs")
    rows = []
    os.environ.setdefault("KERAS_BACKEND", "jax")  # Keras 3's default, TensorFlow, is not needed
    for library in libraries:
        module = {"neurona": "neurona", "keras": "keras", "pytorch": "torch"}[library]
        try:
            version = __import__(module).__version__
        except ImportError:
            rows.append({"library": library, "installed": False})
            print_fn(f"{library}: {text('not installed')}")
            continue
        print_fn(f"{library} {version}:")
        seconds, accuracy = TRAINERS[library](data, [w.copy() for w in weights], epochs, progress)
        rows.append({"library": library, "installed": True, "version": version,
                     "seconds": seconds, "test_accuracy": accuracy})  # fmt: skip
    print_fn(format_table(rows, ["library", "version", "seconds", "test_accuracy"],
                          [text("library"), "version", text("time (s)"),
                           text("test accuracy")]))  # fmt: skip
    results = {"lab": NAME, "dataset": name, "epochs": epochs, "seed": seed,
               "n_train": len(x), "n_test": len(xt), "table": rows}  # fmt: skip
    with Report(NAME, out) as report:
        if report.enabled:
            report.write_json("metrics.json", results)
            report.plot("comparison.png", _plot_comparison, rows)
    return results


def _plot_comparison(rows) -> Any:
    from neurona.viz._mpl import new_figure

    ran = [row for row in rows if row.get("installed")]
    figure, axes = new_figure("framework-comparison", nrows=1, ncols=2, size=(10, 3.8))
    names = [row["library"] for row in ran]
    colours = [f"C{i}" for i in range(len(ran))]
    for axis, key, label in zip(axes.ravel(), ("seconds", "test_accuracy"),
                                (text("time (s)"), text("test accuracy"))):  # fmt: skip
        bars = axis.bar(names, [row[key] for row in ran], color=colours)
        axis.bar_label(bars, fmt="%.3g")
        axis.set_ylabel(label)
        axis.set_xlabel(text("library"))
    figure.suptitle(f"{NAME}: {text('the same network, the same weights')}")
    return figure
