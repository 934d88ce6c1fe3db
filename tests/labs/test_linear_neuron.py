"""The linear-neuron lab: every course optimiser lowers ½MSE on Boston housing towards the least
squares minimum, and the report holds the curves."""

import json

import numpy as np
import pytest

from neurona.labs import get, linear_neuron


def test_every_optimiser_approaches_the_least_squares_loss(tmp_path):
    pytest.importorskip("matplotlib")
    results = linear_neuron.run(out=tmp_path, fast=True, print_fn=lambda line: None)
    best = results["least_squares_train_loss"]  # the exact minimum of J on the training set
    assert 0.05 < best < 0.2
    assert set(results["optimizers"]) == set(linear_neuron.OPTIMIZERS)
    for label, r in results["optimizers"].items():
        curve = r["loss_history"]
        assert len(curve) == 8, label
        # J(w = 0) = ½ mean(y²) = 0.5 for a standardised price; no rule beats least squares
        assert best - 1e-9 <= curve[-1] < min(0.5, 1.3 * best), label
        assert 3.0 < r["test_rmse"] < 10.0, label  # in $1000s
    # batch GD makes one step per epoch: after 8 epochs it is the farthest from the minimum
    finals = {k: r["final_loss"] for k, r in results["optimizers"].items()}
    assert max(finals, key=finals.get) == "batch GD"
    assert "B" in results["ethics_note"] and "Black" in results["ethics_note"]
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["optimizers"]["Adam"]["settings"]["rule"] == "adam"
    assert (tmp_path / "loss.png").is_file()


def test_data_are_standardised_on_the_training_part():
    data = linear_neuron.load_data(seed=0)
    np.testing.assert_allclose(data["X_train"].mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(data["X_train"].std(axis=0), 1, atol=1e-9)
    assert "B" not in data["features"] and len(data["features"]) == 12
    assert get("linear-neuron") is linear_neuron
