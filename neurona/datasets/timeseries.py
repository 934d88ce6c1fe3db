"""Supervised windows from a time series, for forecasting with an MLP, an LSTM or a GRU
(docs/course.md B7–B11): the last ``lookback`` values predict the value ``horizon`` steps ahead."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["timeseries_windows"]


def timeseries_windows(
    series: ArrayLike, lookback: int, horizon: int = 1, multi_step: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series s of length T into input windows and their targets:

        X[i] = (s[i], s[i+1], …, s[i+lookback−1])
        y[i] = s[i + lookback + horizon − 1]                     (multi_step=False)
        y[i] = (s[i+lookback], …, s[i+lookback+horizon−1])       (multi_step=True)
        for i = 0 … n − 1,   n = T − lookback − horizon + 1

    horizon = 1 is one-step-ahead forecasting. The windows are views cut without a Python loop
    and then copied, so X and y own their memory.

    Args:
        series: s, shape (T,) or (T, features).
        lookback: the window length, ≥ 1.
        horizon: how far ahead the target lies, ≥ 1.
        multi_step: return all ``horizon`` next values instead of only the last one.

    Shape:
        series (T,):           X (n, lookback),             y (n,) or (n, horizon)
        series (T, features):  X (n, lookback, features),   y (n, features) or (n, horizon,
                               features)
        An LSTM wants (batch, time, features): use ``X[..., None]`` for a 1-D series.

    Example:
        >>> X, y = timeseries_windows(np.arange(6), lookback=3)
        >>> X.tolist(), y.tolist()
        ([[0, 1, 2], [1, 2, 3], [2, 3, 4]], [3, 4, 5])
        >>> timeseries_windows(np.arange(6), lookback=3, horizon=2)[1].tolist()
        [4, 5]
    """
    s = np.asarray(series)
    if s.ndim not in (1, 2):
        raise ValueError(
            f"timeseries_windows: expected a series of shape (T,) or "
            f"(T, features), got shape {s.shape}."
        )
    for name, value in (("lookback", lookback), ("horizon", horizon)):
        if not (isinstance(value, (int, np.integer)) and value >= 1):
            raise ValueError(
                f"timeseries_windows: expected {name} to be an int >= 1, got {value!r}."
            )
    n = len(s) - lookback - horizon + 1
    if n < 1:
        raise ValueError(
            f"timeseries_windows: expected a series longer than lookback + horizon "
            f"− 1 = {lookback + horizon - 1}, got length {len(s)}. Use a shorter "
            "lookback or horizon."
        )
    # sliding_window_view puts the window axis last: (T − L + 1, [features,] L)
    windows = np.lib.stride_tricks.sliding_window_view(s, lookback, axis=0)
    X = np.moveaxis(windows[:n], -1, 1).copy()  # (n, lookback[, features])
    if multi_step:
        ahead = np.lib.stride_tricks.sliding_window_view(s[lookback:], horizon, axis=0)
        y = np.moveaxis(ahead[:n], -1, 1).copy()  # (n, horizon[, features])
    else:
        y = s[lookback + horizon - 1 :].copy()  # (n[, features])
    return X, y
