"""The crypto-lstm lab: an unregularised LSTM forecasts the last 60 Bitcoin days end to end in
fast mode, with its metrics table, forecast plot and model in the report folder."""

import json

import numpy as np
import pytest

from neurona import datasets, models
from neurona.labs import crypto_lstm
from neurona.labs._forecast import one_step_forecast, prepare


def test_fast_run_forecasts_and_writes_the_report(tmp_path):
    results = crypto_lstm.run(fast=True, out=tmp_path, print_fn=None)
    naive, lstm = results["table"]
    assert (naive["model"], lstm["model"]) == ("naive", "lstm")
    assert naive["rmse"] == pytest.approx(497.0, abs=0.1)  # USD: the test period is fixed
    forecast = np.asarray(results["forecasts"]["lstm"])
    assert forecast.shape == (60,) and np.isfinite(forecast).all()
    assert 0 < lstm["mae"] <= lstm["rmse"] and np.isfinite(lstm["rmse_vs_naive"])
    assert len(results["histories"]["lstm"]["val_loss"]) == results["epochs"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png",
        "forecast.png",
        "metrics.json",
        "model.neurona",
        "table.txt",
    ]
    assert json.loads((tmp_path / "metrics.json").read_text())["table"] == results["table"]
    # the saved model reloads and reproduces the forecast from the same windows
    model = models.load_model(tmp_path / "model.neurona")
    _, close = datasets.load_crypto_prices("btc", dtype="float64")
    data = prepare(close, lookback=14, test_days=60, train_days=365, sequence=True)
    np.testing.assert_allclose(
        one_step_forecast(lambda x: model.predict(x, verbose=0), data), forecast, rtol=1e-5
    )


def test_the_model_is_an_lstm_without_regularisation():
    model = crypto_lstm.build_lstm(prepare(np.arange(40.0), 14, 5, sequence=True))
    lstm, dense = model.layers
    assert type(lstm).__name__ == "LSTM" and lstm.units == 50
    # Keras's weight layout: kernel (1, 4u), recurrent_kernel (u, 4u), bias (4u,)
    assert [w.shape for w in lstm.get_weights()] == [(1, 200), (50, 200), (200,)]
    assert model.losses == [] and lstm.get_config()["dropout"] == 0.0
