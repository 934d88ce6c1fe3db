"""The crypto-deep-lstm lab: two stacked LSTMs (the first returns sequences), end to end in
fast mode."""

import numpy as np

from neurona.labs import crypto_deep_lstm
from neurona.labs._forecast import prepare


def test_fast_run_forecasts_and_writes_the_report(tmp_path):
    results = crypto_deep_lstm.run(fast=True, out=tmp_path, print_fn=None)
    naive, deep = results["table"]
    assert (naive["model"], deep["model"]) == ("naive", "deep-lstm")
    forecast = np.asarray(results["forecasts"]["deep-lstm"])
    assert forecast.shape == (60,) and np.isfinite(forecast).all()
    assert 0 < deep["mae"] <= deep["rmse"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png",
        "forecast.png",
        "metrics.json",
        "model.neurona",
        "table.txt",
    ]


def test_the_first_lstm_passes_its_whole_sequence_to_the_second():
    model = crypto_deep_lstm.build_deep_lstm(prepare(np.arange(40.0), 14, 5, sequence=True))
    first, second, dense = model.layers
    x = np.zeros((3, 14, 1), dtype=np.float32)
    assert first(x).shape == (3, 14, 50)  # every time step's hidden state
    assert second(first(x)).shape == (3, 50)  # the last one only
    assert [w.shape for w in second.get_weights()] == [(50, 200), (50, 200), (200,)]
    assert model.predict(x, verbose=0).shape == (3, 1)
