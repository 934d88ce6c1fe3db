"""The fashion-mnist-mlp lab: trains end to end in fast mode with early stopping, reports the
test accuracy overall and per class, and writes its report folder (on small synthetic IDX files
the test writes where Fashion-MNIST is not installed)."""

import json

import numpy as np
import pytest

from neurona import datasets
from neurona.labs import fashion_mnist_mlp


def test_fast_run_reports_accuracy_per_class_and_writes_the_report(tmp_path, image_data):
    results = fashion_mnist_mlp.run(fast=True, out=tmp_path, print_fn=lambda line: None)
    assert (results["n_train"], results["n_test"], results["epochs_trained"]) == (1000, 500, 1)
    # 1 epoch on 900 images (100 held out): measured 0.68 on Fashion-MNIST, chance is 0.1
    assert 0.4 < results["test_accuracy"] <= 1.0
    per_class = results["per_class_accuracy"]
    assert list(per_class) == list(fashion_mnist_mlp.CLASS_NAMES)
    assert all(0.0 <= a <= 1.0 for a in per_class.values())
    # the overall accuracy is the per-class accuracies weighted by the class counts
    (_, _), (_, y_test) = datasets.load_fashion_mnist()
    counts = np.bincount(y_test[:500], minlength=10)
    weighted = np.dot(counts, list(per_class.values())) / counts.sum()
    assert weighted == pytest.approx(results["test_accuracy"], abs=1e-6)
    assert sorted(results["history"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png",
        "metrics.json",
        "model.neurona",
    ]
    assert json.loads((tmp_path / "metrics.json").read_text())["per_class_accuracy"] == per_class


def test_the_lab_stops_early_on_the_validation_loss_and_keeps_the_best_weights():
    (stop,) = fashion_mnist_mlp.early_stopping(patience=3)
    assert type(stop).__name__ == "EarlyStopping"
    assert (stop.monitor, stop.patience, stop.restore_best_weights) == ("val_loss", 3, True)


def test_early_stopping_ends_training_when_the_validation_loss_stops_falling(image_data):
    if image_data != "real":
        pytest.skip("the synthetic stand-in is too easy: its validation loss never turns up")
    # patience 0: training stops at the first epoch whose validation loss does not improve
    results = fashion_mnist_mlp.run(
        fast=True, epochs=30, patience=0, out=False, print_fn=lambda line: None
    )
    val_loss = results["history"]["val_loss"]
    assert results["epochs_trained"] == len(val_loss) < 30
    assert val_loss[-1] >= min(val_loss[:-1])


def test_per_class_accuracy_by_hand():
    y_true = np.array([0, 0, 0, 1, 1, 2])
    y_pred = np.array([0, 1, 0, 1, 1, 0])
    # class 0: 2 of 3 right; class 1: 2 of 2; class 2: 0 of 1; class 3 absent
    got = fashion_mnist_mlp.per_class_accuracy(y_true, y_pred, n_classes=4)
    assert got[:3] == [2 / 3, 1.0, 0.0] and np.isnan(got[3])
