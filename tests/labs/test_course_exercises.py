"""The course-exercise labs (issue 13) in fast mode: each shows the course's point in its
results and leaves a report folder with its metrics and non-empty plots."""

import json

import numpy as np
import pytest

from neurona.labs import (
    binary_shallow,
    framework_comparison,
    get,
    initialisation,
    learning_rate,
    normalisation,
    regularisation,
    sgd_homework,
    sobornos_regression,
    toy_problems,
)


def _report(folder, *plots):
    names = {p.name for p in folder.iterdir()}
    assert {"metrics.json", *plots} <= names, names
    for plot in plots:
        assert (folder / plot).stat().st_size > 5000  # a drawn PNG, not an empty canvas
    return json.loads((folder / "metrics.json").read_text())


def test_sobornos_a_line_cannot_curve_one_hidden_layer_can(tmp_path):
    results = sobornos_regression.run(fast=True, out=tmp_path, print_fn=None)
    table = {row["label"]: row for row in results["table"]}
    assert results["synthesised"] is True and results["linear_cannot_curve"] is True
    assert table["linear"]["params"] == 2 and table["8 tanh"]["params"] == 25
    assert min(r["val_mse"] for r in results["table"][1:]) < table["linear"]["val_mse"] / 3
    saved = _report(tmp_path, "fits.png", "curves.png")
    assert saved["table"] == results["table"]


def test_the_homework_sgd_reaches_least_squares_and_every_rule_is_drawn(tmp_path):
    results = sgd_homework.run(fast=True, out=tmp_path, print_fn=None)
    slope, intercept = results["sgd"]["slope"], results["sgd"]["intercept"]
    np.testing.assert_allclose([slope, intercept], results["sgd"]["least_squares"], atol=0.1)
    rules = {"gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"}
    for function in ("bowl", "rosenbrock", "himmelblau"):
        rows = [r for r in results["table"] if r["function"] == function]
        assert {r["optimizer"] for r in rows} == rules
    bowl = {r["optimizer"]: r for r in results["table"] if r["function"] == "bowl"}
    assert bowl["gd"]["distance_to_minimum"] < 1e-3 and bowl["adam"]["final_J"] < 1e-2
    _report(tmp_path, "trajectories.png", "sgd.png")


def test_sgd_by_hand_follows_the_mean_gradient():
    # one term per mini-batch of size n: SGD with batch n is plain gradient descent
    c = np.array([1.0, 3.0])
    path = sgd_homework.sgd(lambda t, i: 2 * (t - c[i])[:, None], 2, [0.0], 0.25, 1, batch_size=2)
    np.testing.assert_allclose(path[1], [0.0 - 0.25 * 2 * (0.0 - 2.0)])


def test_binary_shallow_beats_the_always_the_rest_baseline(tmp_path, image_data):
    results = binary_shallow.run(fast=True, out=tmp_path, print_fn=None)
    assert results["positive"] == 9 and results["test"]["accuracy"] > results["baseline_accuracy"]
    counts = results["test"]
    assert counts["tp"] + counts["fp"] + counts["fn"] + counts["tn"] == results["n_test"]
    assert counts["recall"] > 0.5
    _report(tmp_path, "curves.png", "probabilities.png")


def test_the_learning_rate_crawls_oscillates_and_diverges(tmp_path):
    results = learning_rate.run(fast=True, out=tmp_path, print_fn=None)
    verdicts = [row["verdict"] for row in results["table"]]
    assert verdicts == ["slow", "slow", "good", "oscillates", "diverged"]
    # α_max is the theory's bound: just below it converges, just above it explodes
    below, above = results["table"][3], results["table"][4]
    assert below["final_loss"] < below["first_loss"] and not above["final_loss"] < 1e6
    _report(tmp_path, "curves.png")


def test_normalising_the_inputs_rounds_the_bowl(tmp_path):
    results = normalisation.run(out=tmp_path, print_fn=None)
    raw, scaled = results["table"]
    assert raw["condition"] > 20 * scaled["condition"]
    assert raw["steps_to_1pc"] > 10 * scaled["steps_to_1pc"]
    assert raw["final_loss"] == pytest.approx(scaled["final_loss"], rel=0.01)  # same minimum
    _report(tmp_path, "bowls.png")


@pytest.mark.parametrize(
    "name", ["sobornos-regression", "sgd-homework", "binary-shallow", "learning-rate",
             "normalisation", "initialisation", "regularisation", "framework-comparison",
             "toy-problems"],
)  # fmt: skip
def test_the_labs_are_listed(name):
    assert get(name).NAME == name


def test_initialisation_zeros_stay_symmetric_and_glorot_keeps_the_signal(tmp_path):
    results = initialisation.run(fast=True, out=tmp_path, print_fn=None)
    rows = {row["initializer"]: row for row in results["table"]}
    assert rows["zeros"]["distinct_units"] == 1 and rows["zeros"]["first_layer_gradient"] == 0
    assert rows["N(0, 0.01²)"]["last_layer_std"] < 1e-6  # the signal vanished with depth
    assert rows["N(0, 1)"]["saturated"] > 0.3  # tanh pinned at ±1
    glorot = rows["glorot_uniform"]
    assert 1e-2 < glorot["last_layer_std"] < 0.5 and glorot["saturated"] == 0
    assert glorot["accuracy"] == max(row["accuracy"] for row in rows.values())
    _report(tmp_path, "signal.png", "curves.png")


def test_the_initialisation_gradient_by_hand_matches_the_tape():
    from neurona import losses

    model = initialisation.build_model("glorot_uniform")
    X = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.float32)
    by_hand = initialisation.signal(model, X, y)["first_layer_gradient"]
    model.zero_grad()
    loss = losses.binary_crossentropy(y[:, None], model(X)).mean()
    loss.backward()
    tape = float(np.linalg.norm(model.trainable_weights[0].grad))
    assert by_hand == pytest.approx(tape, rel=1e-3)


def test_regularisation_remedies_are_tabulated_with_their_boundaries(tmp_path):
    results = regularisation.run(fast=True, out=tmp_path, print_fn=None)
    rows = {row["remedy"]: row for row in results["table"]}
    assert list(rows) == ["none", "L2", "L1", "dropout", "early stopping"]
    assert rows["L1"]["zero_weights"] > 5 * rows["none"]["zero_weights"]  # L1 zeroes weights
    assert all(0.5 < row["test_accuracy"] <= 1 for row in rows.values())
    _report(tmp_path, "curves.png", "boundaries.png")


def test_the_same_network_in_neurona_keras_and_pytorch(tmp_path, image_data, keras, torch):
    results = framework_comparison.run(fast=True, out=tmp_path, print_fn=None)
    rows = {row["library"]: row for row in results["table"]}
    assert set(rows) == {"neurona", "keras", "pytorch"} and all(
        r["installed"] for r in rows.values()
    )
    # the same weights, data order and Adam: Keras and neurona agree closely, PyTorch nearly
    assert rows["keras"]["test_accuracy"] == pytest.approx(
        rows["neurona"]["test_accuracy"], abs=0.01
    )
    assert rows["pytorch"]["test_accuracy"] == pytest.approx(
        rows["neurona"]["test_accuracy"], abs=0.03
    )
    assert all(r["seconds"] > 0 for r in rows.values())
    _report(tmp_path, "comparison.png")


def test_a_missing_library_gets_a_row_saying_so(monkeypatch, image_data):
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch":
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    results = framework_comparison.run(fast=True, out=False, print_fn=None,
                                       libraries=("neurona", "pytorch"))  # fmt: skip
    assert results["table"][1] == {"library": "pytorch", "installed": False}


def test_toy_problems_features_let_a_line_curve(tmp_path):
    results = toy_problems.run(fast=True, out=tmp_path, print_fn=None)
    acc = {(r["problem"], r["setting"]): r["test_accuracy"] for r in results["table"]}
    for name in ("circles", "xor"):  # a line fails, x₁², x₂², x₁x₂ make it curve
        assert acc[(name, "raw → linear")] < 0.75 < 0.95 < acc[(name, "features → linear")]
    assert acc[("gaussians", "raw → linear")] > 0.95  # linearly separable already
    assert acc[("spiral", "raw → 8-8 tanh")] > acc[("spiral", "raw → linear")] + 0.2
    _report(tmp_path, "boundaries.png")
