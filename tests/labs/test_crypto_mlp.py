"""The crypto-mlp lab: an MLP on lagged Bitcoin prices against the naive forecast, end to end
in fast mode, with its metrics table, forecast plot and model in the report folder."""

import json

import numpy as np
import pytest

from neurona import datasets
from neurona.labs import crypto_mlp
from neurona.labs._forecast import mae, rmse


def test_fast_run_forecasts_the_last_60_days_and_writes_the_report(tmp_path):
    lines = []
    results = crypto_mlp.run(fast=True, out=tmp_path, print_fn=lines.append)
    dates, close = datasets.load_crypto_prices("btc", dtype="float64")
    # the test period is the last 60 days of the series, 2020-02-02 … 2020-04-01
    assert results["test_dates"][0] == "2020-02-02" and results["test_dates"][-1] == "2020-04-01"
    np.testing.assert_allclose(results["actual"], close[-60:])
    naive, mlp = results["table"]
    assert naive["model"] == "naive" and mlp["model"] == "mlp"
    # the naive row by hand: yesterday's close against today's
    assert naive["rmse"] == pytest.approx(rmse(close[-60:], close[-61:-1]))
    assert naive["mae"] == pytest.approx(mae(close[-60:], close[-61:-1]))
    assert naive["rmse"] == pytest.approx(497.0, abs=0.1)  # USD, measured
    forecast = np.asarray(results["forecasts"]["mlp"])
    assert forecast.shape == (60,) and np.isfinite(forecast).all()
    assert 0 < mlp["mae"] <= mlp["rmse"] and mlp["rmse_vs_naive"] > 0
    # the scaler saw the training year only (365 days before the test period)
    train = close[-60 - 365 : -60]
    assert results["scaler"] == {"low": train.min(), "high": train.max()}
    assert "\nnaive " in "\n".join(lines)  # the table is printed
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png",
        "forecast.png",
        "metrics.json",
        "model.neurona",
        "table.txt",
    ]
    table = (tmp_path / "table.txt").read_text().splitlines()
    assert table[0].split() == ["model", "RMSE", "MAE"] and table[1].split()[0] == "naive"
    assert float(table[1].split()[1]) == pytest.approx(naive["rmse"], abs=1e-4)
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["table"] == results["table"]


def test_the_mlp_learns_more_than_a_constant(tmp_path):
    # 30 epochs on a year: the forecast follows the price (correlation with the actual series)
    results = crypto_mlp.run(epochs=30, out=False, print_fn=None, train_days=365)
    forecast, actual = results["forecasts"]["mlp"], results["actual"]
    assert np.corrcoef(forecast, actual)[0, 1] > 0.8
    assert results["table"][1]["rmse_vs_naive"] < 5
