"""The crypto-lstm-gru lab: LSTM and GRU trained from the same seed on the same windows, both
tabulated against the naive forecast, end to end in fast mode."""

import numpy as np

from neurona.labs import crypto_lstm_gru
from neurona.labs._forecast import prepare


def test_fast_run_compares_lstm_and_gru(tmp_path):
    results = crypto_lstm_gru.run(fast=True, out=tmp_path, print_fn=None)
    assert [row["model"] for row in results["table"]] == ["naive", "lstm", "gru"]
    lstm, gru = (np.asarray(results["forecasts"][k]) for k in ("lstm", "gru"))
    assert lstm.shape == gru.shape == (60,)
    assert np.isfinite(lstm).all() and np.isfinite(gru).all()
    assert not np.allclose(lstm, gru)  # two different models
    for row in results["table"]:
        assert 0 < row["mae"] <= row["rmse"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png",
        "forecast.png",
        "metrics.json",
        "model-gru.neurona",
        "model-lstm.neurona",
        "table.txt",
    ]


def test_the_gru_has_keras_reset_after_weights():
    model = crypto_lstm_gru.build_gru(prepare(np.arange(40.0), 14, 5, sequence=True))
    gru = model.layers[0]
    # reset_after=True (Keras's default): kernel (1, 3u), recurrent (u, 3u), bias (2, 3u)
    assert [w.shape for w in gru.get_weights()] == [(1, 150), (50, 150), (2, 150)]
    assert model.count_params() == 3 * (50 * 51 + 2 * 50) + 51
