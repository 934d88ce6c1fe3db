"""The fashion-mnist-cnn lab: the CNN and the MLP train end to end in fast mode on the same
images (small synthetic IDX files written by the test where Fashion-MNIST is not installed),
and the report holds the metrics, both plots and both models."""

import json

import numpy as np

from neurona.labs import fashion_mnist_cnn


def test_fast_run_trains_both_networks_and_writes_the_report(tmp_path, image_data):
    results = fashion_mnist_cnn.run(fast=True, out=tmp_path / "report", print_fn=None)
    cnn, mlp = results["cnn"], results["mlp"]
    assert (cnn["params"], mlp["params"]) == (225034, 101770)
    for net in (cnn, mlp):
        # 1 epoch on 900 images: far above chance 0.1 (about 0.6–0.7 for both on real data)
        assert 0.3 < net["test_accuracy"] <= 1.0 and net["epochs_trained"] == 1
        assert np.isfinite(net["test_loss"]) and len(net["per_class_accuracy"]) == 10
        assert sorted(net["history"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert results["cnn_beats_mlp"] == (cnn["test_accuracy"] > mlp["test_accuracy"])
    folder = tmp_path / "report"
    assert sorted(p.name for p in folder.iterdir()) == [
        "comparison.png",
        "curves.png",
        "metrics.json",
        "model-mlp.neurona",
        "model.neurona",
    ]
    assert json.loads((folder / "metrics.json").read_text())["cnn"]["params"] == 225034


def test_the_cnn_keeps_channels_last_shapes():
    model = fashion_mnist_cnn.build_cnn()
    x = np.zeros((2, 28, 28, 1), dtype=np.float32)
    shapes = []
    for layer in model.layers:
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    # valid 3×3 convolutions take 2 pixels, pooling halves (floor): 28 → 26 → 13 → 11 → 5
    assert shapes == [(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (1600,), (128,), (10,)]
    assert model.layers[0].get_weights()[0].shape == (3, 3, 1, 32)  # (kh, kw, c_in, filters)
