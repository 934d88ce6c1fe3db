"""The crypto-lstm-reg lab: dropout, L2 on the kernels and early stopping, end to end in fast
mode; the regularisers are really in the model and early stopping really stops."""

import numpy as np
import pytest

from neurona.labs import crypto_lstm_reg
from neurona.labs._forecast import prepare


def test_fast_run_forecasts_and_writes_the_report(tmp_path):
    results = crypto_lstm_reg.run(fast=True, out=tmp_path, print_fn=None)
    naive, reg = results["table"]
    assert (naive["model"], reg["model"]) == ("naive", "lstm-reg")
    assert np.isfinite(results["forecasts"]["lstm-reg"]).all() and 0 < reg["mae"] <= reg["rmse"]
    assert results["epochs_trained"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png",
        "forecast.png",
        "metrics.json",
        "model.neurona",
        "table.txt",
    ]


def test_the_model_carries_dropout_and_l2_on_kernels_only():
    model = crypto_lstm_reg.build_regularised_lstm(
        prepare(np.arange(40.0), 14, 5, sequence=True), rate=0.2, l2=1e-4
    )
    lstm, dropout, dense = model.layers
    assert lstm.get_config()["recurrent_dropout"] == 0.2 and dropout.rate == 0.2
    kernel, dense_kernel = lstm.get_weights()[0], dense.get_weights()[0]
    # the penalties are 1e-4 Σ W² over the two kernels (not the recurrent kernel, not biases)
    penalty = sum(float(p.item()) for p in model.losses)
    expected = 1e-4 * (
        np.sum(kernel.astype(np.float64) ** 2) + np.sum(dense_kernel.astype(np.float64) ** 2)
    )
    assert penalty == pytest.approx(expected, rel=1e-5)


def test_early_stopping_stops_when_the_validation_loss_does_not_improve():
    results = crypto_lstm_reg.run(epochs=20, patience=0, train_days=365, out=False, print_fn=None)
    val_loss = results["histories"]["lstm-reg"]["val_loss"]
    assert results["epochs_trained"] == len(val_loss) <= 20
    if len(val_loss) < 20:  # it stopped: the last epoch did not beat the best before it
        assert val_loss[-1] >= min(val_loss[:-1])
    else:  # it ran to the end: every epoch improved
        assert all(b < a for a, b in zip(val_loss, val_loss[1:]))
