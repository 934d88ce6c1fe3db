"""The universal-approximation lab: the sup-norm error of one hidden layer falls as its units
grow, and the report holds the table and the plot."""

import json

import numpy as np
import pytest

from neurona.labs import universal_approximation as ua


def test_error_at_32_units_is_far_below_the_error_at_1(tmp_path):
    results = ua.run(fast=True, out=tmp_path, print_fn=lambda line: None)
    table = results["table"]
    assert [row["units"] for row in table] == [1, 2, 4, 8, 16, 32]
    sup = {row["units"]: row["sup_error"] for row in table}
    # one sigmoid cannot follow a full sine period (error ≈ 0.86 measured); 32 units reach ~0.01
    assert sup[1] > 0.5
    assert sup[32] < 0.1 * sup[1]
    assert sup[32] < 0.05
    for row in table:  # the sup norm bounds the RMSE; both finite
        assert np.isfinite(row["final_loss"]) and 0 < row["rmse"] <= row["sup_error"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fits.png", "metrics.json"]
    assert json.loads((tmp_path / "metrics.json").read_text())["table"] == table


def test_the_target_is_the_documented_function():
    x = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    # sin(2πx) + x/2: 0, 1 + 0.125, 0 + 0.25, −1 + 0.375, 0 + 0.5
    np.testing.assert_allclose(ua.target(x), [0.0, 1.125, 0.25, -0.625, 0.5], atol=1e-12)


def test_hidden_units_are_sigmoid_and_the_output_is_linear():
    model = ua.build_model(8)
    hidden, output = model.layers
    assert hidden.units == 8 and output.units == 1
    assert hidden.get_config()["activation"] == "sigmoid"
    x = np.array([[0.0], [0.5], [1.0]], dtype=np.float32)
    W, b = hidden.get_weights()
    expected_hidden = 1 / (1 + np.exp(-(x @ W + b)))  # σ(x W + b)
    np.testing.assert_allclose(hidden(x).numpy(), expected_hidden, rtol=1e-5)
    assert output.get_config()["activation"] == "linear"


@pytest.mark.parametrize("units", [(1,), (3, 5)])
def test_the_units_can_be_chosen(units):
    results = ua.run(fast=True, epochs=2, out=False, units=units, print_fn=lambda line: None)
    assert [row["units"] for row in results["table"]] == list(units)
