"""Side lab: forecasting Bitcoin's daily price with a multilayer perceptron on lagged prices
(docs/course.md B7, deck [A] lab AIMLDL_0502), judged by a pseudo-out-of-sample forecast (E4):

    x = (s'ₜ₋₁₄, …, s'ₜ₋₁)   the last 14 days' prices, min–max scaled on the training period
    ŷₜ = Dense(1)(relu(Dense(32)(relu(Dense(64)(x)))))            (one step ahead)

Train on the past, forecast each of the last 60 days from the actual prices before it, and
compare with the naive forecast ŷₜ = sₜ₋₁ by RMSE and MAE. On daily crypto prices the naive
forecast is hard to beat: a model that merely matches it has learned the random walk.
"""

from __future__ import annotations

from typing import Any

from neurona import layers, models
from neurona.labs._forecast import ForecastData, run_forecast_lab

NAME = "crypto-mlp"
DESCRIPTION = (
    "an MLP on 14 lagged daily prices forecasts Bitcoin's last 60 days one step "
    "ahead, against the naive forecast (RMSE, MAE)"
)


def build_mlp(data: ForecastData) -> models.Sequential:
    """lookback → Dense(64, relu) → Dense(32, relu) → Dense(1), Adam on the MSE.

    Example:
        >>> import numpy as np
        >>> from neurona.labs._forecast import prepare
        >>> build_mlp(prepare(np.arange(30.0), lookback=14, test_days=5)).count_params()
        3073
    """
    model = models.Sequential(
        [
            layers.Input((data.lookback,)),
            layers.Dense(64, activation="relu"),
            layers.Dense(32, activation="relu"),
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
    """Train the MLP on the ``train_days`` before the test period and forecast the last
    ``test_days`` days one step ahead; compare with the naive forecast.

    Args:
        epochs: default 100; 2 with ``fast``.
        out: the report folder (default ``neurona-reports/crypto-mlp``), or False.
        seed: seed of the initial weights and of the shuffling.
        fast: 2 epochs on the year before the test period.
        print_fn: where progress lines and the table go.
        coin: "btc" (2010-07-18 … 2020-04-01) or "eth" (2015-08-08 … 2020-05-05).
        lookback: days in each input window.
        test_days: days forecast at the end of the series.
        train_days: days before the test period used for training (default 3 years; None: all
            of them, back to 2010, when Bitcoin cost cents and the min–max scale squashes them).

    Returns:
        a dict: ``table`` (naive and mlp rows: rmse, mae in USD, rmse_vs_naive), the forecasts,
        the actual prices, the test dates, the training curves and the settings. The report
        folder gets metrics.json, forecast.png, curves.png and model.neurona.

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> [row["model"] for row in results["table"]], len(results["actual"])
        (['naive', 'mlp'], 60)
    """
    epochs = (2 if fast else 100) if epochs is None else int(epochs)
    if fast:
        train_days = 365
    return run_forecast_lab(
        NAME,
        {"mlp": build_mlp},
        coin=coin,
        lookback=lookback,
        test_days=test_days,
        train_days=train_days,
        epochs=epochs,
        seed=seed,
        out=out,
        print_fn=print_fn,
    )
