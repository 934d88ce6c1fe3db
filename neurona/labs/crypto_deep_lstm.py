"""Side lab: a deep (stacked) LSTM on Bitcoin's prices (docs/course.md B11, deck [A] lab
AIMLDL_0506), judged by the one-step-ahead forecast of the last 60 days against the naive
forecast. The first LSTM returns its whole sequence of hidden states, which the second reads:

    (h¹₁, …, h¹₁₄) = LSTM(50, return_sequences=True)(x)     (batch, 14, 50)
    h²₁₄ = LSTM(50)(h¹₁, …, h¹₁₄)                           (batch, 50)
    ŷₜ = h²₁₄ W + b
"""

from __future__ import annotations

from typing import Any

from neurona import layers, models
from neurona.labs._forecast import ForecastData, run_forecast_lab

NAME = "crypto-deep-lstm"
DESCRIPTION = (
    "two stacked LSTM(50) layers (return_sequences=True) forecast Bitcoin's last "
    "60 days one step ahead, against the naive forecast"
)


def build_deep_lstm(data: ForecastData, depth: int = 2) -> models.Sequential:
    """(lookback, 1) → LSTM(50, return_sequences=True) × (depth − 1) → LSTM(50) → Dense(1).

    Example:
        >>> import numpy as np
        >>> from neurona.labs._forecast import prepare
        >>> model = build_deep_lstm(prepare(np.arange(30.0), 14, 5, sequence=True))
        >>> [layer.return_sequences for layer in model.layers[:2]], model.output_shape
        ([True, False], (None, 1))
    """
    stack = [layers.LSTM(50, return_sequences=True) for _ in range(depth - 1)]
    model = models.Sequential(
        [
            layers.Input((data.lookback, 1)),
            *stack,
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
    """Train the stacked LSTM and forecast the last ``test_days`` days one step ahead.

    Args:
        epochs: default 50; 1 with ``fast``.
        out: the report folder (default ``neurona-reports/crypto-deep-lstm``), or False.
        seed: seed of the initial weights and of the shuffling.
        fast: 1 epoch on the year before the test period.
        print_fn: where progress lines and the table go (None: silent).
        coin, lookback, test_days, train_days: as in ``crypto-lstm``.

    Returns:
        a dict as ``crypto-lstm`` returns (row "deep-lstm"). The report folder gets
        metrics.json, forecast.png, curves.png and model.neurona.

    Example:
        >>> results = run(fast=True, out=False, print_fn=None)
        >>> [row["model"] for row in results["table"]]
        ['naive', 'deep-lstm']
    """
    epochs = (1 if fast else 50) if epochs is None else int(epochs)
    if fast:
        train_days = 365
    return run_forecast_lab(
        NAME,
        {"deep-lstm": build_deep_lstm},
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
