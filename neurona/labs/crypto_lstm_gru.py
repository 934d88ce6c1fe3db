"""Side lab: LSTM against GRU on the same Bitcoin windows (docs/course.md B9, deck [A] lab
AIMLDL_0504), both without regularisation, judged by the one-step-ahead forecast of the last
60 days against the naive forecast.

    LSTM: four gates (input, forget, cell, output) and a cell state; 4·(u(u + d) + u) weights
    GRU:  three (update z, reset r, candidate h̃), no cell state;   3·(u(u + d) + 2u) weights
          (Keras's default reset_after=True: two biases per gate)
"""

from __future__ import annotations

from typing import Any

from neurona import layers, models
from neurona.labs._forecast import ForecastData, run_forecast_lab
from neurona.labs.crypto_lstm import build_lstm

NAME = "crypto-lstm-gru"
DESCRIPTION = (
    "LSTM(50) against GRU(50) on the same Bitcoin windows: one-step-ahead forecasts "
    "of the last 60 days and the naive forecast"
)


def build_gru(data: ForecastData) -> models.Sequential:
    """(lookback, 1) → GRU(50) → Dense(1), Adam on the MSE.

    Example:
        >>> import numpy as np
        >>> from neurona.labs._forecast import prepare
        >>> build_gru(prepare(np.arange(30.0), 14, 5, sequence=True)).count_params()
        8001
    """
    model = models.Sequential(
        [
            layers.Input((data.lookback, 1)),
            layers.GRU(50),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def run(
    epochs: int | None = None,
    out: Any = None,
    seed: int = 0,
    fast: bool = False,
    print_fn: Any = print,
    coin: str = "btc",
    lookback: int = 14,
    test_days: int = 60,
    train_days: int | None = 1095,
) -> dict:
    """Train an LSTM and a GRU from the same seed on the same windows; tabulate both against
    the naive forecast.

    Args:
        epochs: default 50 for each model; 1 with ``fast``.
        out: the report folder (default ``neurona-reports/crypto-lstm-gru``), or False.
        seed: seed of the initial weights and of the shuffling (the same for both).
        fast: 1 epoch on the year before the test period.
        print_fn: where progress lines and the table go (None: silent).
        coin, lookback, test_days, train_days: as in ``crypto-lstm``.

    Returns:
        a dict: ``table`` (naive, lstm, gru rows: rmse, mae in USD, rmse_vs_naive), forecasts,
        actual prices, test dates, both training curves, settings. The report folder gets
        metrics.json, forecast.png, curves.png, model-lstm.neurona and model-gru.neurona.

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> [row["model"] for row in results["table"]]
        ['naive', 'lstm', 'gru']
    """
    epochs = (1 if fast else 50) if epochs is None else int(epochs)
    if fast:
        train_days = 365
    return run_forecast_lab(
        NAME,
        {"lstm": build_lstm, "gru": build_gru},
        coin=coin,
        lookback=lookback,
        test_days=test_days,
        train_days=train_days,
        epochs=epochs,
        sequence=True,
        seed=seed,
        out=out,
        print_fn=print_fn,
    )
