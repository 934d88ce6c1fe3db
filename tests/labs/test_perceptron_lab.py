"""The perceptron lab: AND and OR converge, XOR does not (converged_ False and the warning), and
the report holds the mistakes per epoch of all three."""

import json

import pytest

from neurona.labs import get, perceptron


def test_and_or_converge_and_xor_does_not(tmp_path):
    pytest.importorskip("matplotlib")
    lines = []
    results = perceptron.run(out=tmp_path, fast=True, print_fn=lines.append)
    # AND by hand from w = 0: mistakes 1, 3, 3, 2, 1, 0 (tests/classic/test_perceptron.py)
    assert results["and"]["converged"] and results["and"]["errors"] == [1, 3, 3, 2, 1, 0]
    assert results["or"]["converged"] and results["or"]["errors"][-1] == 0
    assert results["and"]["accuracy"] == results["or"]["accuracy"] == 1.0
    xor = results["xor"]
    assert xor["converged"] is False and xor["epochs"] == 20 and min(xor["errors"]) > 0
    assert xor["accuracy"] < 1.0 and "linearly separable" in xor["warning"]
    assert results["and"]["warning"] is None
    assert any("NOT converged" in line for line in lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "boundaries.png",
        "errors.png",
        "metrics.json",
    ]
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["xor"]["errors"] == xor["errors"] and saved["and"]["bias"] == -2.0


def test_epochs_sets_max_epochs_and_the_lab_is_listed():
    results = perceptron.run(epochs=7, out=False, print_fn=lambda line: None)
    assert results["xor"]["epochs"] == 7 and len(results["xor"]["errors"]) == 7
    assert get("perceptron") is perceptron
