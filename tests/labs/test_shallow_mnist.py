"""The shallow-mnist lab: the course's 784-128-10 network trains end to end in fast mode, on
MNIST when installed, else Fashion-MNIST (where neither is installed, on small synthetic IDX
files that the test writes, so the lab still runs end to end)."""

import json

import numpy as np
import pytest

from neurona import datasets
from neurona.labs import shallow_mnist


def test_fast_run_trains_and_writes_the_report(tmp_path, image_data):
    lines = []
    results = shallow_mnist.run(fast=True, out=tmp_path / "report", print_fn=lines.append)
    expected = "mnist" if datasets.find_dataset("mnist") is not None else "fashion-mnist"
    assert results["dataset"] == expected
    assert (results["n_train"], results["n_test"], results["epochs"]) == (1000, 500, 1)
    # 1 epoch on 1000 images is far above chance (0.1): measured 0.51 on Fashion-MNIST
    assert 0.3 < results["test_accuracy"] <= 1.0
    assert 0 < results["test_loss"] < 0.1  # MSE of sigmoid outputs against one-hot labels
    assert sorted(results["history"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert np.isfinite(results["history"]["loss"]).all()
    # the validation data is the test set (the slide's choice): same numbers as evaluate
    assert results["history"]["val_accuracy"][-1] == pytest.approx(results["test_accuracy"])
    if expected == "fashion-mnist":
        assert any("MNIST is not installed" in line for line in lines)
    folder = tmp_path / "report"
    assert sorted(p.name for p in folder.iterdir()) == [
        "curves.png",
        "metrics.json",
        "model.neurona",
    ]
    assert json.loads((folder / "metrics.json").read_text())["dataset"] == expected


def test_asking_for_mnist_when_absent_says_where_to_put_it(tmp_path, monkeypatch):
    if datasets.find_dataset("mnist") is not None:
        pytest.skip("MNIST is installed here")
    with pytest.raises(FileNotFoundError, match="load_mnist: expected the four IDX files"):
        shallow_mnist.load_images("mnist")


def test_an_unknown_dataset_name_is_refused():
    with pytest.raises(ValueError, match="expected dataset 'auto', 'mnist' or 'fashion-mnist'"):
        shallow_mnist.run(dataset="cifar10", out=False)


def test_the_model_is_the_slides_network():
    model = shallow_mnist.build_model()
    assert [type(layer).__name__ for layer in model.layers] == ["Flatten", "Dense", "Dense"]
    assert [w.shape for w in model.get_weights()] == [(784, 128), (128,), (128, 10), (10,)]
    assert model.loss.name in ("mse", "mean_squared_error")
