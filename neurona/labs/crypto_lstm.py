"""Side lab: forecasting Bitcoin's daily price with an LSTM, without regularisation
(docs/course.md B8, deck [A] lab AIMLDL_0503), judged like ``crypto-mlp`` by a pseudo-out-of-sample
one-step-ahead forecast of the last 60 days against the naive forecast:

    x = (s'ₜ₋₁₄, …, s'ₜ₋₁) as a sequence (batch, time = 14, features = 1)
    h₁₄ = LSTM(50)(x)   (the last hidden state)        ŷₜ = h₁₄ W + b
"""

from __future__ import annotations

from typing import Any

from neurona import layers, models
from neurona.labs._forecast import ForecastData, run_forecast_lab

NAME = "crypto-lstm"
DESCRIPTION = (
    "an LSTM(50) without regularisation forecasts Bitcoin's last 60 days one step "
    "ahead, against the naive forecast"
)


def build_lstm(data: ForecastData) -> models.Sequential:
    """(lookback, 1) → LSTM(50) → Dense(1), Adam on the MSE.

    Example:
        >>> import numpy as np
        >>> from neurona.labs._forecast import prepare
        >>> build_lstm(prepare(np.arange(30.0), 14, 5, sequence=True)).count_params()
        10451
    """
    model = models.Sequential(
        [
            layers.Input((data.lookback, 1)),
            layers.LSTM(50),
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
    """Train the LSTM on the ``train_days`` before the test period (last 10 % of the windows
    for validation) and forecast the last ``test_days`` days one step ahead.

    Args:
        epochs: default 50; 1 with ``fast``.
        out: the report folder (default ``neurona-reports/crypto-lstm``), or False.
        seed: seed of the initial weights and of the shuffling.
        fast: 1 epoch on the year before the test period.
        print_fn: where progress lines and the table go (None: silent).
        coin: "btc" or "eth".
        lookback: days in each input sequence.
        test_days: days forecast at the end of the series.
        train_days: days before the test period used for training (None: all).

    Returns:
        a dict: ``table`` (naive and lstm rows: rmse, mae in USD, rmse_vs_naive), forecasts,
        actual prices, test dates, training curves, settings. The report folder gets
        metrics.json, forecast.png, curves.png and model.neurona.

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> [row["model"] for row in results["table"]], len(results["forecasts"]["lstm"])
        (['naive', 'lstm'], 60)
    """
    epochs = (1 if fast else 50) if epochs is None else int(epochs)
    if fast:
        train_days = 365
    return run_forecast_lab(
        NAME,
        {"lstm": build_lstm},
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
